"""Contacts: generated tests. A contact is visible with its customer and editable with it."""

from django.utils import timezone

from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import FollowsParent
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.randomized import RandomizedScopeTests
from core.testing.scope import ScopeTests
from customers.models import Contact, Customer
from customers.tests.expectations import CustomerRecords
from customers.tests.factories import ContactFactory, CustomerFactory
from customers.tests.test_customers import build_customer_scope_rows


class TestContact(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests, RandomizedScopeTests):
    model = Contact
    rule = FollowsParent("customer", CustomerRecords())
    actor = "ceo"
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")
    search_terms = ("甲", "乙", "丙")
    query_users = ("ceo", "seller1")

    def make(self, ctx, *, owner=None, customer=None, **fields):
        customer = customer or CustomerFactory(owner=owner or ctx.users[self.actor])
        return ContactFactory(customer=customer, **fields)

    def make_related(self, ctx, field, owner):
        return CustomerFactory(owner=owner)

    def scope_rows(self, ctx):
        """One contact per customer of the world, a second on some, one deleted, one under a deleted customer."""
        rows = []
        for index, customer in enumerate(build_customer_scope_rows(ctx)):
            marker = customer.name[0]
            rows.append(ContactFactory(customer=customer, name=f"{marker}联系人{index}"))
            if index % 3 == 0:
                rows.append(ContactFactory(customer=customer, name=f"{marker}联系人{index}副"))
        deleted = rows[1]
        Contact.all_objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
        return rows

    # --- pages ----------------------------------------------------------------------------------

    def create_fields(self, ctx):
        customer = CustomerFactory(owner=ctx.users["seller1"])
        return {"customer": str(customer.pk), "name": "王经理", "title": "采购经理", "mobile": "13900000000",
                "email": "wang@example.cn", "decision_role": "decision_maker", "birthday": "1980-05-04"}

    @staticmethod
    def _deleted_customer(data):
        customer = Customer.objects.get(pk=data["customer"])
        Customer.all_objects.filter(pk=customer.pk).update(deleted_at=timezone.now())
        return data

    invalid_fields = [
        ("name", {"name": ""}),
        ("name", {"name": "名" * 101}),
        ("email", {"email": "not-an-address"}),
        ("customer", {"customer": ""}),
        ("customer", {"customer": "99999999"}),
        ("customer", _deleted_customer),
        ("birthday", {"birthday": "1980-13-45"}),
        ("decision_role", {"decision_role": "boss"}),
        # Phone numbers: digits, spaces, +, -, parentheses and an extension (issue 7, item 13).
        ("mobile", {"mobile": "abc"}),
        ("phone", {"phone": "010-abcd"}),
    ]

    def edit_changes(self, ctx):
        return ({"title": "总经理", "mobile": "13911112222"}, {"title": "财务总监"})

    # --- API ------------------------------------------------------------------------------------

    def api_create_data(self, ctx):
        customer = CustomerFactory(owner=ctx.users["seller1"])
        return {"customer": customer.pk, "name": "赵工", "email": "zhao@example.cn", "decision_role": "technical"}

    api_invalid = [
        ("customer", {"customer": 99999999}),
        ("customer", {"customer": "abc"}),
        ("customer", _deleted_customer),
        ("name", {"name": ""}),
        ("email", {"email": "nope"}),
        ("birthday", {"birthday": "yesterday"}),
        ("decision_role", {"decision_role": "boss"}),
        ("mobile", {"mobile": "abc"}),
    ]

    def api_changes(self, ctx):
        return ({"title": "采购总监", "mobile": "13722223333"}, {"title": "副总"})

    # --- what only contacts do ------------------------------------------------------------------

    def test_cannot_attach_a_contact_to_a_customer_one_may_not_change(self, ctx, client):
        """seller3 sees the 南区 customer shared with them (view only): no contact may be added to it."""
        shared = Customer.objects.get(name="乙·南区共享客户")
        self.login(client, ctx, "seller3")
        rows = Contact.all_objects.count()
        data = {"customer": shared.pk, "name": "不该建"}
        response = self.send(client, "post", self.api_url(), data)
        assert response.status_code == 400 and "customer" in response.json()
        response = client.post(self.url("add"), {**data, "customer": str(shared.pk)})
        assert response.status_code == 400
        assert Contact.all_objects.count() == rows

    def test_contact_of_a_deleted_customer_is_hidden(self, ctx, client):
        orphan = self.make(ctx)
        Customer.all_objects.filter(pk=orphan.customer_id).update(deleted_at=timezone.now())
        self.login(client, ctx, "ceo")
        assert client.get(self.url("detail", orphan)).status_code == 404
        assert client.get(self.api_url(orphan)).status_code == 404
