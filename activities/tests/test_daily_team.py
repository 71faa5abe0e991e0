"""The manager's team page of daily reports (scope, today's figures as they stand, totals), comments
that reach the seller, and the PDCA check of a plan against the data."""

import datetime

import pytest
from django.utils import timezone

from activities.models import DailyReport, Plan
from activities.reporting import plan_check
from activities.tests.factories import ActivityFactory
from notifications.models import Notification
from sales.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def today_at(hour):
    return timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0)


def visit_today(seller, hour=9):
    return ActivityFactory(owner=seller, kind="visit", status="done", starts_at=today_at(hour))


def test_the_team_page_shows_todays_figures_for_the_managers_people_only(client, world, django_capture_on_commit_callbacks):
    u = world.users
    visit_today(u["seller1"])
    visit_today(u["seller1"], 11)
    visit_today(u["seller2"])
    visit_today(u["south_seller"])
    client.force_login(u["branch_manager"])
    response = client.get("/activities/daily-reports/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = {row["employee"].username: row for row in response.context["rows"]}
    assert rows[u["seller1"].username]["figures"]["visits"] == 2
    assert rows[u["seller2"].username]["figures"]["visits"] == 1
    assert u["south_seller"].username not in rows and str(u["south_seller"]) not in html
    visits = [f.key for f in response.context["figures"]].index("visits")
    assert response.context["totals"][visits][0] == 3
    # The seller's own page shows their own row only.
    client.force_login(u["seller2"])
    rows = {row["employee"].username for row in client.get("/activities/daily-reports/").context["rows"]}
    assert rows == {u["seller2"].username}
    assert client.get("/activities/daily-reports/", {"period": "year"}).status_code == 400
    assert client.get("/activities/daily-reports/", {"date": "2026-02-30"}).status_code == 400


def test_reloading_the_team_page_recounts_only_what_changed(client, world, django_capture_on_commit_callbacks):
    """A report recounted less than a few minutes ago is kept, unless its seller logged an activity
    since; "Recount now" rebuilds every row."""
    u = world.users
    visit_today(u["seller1"])
    client.force_login(u["branch_manager"])
    figures = lambda response: {row["employee"].username: row["figures"] for row in response.context["rows"]}  # noqa: E731
    assert figures(client.get("/activities/daily-reports/"))[u["seller1"].username]["visits"] == 1
    report = DailyReport.objects.get(owner=u["seller2"], date=timezone.localdate())
    built = report.built_at
    # Nothing changed for seller2: the reload keeps their report as it was built.
    client.get("/activities/daily-reports/")
    report.refresh_from_db()
    assert report.built_at == built
    # A visit seller1 just logged shows on the next load, without waiting.
    visit_today(u["seller1"], 11)
    assert figures(client.get("/activities/daily-reports/"))[u["seller1"].username]["visits"] == 2
    # Figures other than activities (a new deal) wait for the next recount, or for "Recount now".
    OpportunityFactory(owner=u["seller2"])
    key = "opportunities_created"
    response = client.get("/activities/daily-reports/")
    assert figures(response)[u["seller2"].username][key] == 0
    assert "daily-team-refresh" in response.content.decode()
    assert figures(client.get("/activities/daily-reports/", {"refresh": "1"}))[u["seller2"].username][key] == 1
    report.refresh_from_db()
    assert report.built_at > built


def test_a_managers_comment_reaches_the_seller(client, world, django_capture_on_commit_callbacks):
    u = world.users
    visit_today(u["seller1"])
    client.force_login(u["branch_manager"])
    client.get("/activities/daily-reports/")
    report = DailyReport.objects.get(owner=u["seller1"], date=timezone.localdate())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/daily-reports/{report.pk}/comment/", {"text": "拜访不错，明天跟进报价。"})
    assert response.status_code == 302
    assert report.comments.get().text == "拜访不错，明天跟进报价。"
    notice = Notification.objects.get(recipient=u["seller1"])
    assert str(u["branch_manager"]) in notice.title
    # Someone who may not see the report cannot comment on it; an empty comment is refused.
    client.force_login(u["south_seller"])
    assert client.post(f"/daily-reports/{report.pk}/comment/", {"text": "越权"}).status_code in (403, 404)
    client.force_login(u["branch_manager"])
    client.post(f"/daily-reports/{report.pk}/comment/", {"text": "  "})
    assert report.comments.count() == 1


def test_the_plan_check_compares_targets_with_what_was_done(world):
    u = world.users
    seller = u["seller1"]
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    plan = Plan.objects.create(owner=seller, org_unit=seller.unit, period="week", starts_on=monday,
                               target_visits=3, target_calls=2, target_opportunities=1, target_amount=100000)
    start = timezone.make_aware(datetime.datetime.combine(monday, datetime.time(10)))
    for n in range(2):
        ActivityFactory(owner=seller, kind="visit", status="done", starts_at=start + datetime.timedelta(hours=n))
    ActivityFactory(owner=seller, kind="call", status="done", starts_at=start)
    ActivityFactory(owner=seller, kind="call", status="planned", starts_at=start)  # not done: no count
    ActivityFactory(owner=seller, kind="visit", status="done", starts_at=start - datetime.timedelta(days=3))
    OpportunityFactory(owner=seller)
    rows = {row["key"]: (row["target"], row["done"], row["gap"]) for row in plan_check(plan)}
    assert rows["visits"] == (3, 2, 1)  # two of three this week, one to go (last week's does not count)
    assert rows["calls"] == (2, 1, 1)  # the planned call is not done
    assert rows["opportunities"] == (1, 1, 0)  # one new opportunity this week: reached
