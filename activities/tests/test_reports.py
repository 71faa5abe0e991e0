"""The activity reports against figures the test computes from the data it builds, their scope,
drill-down links that list exactly the counted records, and bad filter input."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from activities import reports
from activities.models import Activity
from activities.tests.factories import ActivityFactory
from core.testing.reading import listed_pks
from customers.models import Customer
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def ago(days, hour=10):
    moment = timezone.localtime() - datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def work(world):
    u = world.users
    s1, s2, south = u["seller1"], u["seller2"], u["south_seller"]
    for seller, visits, calls in ((s1, 3, 1), (s2, 1, 2), (south, 4, 4)):
        for n in range(visits):
            ActivityFactory(owner=seller, kind="visit", status="done", starts_at=ago(2 + n))
        for n in range(calls):
            ActivityFactory(owner=seller, kind="call", status="done", starts_at=ago(3 + n))
    ActivityFactory(owner=s1, kind="visit", status="done", starts_at=ago(400))  # outside the period
    ActivityFactory(owner=s1, kind="visit", status="planned", starts_at=ago(-3))  # ahead, not done
    ActivityFactory(owner=s1, kind="task", status="planned", due_at=ago(5), starts_at=None)
    ActivityFactory(owner=s1, kind="task", status="planned", due_at=ago(1), starts_at=None)
    ActivityFactory(owner=s2, kind="task", status="planned", due_at=ago(-2), starts_at=None)  # not yet due
    ActivityFactory(owner=s2, kind="call", status="planned", starts_at=ago(1))  # an overdue call
    return world


def by_owner(rows):
    return {row["owner"]: row for row in rows}


def test_visits_and_calls_per_seller(work):
    u = work.users
    today = timezone.localdate()
    rows = by_owner(reports.per_seller(u["branch_manager"], date_from=today - datetime.timedelta(days=30),
                                       date_to=today))
    assert set(rows) == {u["seller1"].pk, u["seller2"].pk}  # the south seller is another region's
    assert (rows[u["seller1"].pk]["visit"], rows[u["seller1"].pk]["call"]) == (3, 1)
    assert (rows[u["seller2"].pk]["visit"], rows[u["seller2"].pk]["call"]) == (1, 2)
    assert rows[u["seller1"].pk]["total"] == 4
    everyone = by_owner(reports.per_seller(u["ceo"], date_from=today - datetime.timedelta(days=30), date_to=today))
    assert (everyone[u["south_seller"].pk]["visit"], everyone[u["south_seller"].pk]["call"]) == (4, 4)


def test_overdue_tasks(work):
    u = work.users
    rows = by_owner(reports.overdue_tasks(u["branch_manager"]))
    assert rows[u["seller1"].pk]["tasks"] == 2 and rows[u["seller1"].pk]["others"] == 0
    assert rows[u["seller1"].pk]["oldest_days"] == 5
    assert rows[u["seller2"].pk]["tasks"] == 0 and rows[u["seller2"].pk]["others"] == 1


def test_not_contacted_for_n_days(work):
    u = work.users
    old = CustomerFactory(owner=u["seller1"])
    recent = CustomerFactory(owner=u["seller1"])
    Customer.objects.filter(pk=old.pk).update(last_contacted_at=ago(40), created_at=ago(100))
    Customer.objects.filter(pk=recent.pk).update(last_contacted_at=ago(3), created_at=ago(100))
    mine = Customer.objects.filter(owner=u["seller1"])
    expected_stale = sum(1 for c in mine if (c.last_contacted_at or c.created_at) < timezone.now()
                         - datetime.timedelta(days=30))
    row = by_owner(reports.not_contacted(u["seller1"], days=30))[u["seller1"].pk]
    assert row["customers"] == mine.count() and row["not_contacted"] == expected_stale >= 1


def test_workload_per_unit(work):
    u = work.users
    today = timezone.localdate()
    rows = {row["org_unit"]: row for row in reports.workload(u["ceo"], date_from=today - datetime.timedelta(days=30),
                                                                 date_to=today)}
    unit = u["seller1"].unit_id
    assert rows[unit]["done"] == 3 + 1 + 1 + 2  # seller1 and seller2 work in the same department
    assert rows[unit]["overdue"] == 3 and rows[unit]["planned"] == 2 and rows[unit]["people"] == 2


def test_the_pages_drill_down_export_and_refuse_bad_input(client, work):
    u = work.users
    client.force_login(u["branch_manager"])
    today = timezone.localdate()
    page = client.get("/reports/activities.per_seller/", {
        "period": "custom", "date_from": (today - datetime.timedelta(days=30)).isoformat(),
        "date_to": today.isoformat()})
    assert page.status_code == 200
    html = page.content.decode()
    assert str(u["seller1"]) in html and str(u["south_seller"]) not in html
    assert 'data-testid="report-export"' in html  # the table's Excel download is offered
    assert "已完成的拜访、电话和会议（按负责人）" in html  # the chart's title, in the page's language
    link = next(part.split('"')[0] for part in html.split('href="') if "kind=visit" in part.split('"')[0]
                and f"owner={u['seller1'].pk}" in part.split('"')[0])
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.status_code == 200
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query["status"] == ["done"] and query["kind"] == ["visit"]
    # The list shows exactly the three visits the figure counts.
    expected = set(Activity.objects.filter(owner=u["seller1"], kind="visit", status="done",
                                           starts_at__gte=ago(30)).values_list("pk", flat=True))
    assert len(expected) == 3 and set(listed_pks(listed)) == expected
    export = client.get("/reports/activities.overdue/", {"export": "xlsx"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = client.get("/reports/activities.not_contacted/", {"days": "-3"})
    assert bad.status_code == 400
