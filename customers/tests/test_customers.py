"""Customers: the generated page, API, scope and query-count tests, plus the world's proof."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from core.models import Share
from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.randomized import RandomizedScopeTests
from core.testing.reading import api_pks, export_rows, listed_pks, search_pks
from core.testing.scope import ScopeTests
from customers.models import Customer
from customers.tests.expectations import CustomerRecords
from customers.tests.factories import (
    ContactFactory,
    CustomerFactory,
    bad_check_digit,
    industry_pk,
    make_credit_code,
)
from org.tests.factories import TeamFactory

# The customers of the world: (name, owner, what else is true of it).
CUSTOMER_ROWS = [
    ("甲·总部直属客户", "ceo", {}),
    ("甲·北区直属客户", "north_manager", {}),
    ("甲·北京分公司客户", "branch_manager", {}),
    ("甲·销售一部经理客户", "dept_head", {}),
    ("甲·销售一部一号客户", "seller1", {}),
    ("乙·销售一部二号团队客户", "seller2", {"team": "matrix"}),
    ("乙·天津三号客户", "seller3", {}),
    # Assigned while seller3 worked in 南区: the record stays in that unit.
    ("乙·三号南区旧客户", "seller3", {"unit": "south"}),
    ("乙·南区共享客户", "south_seller", {"shares": [("seller3", False), ("seller2", True)]}),
    ("乙·南区单元客户", "unit_viewer", {}),
    ("丙·已删除客户", "seller1", {"deleted": True}),
    # Public pools (no owner): 北区's is seen by everyone in 北区's subtree, 北京分公司's by its own
    # subtree (and by managers above it), 南区's by nobody in 北区.
    ("甲·北区公海客户", None, {"unit": "north"}),
    ("丙·北京分公司公海客户", None, {"unit": "nb1"}),
    ("丙·南区公海客户", None, {"unit": "south"}),
]


def build_customer_scope_rows(ctx):
    """The customers above, with their shares (to a person and to the team "matrix")."""
    content_type = ContentType.objects.get_for_model(Customer)
    rows = []
    for name, owner, extra in CUSTOMER_ROWS:
        owner = ctx.users[owner] if owner else None
        unit = ctx.units[extra["unit"]] if "unit" in extra else owner.unit
        customer = CustomerFactory(name=name, owner=owner, org_unit=unit)
        if "team" in extra:
            Share.objects.create(content_type=content_type, object_id=customer.pk, team=ctx.teams[extra["team"]])
        for user, can_change in extra.get("shares", ()):
            Share.objects.create(content_type=content_type, object_id=customer.pk, employee=ctx.users[user],
                                 can_change=can_change)
        if extra.get("deleted"):
            Customer.all_objects.filter(pk=customer.pk).update(deleted_at=timezone.now())
        rows.append(customer)
    return rows


class TestCustomer(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests, RandomizedScopeTests):
    model = Customer
    rule = CustomerRecords()  # owned records plus account teams (customers/tests/expectations.py)
    actor = "ceo"
    search_terms = ("甲", "乙", "丙")
    query_users = ("ceo", "seller1")

    def make(self, ctx, *, owner=None, **fields):
        return CustomerFactory(owner=owner or ctx.users[self.actor], **fields)

    def scope_rows(self, ctx):
        return build_customer_scope_rows(ctx)

    def add_related(self, ctx, obj, user, count):
        super().add_related(ctx, obj, user, count)
        content_type = ContentType.objects.get_for_model(Customer)
        for index in range(count):
            ContactFactory(customer=obj)
            Share.objects.create(content_type=content_type, object_id=obj.pk, team=TeamFactory())
            obj.tags.add(f"标签{obj.pk}-{obj.tags.count()}-{index}")

    # --- pages ----------------------------------------------------------------------------------

    def create_fields(self, ctx):
        return {"name": "华北新客户有限公司", "credit_code": make_credit_code(), "level": "prospect",
                "industry": industry_pk("65"), "province": "北京市", "phone": "010-12345678", "tags": "重点, 华北"}

    invalid_fields = [
        ("credit_code", lambda data: {**data, "credit_code": bad_check_digit(data["credit_code"])}),
        ("credit_code", {"credit_code": "91110000"}),
        # Another live customer's code: confirmed as "not a duplicate" (else 409), still refused.
        ("credit_code", lambda data: {**data, "confirm_duplicate": True,
                                      "credit_code": Customer.objects.exclude(credit_code="")
                                      .values_list("credit_code", flat=True).first()}),
        ("name", {"name": ""}),
        ("name", {"name": "名" * 201}),
        ("level", {"level": "vip"}),
        ("website", {"website": "not a web site"}),
        ("owner", {"owner": "99999999"}),
        ("phone", {"phone": "abc"}),
    ]

    def edit_changes(self, ctx):
        return ({"name": "改名甲有限公司", "level": "customer", "tags": "老客户"},
                {"name": "改名乙有限公司", "phone": "021-87654321"})

    def bulk_edit_changes(self, ctx):
        return {"level": "customer", "industry": industry_pk("J")}

    # --- API ------------------------------------------------------------------------------------

    def api_create_data(self, ctx):
        return {"name": "API新客户有限公司", "credit_code": make_credit_code(), "level": "prospect",
                "industry": "44", "tags": ["重点"]}

    api_invalid = [
        ("credit_code", lambda data: {**data, "credit_code": bad_check_digit(data["credit_code"])}),
        # Another live customer's code: confirmed as "not a duplicate" (else 409), still refused.
        ("credit_code", lambda data: {**data, "confirm_duplicate": True,
                                      "credit_code": Customer.objects.exclude(credit_code="")
                                      .values_list("credit_code", flat=True).first()}),
        ("name", {"name": "名" * 201}),
        ("name", {"name": "   "}),
        ("name", {"name": ["a", "list"]}),
        ("level", {"level": "vip"}),
        ("tags", {"tags": "not-a-list"}),
        ("owner", {"owner": 99999999}),
        ("website", {"website": 42}),
        ("phone", {"phone": "call me"}),
    ]

    def api_changes(self, ctx):
        return ({"name": "API改名一有限公司", "level": "customer"}, {"name": "API改名二有限公司"})

    # --- the world's proof (issue: "Done when") -------------------------------------------------

    WORLD_PROOF = {
        "seller1": {"甲·销售一部一号客户", "乙·销售一部二号团队客户", "甲·北区公海客户", "丙·北京分公司公海客户"},
        "seller3": {"乙·天津三号客户", "乙·三号南区旧客户", "乙·南区共享客户", "甲·北区公海客户"},
        "south_seller": {"乙·南区共享客户", "乙·销售一部二号团队客户", "丙·南区公海客户"},
        "north_manager": {"甲·北区直属客户", "甲·北京分公司客户", "甲·销售一部经理客户", "甲·销售一部一号客户",
                          "乙·销售一部二号团队客户", "乙·天津三号客户", "甲·北区公海客户", "丙·北京分公司公海客户",
                          # shared with seller2 and seller3, who work in 北区: the hierarchy setting
                          "乙·南区共享客户"},
        "ceo": {name for name, _owner, extra in CUSTOMER_ROWS if not extra.get("deleted")},
    }

    @pytest.mark.parametrize("surface", ["page", "api", "search", "export"])
    @pytest.mark.parametrize("who", sorted(WORLD_PROOF))
    def test_world_proof(self, ctx, client, who, surface):
        """north.seller1: own + team + the pools above them; seller3: not 北京分公司's pool (a sibling
        branch); south.seller: 南区's pool only; north.manager: 北区's subtree, its pools and what is
        shared with its people (hierarchy setting); ceo: everything."""
        self.login(client, ctx, who)
        if surface == "page":
            pks = listed_pks(client.get(reverse("customers:customer_list")))
        elif surface == "api":
            pks = api_pks(client, reverse("customers-api:customer-list"))
        elif surface == "search":
            pks = [pk for term in self.search_terms
                   for pk in search_pks(client.get(reverse("core:search"), {"q": term}), self.key())]
        else:
            response = client.get(reverse("customers:customer_list"), {"export": "xlsx"})
            names = {row[0] for row in export_rows(response, "xlsx")}
            assert names == self.WORLD_PROOF[who]
            return
        assert set(Customer.objects.filter(pk__in=pks).values_list("name", flat=True)) == self.WORLD_PROOF[who]
        assert len(pks) == len(self.WORLD_PROOF[who])

    def test_shared_with_edit_right_is_editable_by_the_grantee_only(self, ctx, client):
        shared = Customer.objects.get(name="乙·南区共享客户")
        self.login(client, ctx, "seller2")  # shared with "may edit"
        assert client.get(reverse("customers:customer_edit", args=[shared.pk])).status_code == 200
        self.login(client, ctx, "seller3")  # shared to view only
        assert client.get(reverse("customers:customer_detail", args=[shared.pk])).status_code == 200
        assert client.get(reverse("customers:customer_edit", args=[shared.pk])).status_code == 403
        before = self.snapshot(shared)
        response = self.send(client, "patch", reverse("customers-api:customer-detail", args=[shared.pk]),
                             {"name": "不该改"})
        assert response.status_code == 403
        assert self.snapshot(shared) == before
