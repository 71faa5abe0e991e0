"""Pool rules (an object type administrators edit): the generated page, API, bad-input, scope and
query-count tests, plus the rules' own checks (negative caps, warning longer than the period)."""

from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import Granted
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.scope import ScopeTests
from customers.models import PoolRule
from org.tests.factories import EmployeeFactory, OrgUnitFactory, full_grants, make_role


class TestPoolRule(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests):
    model = PoolRule
    rule = Granted()
    actor = "admin"
    view_only_user = "rule_viewer"
    scope_users = ("admin", "rule_viewer", "ceo", "nobody")
    query_users = ("admin",)
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")

    def setup_class_data(self, ctx):
        role = make_role("rule_viewer", full_grants(["customers.poolrule"], "all", actions=("view",)))
        ctx.users["rule_viewer"] = EmployeeFactory(username="rule.viewer", unit=ctx.units["hq"], roles=[role])
        super().setup_class_data(ctx)

    def make(self, ctx, *, owner=None, **fields):
        fields.setdefault("org_unit", OrgUnitFactory(parent=ctx.units["south"]))
        fields.setdefault("name", "规则")
        return PoolRule.objects.create(**fields)

    def create_fields(self, ctx):
        return {"org_unit": str(OrgUnitFactory(parent=ctx.units["north"]).pk), "holding_cap": "50",
                "daily_claim_cap": "10", "return_after_days": "30", "warn_days_before": "3", "name": "北区规则"}

    invalid_fields = [
        ("holding_cap", {"holding_cap": "-1"}),
        ("daily_claim_cap", {"daily_claim_cap": "-5"}),
        ("return_after_days", {"return_after_days": "abc"}),
        ("return_after_days", {"return_after_days": "99999"}),
        ("warn_days_before", {"return_after_days": "3", "warn_days_before": "5"}),
        ("org_unit", {"org_unit": "99999999"}),
        ("org_unit", lambda data: {**data, "org_unit": str(PoolRule.objects.values_list("org_unit", flat=True)
                                                          .first())}),
        ("name", {"name": ""}),
        ("name", {"name": "名" * 101}),
    ]

    def edit_changes(self, ctx):
        return ({"name": "改一", "holding_cap": "40"}, {"name": "改二", "daily_claim_cap": "5"})

    def api_create_data(self, ctx):
        return {"org_unit": OrgUnitFactory(parent=ctx.units["north"]).pk, "holding_cap": 50, "daily_claim_cap": 10,
                "return_after_days": 30, "warn_days_before": 3, "name": "API规则"}

    api_invalid = [
        ("holding_cap", {"holding_cap": -1}),
        ("daily_claim_cap", {"daily_claim_cap": "many"}),
        ("warn_days_before", {"return_after_days": 3, "warn_days_before": 3}),
        ("org_unit", {"org_unit": 99999999}),
    ]

    def api_changes(self, ctx):
        return ({"holding_cap": 40}, {"daily_claim_cap": 5})
