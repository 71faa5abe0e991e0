"""The daily report's figures against the data that produced them: two sellers, two days, each
figure asserted exactly (expected values written from the data below, not from the builder)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.daily import daily_reports_build, sum_figures
from activities.models import Activity, DailyReport
from activities.tests.factories import ActivityFactory
from customers.models import Contact, Customer
from customers.tests.factories import ContactFactory, CustomerFactory
from org.tests.factories import EmployeeFactory, OrgUnitFactory, make_role
from sales.models import Opportunity, StageChange
from sales.tests.factories import OpportunityFactory, default_pipeline

pytestmark = pytest.mark.django_db

DAY1 = datetime.date(2024, 3, 4)  # long past: factories make records "now"
DAY2 = datetime.date(2024, 3, 5)


def at(day, hour, minute=0):
    """An aware moment on `day` in the company's time zone (Asia/Shanghai in the tests)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def activity(owner, kind, when, *, status="done", **fields):
    row = ActivityFactory(owner=owner, kind=kind, starts_at=when, status=status, customer=None, **fields)
    if status == "done" and "done_at" not in fields:
        Activity.all_objects.filter(pk=row.pk).update(done_at=when)
    return row


def created(model, row, when):
    model.all_objects.filter(pk=row.pk).update(created_at=when)


@pytest.fixture
def sales_data():
    unit = OrgUnitFactory()
    a = EmployeeFactory(username="seller.a", unit=unit)
    b = EmployeeFactory(username="seller.b", unit=unit)
    pipeline = default_pipeline()
    stages = {stage.name: stage for stage in pipeline.stages.all()}

    # Seller A, day 1.
    for _ in range(2):
        created(Customer, CustomerFactory(owner=a), at(DAY1, 9))
    old_customer = CustomerFactory(owner=a)
    created(Customer, old_customer, at(DAY1, 9) - datetime.timedelta(days=3))  # not that day
    contact = ContactFactory(customer=old_customer)
    Contact.all_objects.filter(pk=contact.pk).update(created_at=at(DAY1, 11), created_by=a)
    activity(a, "call", at(DAY1, 9, 30))
    activity(a, "call", at(DAY1, 14))
    activity(a, "call", at(DAY1, 16), status="planned")          # planned: not a call made
    activity(a, "call", at(DAY1, 17), status="cancelled")        # cancelled: neither
    activity(a, "visit", at(DAY1, 10))
    activity(a, "meeting", at(DAY1, 15))
    activity(a, "note", at(DAY1, 18))
    activity(a, "email", at(DAY1, 18, 30))
    # A task due last week, ticked off on day 1.
    task = ActivityFactory(owner=a, kind="task", starts_at=None, due_at=at(DAY1, 9) - datetime.timedelta(days=7),
                           status="done", customer=None)
    Activity.all_objects.filter(pk=task.pk).update(done_at=at(DAY1, 12), created_at=at(DAY1, 9) - datetime.timedelta(days=8))
    # Overdue at the end of day 1 AND day 2: due day 1 at 10:00, never done.
    late = ActivityFactory(owner=a, kind="task", starts_at=None, due_at=at(DAY1, 10), status="planned",
                           customer=None)
    Activity.all_objects.filter(pk=late.pk).update(created_at=at(DAY1, 8))
    # Overdue at the end of day 1 only: done on day 2.
    late2 = ActivityFactory(owner=a, kind="task", starts_at=None, due_at=at(DAY1, 11), status="done", customer=None)
    Activity.all_objects.filter(pk=late2.pk).update(created_at=at(DAY1, 8), done_at=at(DAY2, 9))
    new_deal = OpportunityFactory(owner=a, amount=Decimal("1000.00"), pipeline=pipeline)
    created(Opportunity, new_deal, at(DAY1, 13))
    StageChange.objects.create(opportunity=new_deal, from_stage=stages["线索确认"], to_stage=stages["方案报价"],
                               changed_by=a, changed_at=at(DAY1, 16), amount=Decimal("1000.00"))
    StageChange.objects.create(opportunity=new_deal, from_stage=stages["方案报价"], to_stage=stages["需求分析"],
                               changed_by=a, changed_at=at(DAY1, 17), amount=Decimal("1000.00"))  # backwards
    won = OpportunityFactory(owner=a, amount=Decimal("500.50"), pipeline=pipeline)
    created(Opportunity, won, at(DAY1, 8) - datetime.timedelta(days=30))
    Opportunity.all_objects.filter(pk=won.pk).update(status="won", stage=stages["赢单"], closed_at=at(DAY1, 17))
    StageChange.objects.create(opportunity=won, from_stage=stages["商务谈判"], to_stage=stages["赢单"],
                               changed_by=a, changed_at=at(DAY1, 17), amount=Decimal("500.50"))  # won, not "advanced"

    # Seller B: a visit late on day 1 and one just after midnight (day 2), a lost deal on day 2.
    activity(b, "visit", at(DAY1, 23, 30))
    activity(b, "visit", at(DAY2, 0, 10))
    lost = OpportunityFactory(owner=b, amount=Decimal("300.00"), pipeline=pipeline)
    created(Opportunity, lost, at(DAY1, 8) - datetime.timedelta(days=30))
    Opportunity.all_objects.filter(pk=lost.pk).update(status="lost", stage=stages["丢单"], closed_at=at(DAY2, 10))
    # Deleted records do not count.
    gone = activity(b, "call", at(DAY2, 11))
    Activity.all_objects.filter(pk=gone.pk).update(deleted_at=at(DAY2, 12))
    return a, b


ZERO = {"new_customers": 0, "new_contacts": 0, "calls": 0, "visits": 0, "meetings": 0, "notes": 0,
        "opportunities_created": 0, "opportunities_created_amount": "0.00", "opportunities_advanced": 0,
        "opportunities_advanced_amount": "0.00", "opportunities_won": 0, "opportunities_won_amount": "0.00",
        "opportunities_lost": 0, "opportunities_lost_amount": "0.00", "tasks_done": 0, "tasks_overdue": 0}


def figures(employee, day):
    stored = DailyReport.objects.get(owner=employee, date=day).figures
    return {**ZERO, **stored}


def test_figures_of_two_sellers_on_two_days(sales_data):
    a, b = sales_data
    daily_reports_build(DAY1)
    daily_reports_build(DAY2)
    # Seller A, day 1: the old customer was created 3 days before; the planned and cancelled
    # calls, the backward move and the move to "won" are not counted as calls / advances.
    assert figures(a, DAY1) == {
        **ZERO, "new_customers": 2, "new_contacts": 1, "calls": 2, "visits": 1, "meetings": 1, "notes": 2,
        "opportunities_created": 1, "opportunities_created_amount": "1000.00", "opportunities_advanced": 1,
        "opportunities_advanced_amount": "1000.00", "opportunities_won": 1, "opportunities_won_amount": "500.50",
        "tasks_done": 1, "tasks_overdue": 2,
    }
    assert figures(a, DAY2) == {**ZERO, "tasks_overdue": 1, "tasks_done": 1}
    assert figures(b, DAY1) == {**ZERO, "visits": 1}
    assert figures(b, DAY2) == {**ZERO, "visits": 1, "opportunities_lost": 1, "opportunities_lost_amount": "300.00"}
    # The reports belong to the seller and sit in their unit: the scope decision applies.
    report = DailyReport.objects.get(owner=a, date=DAY1)
    assert report.org_unit_id == a.unit_id


def test_second_build_is_idempotent(sales_data):
    a, b = sales_data
    assert daily_reports_build(DAY1) >= 2
    first = {(r.owner_id, r.date): (r.pk, r.figures) for r in DailyReport.objects.all()}
    daily_reports_build(DAY1)
    assert {(r.owner_id, r.date): (r.pk, r.figures) for r in DailyReport.objects.all()} == first
    assert DailyReport.objects.filter(date=DAY1, owner__in=(a, b)).count() == 2


def test_a_rebuild_follows_changed_data(sales_data):
    a, _b = sales_data
    daily_reports_build(DAY1)
    activity(a, "visit", at(DAY1, 18))
    daily_reports_build(DAY1)
    assert figures(a, DAY1)["visits"] == 2


def test_sellers_without_activity_get_an_empty_report():
    role = make_role("seller", {"activities.activity": {"add": "own", "view": "own"}})
    idle = EmployeeFactory(roles=[role])
    EmployeeFactory()  # no seller role, did nothing: no report
    assert daily_reports_build(DAY1) == 1
    assert DailyReport.objects.get(date=DAY1).owner == idle
    assert DailyReport.objects.get(date=DAY1).figures == {}


def test_period_sums(sales_data):
    a, b = sales_data
    daily_reports_build(DAY1)
    daily_reports_build(DAY2)
    totals = sum_figures(DailyReport.objects.filter(date__range=(DAY1, DAY2)))
    assert totals[a.pk]["tasks_overdue"] == 3
    assert totals[a.pk]["opportunities_won_amount"] == Decimal("500.50")
    assert totals[b.pk]["visits"] == 2


def test_command_builds_a_given_day(sales_data):
    a, _b = sales_data
    call_command("daily_reports", "--date", DAY1.isoformat())
    assert figures(a, DAY1)["calls"] == 2


def _sellers(count):
    unit = OrgUnitFactory()
    people = [EmployeeFactory(unit=unit) for _ in range(count)]
    for person in people:
        activity(person, "visit", at(DAY1, 10))
        created(Customer, CustomerFactory(owner=person), at(DAY1, 11))
    return people


def test_query_count_does_not_grow_with_sellers():
    def queries(people):
        with CaptureQueriesContext(connection) as captured:
            daily_reports_build(DAY1, employees=people)
        return len(captured.captured_queries)

    few, many = _sellers(2), _sellers(20)
    queries(few + many)  # the first build creates; compare rebuilds (updates) with rebuilds
    assert queries(few) == queries(many)
    DailyReport.all_objects.all().delete()
    with CaptureQueriesContext(connection) as small:
        daily_reports_build(DAY1, employees=few)
    DailyReport.all_objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        daily_reports_build(DAY1, employees=many)
    assert len(small.captured_queries) == len(large.captured_queries)
