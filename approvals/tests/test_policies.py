"""Approval policies are an object type administrators edit: the generated page, API, bad-input,
scope and query-count tests, plus what only policies have (kinds come from the registry)."""

import pytest

from approvals.models import ApprovalPolicy
from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import Granted
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.scope import ScopeTests
from org.tests.factories import EmployeeFactory, OrgUnitFactory, full_grants, make_role

from .conftest import KIND


class TestApprovalPolicy(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests):
    model = ApprovalPolicy
    rule = Granted()
    actor = "admin"
    view_only_user = "policy_viewer"
    scope_users = ("admin", "policy_viewer", "ceo", "nobody")
    query_users = ("admin",)
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")

    def setup_class_data(self, ctx):
        role = make_role("policy_viewer", full_grants(["approvals.approvalpolicy"], "all", actions=("view",)))
        ctx.users["policy_viewer"] = EmployeeFactory(username="policy.viewer", unit=ctx.units["hq"], roles=[role])
        super().setup_class_data(ctx)

    def make(self, ctx, *, owner=None, **fields):
        fields.setdefault("name", "策略")
        fields.setdefault("kind", KIND)
        fields.setdefault("org_unit", ctx.units["south"])
        return ApprovalPolicy.objects.create(**fields)

    def create_fields(self, ctx):
        return {"name": "北区改名审批", "kind": KIND, "org_unit": str(OrgUnitFactory(parent=ctx.units["north"]).pk),
                "approver_role": str(ctx.roles["manager"].pk), "timeout_hours": "48", "is_active": "on"}

    invalid_fields = [
        ("name", {"name": ""}),
        ("name", {"name": "名" * 101}),
        ("kind", {"kind": ""}),
        ("kind", {"kind": "no.such.kind"}),
        ("timeout_hours", {"timeout_hours": "-1"}),
        ("timeout_hours", {"timeout_hours": "99999"}),
        ("org_unit", {"org_unit": "99999999"}),
        ("approver_role", {"approver_role": "99999999"}),
    ]

    def edit_changes(self, ctx):
        return ({"name": "改一", "timeout_hours": "12"}, {"name": "改二", "is_active": ""})

    def api_create_data(self, ctx):
        return {"name": "API审批策略", "kind": KIND, "org_unit": OrgUnitFactory(parent=ctx.units["north"]).pk,
                "timeout_hours": 8, "is_active": True}

    api_invalid = [
        ("kind", {"kind": "no.such.kind"}),
        ("kind", {"kind": ""}),
        ("timeout_hours", {"timeout_hours": -3}),
        ("org_unit", {"org_unit": 99999999}),
        ("name", {"name": "名" * 101}),
    ]

    def api_changes(self, ctx):
        return ({"timeout_hours": 4}, {"name": "API改名"})


@pytest.mark.django_db
def test_the_form_offers_the_registered_kinds(admin_client):
    page = admin_client.get("/approval-policies/add/").content.decode()
    assert f'value="{KIND}"' in page and "Team rename" in page
