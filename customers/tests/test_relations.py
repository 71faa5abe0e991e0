"""The relationship map's two object types: generated suites, and what only they do."""

import pytest
from django.utils import timezone

from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import FollowsParent, OwnedRecords
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.randomized import RandomizedScopeTests
from core.testing.scope import ScopeTests
from customers.models import ContactEmployeeRelation, ContactRelation, Customer
from customers.relation_map import graph_data, layout
from customers.tests.factories import (
    ContactEmployeeRelationFactory,
    ContactFactory,
    ContactRelationFactory,
    CustomerFactory,
)
from customers.tests.test_customers import build_customer_scope_rows

RULE = FollowsParent("from_contact", FollowsParent("customer", OwnedRecords()))


class _SameCustomer:
    """Related contacts must belong to one customer: the contacts a test posts are made on one
    customer per owner, so that swapping one of them for another the user may see stays valid."""

    label_field = "note"
    ordering_field = "note"

    def label(self, obj):
        """A relation has no name: exports start with its contact, so rows are told apart by their
        contact's name; the scope test that writes a label checks the note it wrote."""
        if obj.note == "本人可写":
            return obj.note
        return str(getattr(obj, "from_contact", None) or obj.contact)

    def _customer(self, ctx, owner):
        name = f"关系图客户{owner.pk}"
        return Customer.objects.filter(name=name).first() or CustomerFactory(owner=owner, name=name)

    def _contact(self, ctx, owner, **fields):
        return ContactFactory(customer=self._customer(ctx, owner), **fields)


class TestContactRelation(_SameCustomer, PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests,
                          RandomizedScopeTests):
    model = ContactRelation
    rule = RULE
    actor = "ceo"
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")
    query_users = ("ceo", "seller1")

    def make(self, ctx, *, owner=None, **fields):
        owner = owner or ctx.users[self.actor]
        customer = CustomerFactory(owner=owner)
        return ContactRelationFactory(from_contact=ContactFactory(customer=customer), **fields)

    def make_related(self, ctx, field, owner):
        return self._contact(ctx, owner)

    def scope_rows(self, ctx):
        rows = []
        for index, customer in enumerate(build_customer_scope_rows(ctx)):
            rows.append(ContactRelationFactory(from_contact=ContactFactory(customer=customer, name=f"{customer.name[0]}联系人{index}")))
        ContactRelation.all_objects.filter(pk=rows[1].pk).update(deleted_at=timezone.now())
        return rows

    def create_fields(self, ctx):
        seller = ctx.users["seller1"]
        return {"from_contact": str(self._contact(ctx, seller).pk), "kind": "influences",
                "to_contact": str(self._contact(ctx, seller).pk), "note": "每周例会"}

    @staticmethod
    def _other_customer(data):
        data["to_contact"] = str(ContactFactory().pk)
        return data

    @staticmethod
    def _self(data):
        data["to_contact"] = data["from_contact"]
        return data

    invalid_fields = [
        ("to_contact", _other_customer),
        ("to_contact", _self),
        ("kind", {"kind": "loves"}),
        ("from_contact", {"from_contact": "99999999"}),
        ("note", {"note": "x" * 201}),
    ]

    def edit_changes(self, ctx):
        return ({"kind": "advises", "note": "技术顾问"}, {"note": "改了"})

    def api_create_data(self, ctx):
        seller = ctx.users["seller1"]
        return {"from_contact": self._contact(ctx, seller).pk, "kind": "reports_to",
                "to_contact": self._contact(ctx, seller).pk}

    @staticmethod
    def _api_other_customer(data):
        data["to_contact"] = ContactFactory().pk
        return data

    api_invalid = [
        ("to_contact", _api_other_customer),
        ("kind", {"kind": "loves"}),
        ("from_contact", {"from_contact": "abc"}),
    ]

    def api_changes(self, ctx):
        return ({"kind": "opposes"}, {"note": "反对我们的方案"})

    def test_contact_of_another_customer_is_refused_by_the_field(self, ctx, client):
        a, b = ContactFactory(customer=CustomerFactory(owner=ctx.users["ceo"])), ContactFactory()
        self.login(client, ctx, "ceo")
        response = self.send(client, "post", self.api_url(), {"from_contact": a.pk, "to_contact": b.pk,
                                                               "kind": "influences"})
        assert response.status_code == 400
        assert response.json()["to_contact"][0] in ("Both contacts must belong to the same customer.",
                                                     "两个联系人必须属于同一客户。")
        assert not ContactRelation.all_objects.filter(from_contact=a).exists()


class TestContactEmployeeRelation(_SameCustomer, PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests,
                                  RandomizedScopeTests):
    model = ContactEmployeeRelation
    rule = FollowsParent("contact", FollowsParent("customer", OwnedRecords()))
    actor = "ceo"
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")
    query_users = ("ceo", "seller1")

    def make(self, ctx, *, owner=None, **fields):
        owner = owner or ctx.users[self.actor]
        return ContactEmployeeRelationFactory(contact=ContactFactory(customer=CustomerFactory(owner=owner)),
                                              employee=ctx.users["seller2"], **fields)

    def make_related(self, ctx, field, owner):
        return self._contact(ctx, owner)

    def scope_rows(self, ctx):
        rows = [ContactEmployeeRelationFactory(contact=ContactFactory(customer=customer, name=f"{customer.name[0]}联系人{index}"),
                                               employee=ctx.users["seller2"])
                for index, customer in enumerate(build_customer_scope_rows(ctx))]
        ContactEmployeeRelation.all_objects.filter(pk=rows[1].pk).update(deleted_at=timezone.now())
        return rows

    def create_fields(self, ctx):
        return {"contact": str(self._contact(ctx, ctx.users["seller1"]).pk),
                "employee": str(ctx.users["seller2"].pk), "strength": "4", "note": "老同学"}

    invalid_fields = [
        ("strength", {"strength": "0"}),
        ("strength", {"strength": "6"}),
        ("strength", {"strength": "abc"}),
        ("employee", {"employee": "99999999"}),
        ("contact", {"contact": ""}),
    ]

    def edit_changes(self, ctx):
        return ({"strength": 5, "note": "很熟"}, {"strength": 2})

    def api_create_data(self, ctx):
        return {"contact": self._contact(ctx, ctx.users["seller1"]).pk, "employee": ctx.users["seller2"].pk,
                "strength": 2}

    api_invalid = [
        ("strength", {"strength": 0}),
        ("strength", {"strength": 6}),
        ("strength", {"strength": "many"}),
        ("employee", {"employee": 99999999}),
    ]

    def api_changes(self, ctx):
        return ({"strength": 5}, {"note": "一起打球"})


@pytest.mark.django_db
def test_graph_data_nodes_edges_and_layers():
    customer = CustomerFactory()
    boss = ContactFactory(customer=customer, name="张总", decision_role="decision_maker")
    cto = ContactFactory(customer=customer, name="李工", decision_role="technical")
    buyer = ContactFactory(customer=customer, name="王采购", decision_role="user")
    ContactRelationFactory(from_contact=cto, to_contact=boss, kind="reports_to")
    ContactRelationFactory(from_contact=buyer, to_contact=cto, kind="reports_to")
    ContactRelationFactory(from_contact=buyer, to_contact=boss, kind="influences")
    relation = ContactEmployeeRelationFactory(contact=boss, strength=5)
    superuser = relation.employee
    superuser.is_superuser = True
    graph = graph_data(superuser, customer)
    ids = {n["id"]: n for n in graph["nodes"]}
    assert {n["label"] for n in graph["nodes"]} == {"张总", "李工", "王采购", str(relation.employee)}
    assert ids[f"c{boss.pk}"]["role"] == "decision_maker"
    assert ids[f"e{relation.employee_id}"]["kind"] == "employee"
    knows = [e for e in graph["edges"] if e["kind"] == "knows"]
    assert knows == [{"source": f"e{relation.employee_id}", "target": f"c{boss.pk}", "kind": "knows",
                      "strength": 5, "label": "★★★★★", "id": relation.pk}]
    assert sorted(e["kind"] for e in graph["edges"]) == ["influences", "knows", "reports_to", "reports_to"]
    positions = layout(graph)
    # The boss on top, whoever reports to them below, our employee at the bottom.
    assert positions[f"c{boss.pk}"][1] > positions[f"c{cto.pk}"][1] > positions[f"c{buyer.pk}"][1] \
        > positions[f"e{relation.employee_id}"][1]


@pytest.mark.django_db
def test_a_reporting_cycle_does_not_hang_the_layout():
    customer = CustomerFactory()
    a, b = ContactFactory(customer=customer), ContactFactory(customer=customer)
    ContactRelationFactory(from_contact=a, to_contact=b)
    ContactRelationFactory(from_contact=b, to_contact=a)
    user = customer.owner
    user.is_superuser = True
    assert len(layout(graph_data(user, customer))) == 2
