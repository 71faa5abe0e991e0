"""Daily reports and plans as object types: the generated suites (pages, API, bad input, scope,
query counts, random org trees). A daily report's owner is the seller it describes, so managers
see their people's reports through the one permission decision."""

from django.urls import reverse

from activities.models import DailyReport, Plan
from activities.tests.factories import DailyReportFactory, PlanFactory
from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import OwnedRecords
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.randomized import RandomizedScopeTests
from core.testing.scope import ScopeTests


class TestDailyReport(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests, RandomizedScopeTests):
    model = DailyReport
    rule = OwnedRecords()
    actor = "ceo"
    query_users = ("ceo", "seller1")
    views = ("list", "detail")
    api_actions = ("list", "retrieve")
    label_field = "summary"
    ordering_field = "summary"

    def make(self, ctx, *, owner=None, **fields):
        return DailyReportFactory(owner=owner or ctx.users[self.actor], **fields)

    # No create or update is offered (405); the refusal tests still send a body.
    def api_create_data(self, ctx):
        return {"date": "2031-01-02"}

    def api_changes(self, ctx):
        return ({"date": "2031-01-03"}, {"date": "2031-01-04"})

    def test_api_outside_scope_is_404(self, ctx, client):
        # The generic test expects 404 on PATCH too; a read-only type answers 405 to any write
        # before looking at the row (core.testing's assert_refused does not know read-only types).
        caller, owner = self.outside_scope
        obj = self.make(ctx, owner=ctx.users[owner])
        self.login(client, ctx, caller)
        assert obj.pk not in {row["id"] for row in client.get(self.api_url(), {"page_size": 200}).json()["results"]}
        url = reverse("activities-api:dailyreport-detail", args=[obj.pk])
        assert client.get(url).status_code == 404
        assert client.patch(url, {"date": "2031-01-03"}, content_type="application/json").status_code == 405
        assert DailyReport.objects.get(pk=obj.pk).date == obj.date


class TestPlan(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests, RandomizedScopeTests):
    model = Plan
    rule = OwnedRecords()
    actor = "ceo"
    query_users = ("ceo", "seller1")
    views = ("list", "detail", "add", "edit", "delete", "bulk_delete")
    label_field = "notes"
    ordering_field = "notes"

    def make(self, ctx, *, owner=None, **fields):
        return PlanFactory(owner=owner or ctx.users[self.actor], **fields)

    def create_fields(self, ctx):
        return {"period": "month", "starts_on": "2031-05-01", "target_visits": "12", "target_calls": "40",
                "target_opportunities": "3", "target_amount": "500000.00", "notes": "重点拜访华北区客户",
                "review": ""}

    invalid_fields = [
        ("starts_on", {"starts_on": "2031-05-02"}),
        ("starts_on", {"period": "week", "starts_on": "2031-05-01"}),
        ("starts_on", {"starts_on": "2031-02-30"}),
        ("period", {"period": "year"}),
        ("target_visits", {"target_visits": "-1"}),
        ("target_amount", {"target_amount": "abc"}),
        ("owner", {"owner": "99999999"}),
    ]

    def edit_changes(self, ctx):
        return ({"target_visits": "15", "review": "拜访量不足"}, {"target_calls": "60", "notes": "多打电话"})

    def api_create_data(self, ctx):
        return {"period": "week", "starts_on": "2031-06-02", "target_visits": 5, "target_calls": 20,
                "target_opportunities": 1, "target_amount": "100000.00"}

    api_invalid = [
        ("starts_on", {"starts_on": "2031-06-03"}),
        ("period", {"period": "year"}),
        ("target_calls", {"target_calls": -3}),
        ("owner", {"owner": 99999999}),
    ]

    def api_changes(self, ctx):
        return ({"target_visits": 9}, {"review": "完成"})
