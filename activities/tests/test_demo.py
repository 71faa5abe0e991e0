"""The activities demo: believable weeks of work, consistent with the customers' last-contacted dates."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import F, Max
from django.utils import timezone

from activities.models import CONTACT_KINDS, Activity, ActivityKind, ActivityStatus
from customers.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, tmp_path):
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    call_command("demo_data", customers=300, stdout=io.StringIO())


def test_the_activities_demo_is_believable_and_runs_once(demo):
    now = timezone.now()
    rows = Activity.objects.all()
    assert rows.count() > 500
    assert set(rows.values_list("kind", flat=True)) == set(ActivityKind.values)
    # Done in the past, planned ahead; tasks overdue exist (the home page and reports show them).
    assert not rows.filter(status=ActivityStatus.DONE, done_at__isnull=True).exists()
    assert not rows.filter(status=ActivityStatus.DONE, starts_at__gt=now).exists()
    assert rows.filter(kind="task", status=ActivityStatus.PLANNED, due_at__lt=now).exists()
    assert rows.filter(status=ActivityStatus.PLANNED, starts_at__gt=now).exists()
    assert rows.filter(kind="visit", status="done").exclude(checkin_place="").exists()
    # On the owner's own customers, in the owner's unit; a contact of that customer.
    assert not rows.exclude(customer__owner=F("owner")).exists()
    assert not rows.filter(contact__isnull=False).exclude(contact__customer=F("customer")).exists()
    assert Activity.participants.through.objects.exists()
    # Last contacted is never before the latest contact logged.
    latest = dict(rows.filter(status="done", kind__in=CONTACT_KINDS).values_list("customer")
                  .annotate(last=Max("starts_at")))
    for pk, contacted in Customer.objects.filter(pk__in=latest).values_list("pk", "last_contacted_at"):
        assert contacted is not None and contacted >= latest[pk]
    # Four weeks of daily reports whose visit counts are the visits done that day; plans for now.
    from activities.models import DailyReport, Plan

    report = DailyReport.objects.filter(figures__visits__gt=0).order_by("-date").first()
    assert report is not None
    start = timezone.make_aware(datetime.datetime.combine(report.date, datetime.time.min))
    assert report.figures["visits"] == rows.filter(owner=report.owner, kind="visit", status="done",
                                                  starts_at__gte=start,
                                                  starts_at__lt=start + datetime.timedelta(days=1)).count()
    assert Plan.objects.filter(period="week").exists() and Plan.objects.filter(period="month").exists()
    before = sorted(rows.values_list("pk", "subject", "status"))
    call_command("demo_data", customers=300, stdout=io.StringIO())
    assert sorted(Activity.objects.values_list("pk", "subject", "status")) == before



@pytest.mark.parametrize("hour", [0, 12])
def test_the_demo_loaded_at_any_hour_has_nothing_done_ahead(settings, tmp_path, monkeypatch, hour):
    """Loaded at 00:30 in Beijing, today's visits (9:00–17:45) are all ahead: none is done yet.
    The demo marked half of today's activities done whatever the hour, and the test above failed
    between midnight and 9:00 China time."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"
    moment = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(hour, 30)))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    call_command("demo_data", customers=60, stdout=io.StringIO())
    rows = Activity.objects.all()
    assert rows.exists()
    assert not rows.filter(status=ActivityStatus.DONE, starts_at__gt=moment).exists()
    assert not rows.filter(done_at__gt=moment).exists()
    today_done = rows.filter(status=ActivityStatus.DONE, starts_at__date=moment.date())
    assert today_done.exists() == (hour >= 12)
