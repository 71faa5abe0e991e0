"""Target plans as an object type: the generated suites (pages, API, bad input, scope, query
counts). Plans have no owner: whoever is granted targets sees every plan ("global" rule); which
units' figures they see follows their scope (test_plans.py)."""

from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import Granted
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.scope import ScopeTests
from org.tests.factories import EmployeeFactory, full_grants, make_role
from targets.models import TargetPlan
from targets.tests.factories import TargetPlanFactory


class TestTargetPlan(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests):
    model = TargetPlan
    rule = Granted()
    actor = "admin"
    view_only_user = "target_viewer"
    scope_users = ("admin", "target_viewer", "ceo", "nobody")
    query_users = ("admin",)
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")

    def setup_class_data(self, ctx):
        role = make_role("target_viewer", full_grants(["targets.targetplan"], "all", actions=("view",)))
        ctx.users["target_viewer"] = EmployeeFactory(username="target.viewer", unit=ctx.units["hq"], roles=[role])
        super().setup_class_data(ctx)

    def make(self, ctx, *, owner=None, **fields):
        fields.setdefault("org_unit", ctx.units["hq"])
        return TargetPlanFactory(**fields)

    def create_fields(self, ctx):
        return {"name": "2031 年签约目标", "fiscal_year": "2031", "measure": "won_amount", "product_line": "",
                "org_unit": str(ctx.units["north"].pk), "total": "12000000.00", "grain": "month",
                "notes": "按去年份额分解"}

    invalid_fields = [
        ("name", {"name": ""}),
        ("fiscal_year", {"fiscal_year": "1999"}),
        ("fiscal_year", {"fiscal_year": "abc"}),
        ("measure", {"measure": "profit"}),
        ("total", {"total": "-1"}),
        ("total", {"total": "1e30"}),
        ("grain", {"grain": "day"}),
        ("org_unit", {"org_unit": "99999999"}),
    ]

    def edit_changes(self, ctx):
        return ({"name": "改名一", "total": "13000000.00"}, {"name": "改名二", "notes": "季度复盘后调整"})

    def api_create_data(self, ctx):
        return {"name": "API 目标", "fiscal_year": 2032, "measure": "visits", "org_unit": ctx.units["south"].pk,
                "total": "1200", "grain": "week"}

    api_invalid = [
        ("measure", {"measure": "profit"}),
        ("fiscal_year", {"fiscal_year": 3000}),
        ("total", {"total": "-5"}),
        ("grain", {"grain": "year"}),
    ]

    def api_changes(self, ctx):
        return ({"name": "Changed-1"}, {"name": "Changed-2"})
