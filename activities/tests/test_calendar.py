"""The calendar as its users meet it: one's own week, a manager's team, drag-to-move, the iCalendar
feed read back by a real iCalendar parser, and reminders sent once."""

import datetime

import icalendar
import pytest
from django.utils import timezone

from activities.calendar_models import CalendarFeed
from activities.models import Activity
from activities.reminders import activities_remind
from activities.tests.factories import ActivityFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def local(text):
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


# A fixed week (Monday 2031-03-10 … Sunday 03-16), far from "now", so the tests do not depend on the day.
MONDAY = "2031-03-10"


def week(client, user, **params):
    client.force_login(user)
    query = {"view": "week", "date": MONDAY, **params}
    return client.get("/activities/calendar/", query)


def test_my_week_shows_my_entries_placed_by_hour_and_not_a_colleagues(client, world):
    seller, other = world.users["seller1"], world.users["seller2"]
    mine = ActivityFactory(owner=seller, subject="拜访华信集团", starts_at=local("2031-03-11T09:30"),
                           ends_at=local("2031-03-11T11:00"))
    task = ActivityFactory(owner=seller, kind="task", subject="提交报价单", starts_at=None,
                           due_at=local("2031-03-12T18:00"))
    joined = ActivityFactory(owner=other, subject="联合拜访", starts_at=local("2031-03-13T14:00"))
    joined.participants.add(seller)
    ActivityFactory(owner=other, subject="同事的拜访", starts_at=local("2031-03-11T10:00"))
    ActivityFactory(owner=seller, subject="下周的事", starts_at=local("2031-03-18T10:00"))
    response = week(client, seller)
    assert response.status_code == 200
    html = response.content.decode()
    assert "拜访华信集团" in html and "提交报价单" in html and "联合拜访" in html
    assert "同事的拜访" not in html and "下周的事" not in html
    # 09:30 is quarter 38 of the day; 09:30–11:00 spans 6 quarters; it sits in Tuesday's column.
    column = html.split('data-testid="column-2031-03-11"')[1].split('data-day-column=')[0]
    assert f'data-testid="entry-{mine.pk}"' in column and "kd-t-38" in column and "kd-h-6" in column
    # The task, known by its due time, is at the top of Wednesday, with its due time.
    top = html.split('data-testid="top-2031-03-12"')[1].split("</div>")[0]
    assert f'data-testid="entry-{task.pk}"' in top and "18:00" in top
    # Own entries can be dragged; the joined one (a participant may not change it) cannot.
    assert f'data-move-url="/activities/calendar/move/{mine.pk}/"' in html
    assert f'data-move-url="/activities/calendar/move/{joined.pk}/"' not in html
    assert "2031-03-10 – 2031-03-16" in html


def test_day_and_month_views_and_the_slot_link_prefills_the_new_activity(client, world):
    seller = world.users["seller1"]
    for n in range(5):
        ActivityFactory(owner=seller, subject=f"电话{n}", kind="call", starts_at=local(f"2031-03-11T{n + 8:02d}:00"))
    client.force_login(seller)
    day = client.get("/activities/calendar/", {"view": "day", "date": "2031-03-11"}).content.decode()
    assert all(f"电话{n}" in day for n in range(5))
    assert "/activities/add/?kind=visit&amp;starts_at=2031-03-11T09:00&amp;ends_at=2031-03-11T10:00" in day
    month = client.get("/activities/calendar/", {"view": "month", "date": "2031-03-20"}).content.decode()
    cell = month.split('data-testid="day-2031-03-11"')[1].split('data-day-cell=')[0]
    assert cell.count('class="kd-entry ') == 3 and 'data-testid="more-2031-03-11"' in cell
    form = client.get("/activities/add/", {"starts_at": "2031-03-11T09:00", "ends_at": "2031-03-11T10:00",
                                           "kind": "meeting"}).content.decode()
    assert 'value="2031-03-11T09:00"' in form and 'value="2031-03-11T10:00"' in form
    assert '<option value="meeting" selected>' in form
    # Bad input is a 400 with a message, never a 500.
    bad = client.get("/activities/calendar/", {"view": "year", "date": "2031-13-45"})
    assert bad.status_code == 400 and 'data-testid="calendar-error"' in bad.content.decode()


def test_a_manager_sees_the_team_in_scope_a_seller_cannot_look_at_a_colleague(client, world):
    seller1, seller2, south = world.users["seller1"], world.users["seller2"], world.users["south_seller"]
    manager = world.users["branch_manager"]
    ActivityFactory(owner=seller1, subject="一部拜访", starts_at=local("2031-03-11T09:00"))
    ActivityFactory(owner=seller2, subject="二号拜访", starts_at=local("2031-03-12T09:00"))
    ActivityFactory(owner=south, subject="南区拜访", starts_at=local("2031-03-12T10:00"))
    html = week(client, manager, employee=seller1.pk).content.decode()
    assert "一部拜访" in html and "二号拜访" not in html
    html = week(client, manager, unit=world.units["nb1"].pk).content.decode()
    assert "一部拜访" in html and "二号拜访" in html and "南区拜访" not in html
    # The pickers offer only what the manager's scope reaches.
    assert f'<option value="{seller1.pk}"' in html and f'<option value="{south.pk}"' not in html
    # Out of scope: refused, and nothing of the south shows.
    response = week(client, manager, employee=south.pk)
    assert response.status_code == 403 and "南区拜访" not in response.content.decode()
    response = week(client, seller2, employee=seller1.pk)
    assert response.status_code == 403 and "一部拜访" not in response.content.decode()
    response = week(client, seller2, unit=world.units["nd1"].pk)
    assert response.status_code == 403
    # A seller has no pickers: only their own calendar.
    assert 'data-testid="calendar-employee"' not in week(client, seller2).content.decode()


def move(client, activity, **data):
    return client.post(f"/activities/calendar/move/{activity.pk}/", data, HTTP_ACCEPT="application/json")


def test_drag_move_and_resize_save_through_the_service_with_the_version(client, world):
    seller = world.users["seller1"]
    visit = ActivityFactory(owner=seller, subject="拜访", starts_at=local("2031-03-11T09:00"),
                            ends_at=local("2031-03-11T10:00"))
    client.force_login(seller)
    response = move(client, visit, starts_at="2031-03-13T14:00", ends_at="2031-03-13T15:30", version=visit.version)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "moved"
    stored = Activity.objects.get(pk=visit.pk)
    assert stored.starts_at == local("2031-03-13T14:00") and stored.ends_at == local("2031-03-13T15:30")
    assert stored.version == visit.version + 1
    # The page it came from is now stale: refused with a clear message, nothing changed.
    response = move(client, visit, starts_at="2031-03-14T08:00", ends_at="2031-03-14T09:00", version=visit.version)
    assert response.status_code == 409 and "changed by someone else" in response.json()["message"] or \
        "已被他人修改" in response.json()["message"]
    assert Activity.objects.get(pk=visit.pk).starts_at == local("2031-03-13T14:00")
    # An end before the start: 400 with the model's reason.
    response = move(client, visit, starts_at="2031-03-13T14:00", ends_at="2031-03-13T13:00", version=stored.version)
    assert response.status_code == 400 and "ends_at" in response.json()["errors"]
    # A task known by its due time moves by its due time.
    task = ActivityFactory(owner=seller, kind="task", starts_at=None, due_at=local("2031-03-12T18:00"))
    response = move(client, task, due_at="2031-03-14T18:00", version=task.version)
    assert response.status_code == 200
    assert Activity.objects.get(pk=task.pk).due_at == local("2031-03-14T18:00")


def test_moving_someone_elses_activity_is_refused(client, world):
    seller, other, south = world.users["seller1"], world.users["seller2"], world.users["south_seller"]
    theirs = ActivityFactory(owner=other, subject="同事的会", starts_at=local("2031-03-11T09:00"))
    joined = ActivityFactory(owner=other, subject="我参加的会", starts_at=local("2031-03-11T11:00"))
    joined.participants.add(seller)
    client.force_login(seller)
    response = move(client, theirs, starts_at="2031-03-12T09:00", version=theirs.version)
    assert response.status_code == 404
    response = move(client, joined, starts_at="2031-03-12T09:00", version=joined.version)
    assert response.status_code == 403 and "我参加的会" in response.json()["message"]
    assert Activity.objects.get(pk=joined.pk).starts_at == local("2031-03-11T11:00")
    assert Activity.objects.get(pk=theirs.pk).starts_at == local("2031-03-11T09:00")
    response = move(client, theirs, starts_at="soon", version="x")
    assert response.status_code == 404  # not visible: nothing said about it
    client.force_login(south)
    assert client.get(f"/activities/calendar/move/{theirs.pk}/").status_code == 405


def test_the_ical_feed_reads_back_and_a_revoked_address_is_gone(client, world):
    seller, other = world.users["seller1"], world.users["seller2"]
    now = timezone.now().replace(second=0, microsecond=0)
    visit = ActivityFactory(owner=seller, subject="拜访华信集团", starts_at=now + datetime.timedelta(days=2),
                            ends_at=now + datetime.timedelta(days=2, hours=1), location="北京市朝阳区",
                            remind_minutes_before=30)
    task = ActivityFactory(owner=seller, kind="task", subject="提交报价单", starts_at=None,
                           due_at=now + datetime.timedelta(days=3))
    joined = ActivityFactory(owner=other, subject="联合拜访", starts_at=now + datetime.timedelta(days=4))
    joined.participants.add(seller)
    ActivityFactory(owner=other, subject="同事的拜访", starts_at=now + datetime.timedelta(days=2))
    ActivityFactory(owner=seller, subject="太久以前", starts_at=now - datetime.timedelta(days=200))
    ActivityFactory(owner=seller, subject="取消了", status="cancelled", starts_at=now + datetime.timedelta(days=1))
    client.force_login(seller)
    page = client.get("/activities/calendar/feed/")
    assert 'data-testid="feed-off"' in page.content.decode()
    client.post("/activities/calendar/feed/", {"action": "regenerate"})
    token = CalendarFeed.objects.get(employee=seller).token
    address = f"/activities/calendar/feed/{token}.ics"
    assert address in client.get("/activities/calendar/feed/").content.decode()
    client.logout()  # calendar apps have no session
    response = client.get(address)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"拜访华信集团", "提交报价单", "联合拜访"}
    event = events["拜访华信集团"]
    assert event.decoded("dtstart") == visit.starts_at and event.decoded("dtend") == visit.ends_at
    assert str(event["location"]) == "北京市朝阳区" and str(event["uid"]) == f"activity-{visit.pk}@kedao"
    assert event.walk("VALARM")[0].decoded("trigger") == -datetime.timedelta(minutes=30)
    assert events["提交报价单"].decoded("dtstart") == task.due_at
    # A new address: the old one is gone, the new one works.
    client.force_login(seller)
    client.post("/activities/calendar/feed/", {"action": "regenerate"})
    new = CalendarFeed.objects.get(employee=seller).token
    assert new != token
    client.logout()
    assert client.get(address).status_code == 404
    assert client.get(f"/activities/calendar/feed/{new}.ics").status_code == 200
    # Turned off: 404; an unknown token: 404.
    client.force_login(seller)
    client.post("/activities/calendar/feed/", {"action": "revoke"})
    client.logout()
    assert client.get(f"/activities/calendar/feed/{new}.ics").status_code == 404
    assert client.get("/activities/calendar/feed/not-a-token.ics").status_code == 404


def test_reminders_are_sent_once_when_their_time_comes(world, django_capture_on_commit_callbacks):
    seller, other = world.users["seller1"], world.users["seller2"]
    start = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(hours=2)
    visit = ActivityFactory(owner=seller, subject="拜访华信集团", starts_at=start, remind_minutes_before=30)
    visit.participants.add(other)
    ActivityFactory(owner=seller, subject="不提醒", starts_at=start)
    ActivityFactory(owner=seller, subject="已完成", starts_at=start, remind_minutes_before=30, status="done")

    def run(at):
        with django_capture_on_commit_callbacks(execute=True):
            return activities_remind(now=at)

    assert run(start - datetime.timedelta(minutes=31)) == 0  # not yet
    assert not Notification.objects.exists()
    assert run(start - datetime.timedelta(minutes=29)) == 1
    assert run(start - datetime.timedelta(minutes=28)) == 0  # the second run finds it claimed
    notes = Notification.objects.filter(event="activities.reminder")
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted([seller.pk, other.pk])
    assert all("拜访华信集团" in n.title for n in notes)
    assert Activity.objects.get(pk=visit.pk).reminded_at is not None
    # A task reminds by its due time; one long over is not reminded any more.
    due = start + datetime.timedelta(hours=5)
    ActivityFactory(owner=seller, kind="task", subject="交报价", starts_at=None, due_at=due, remind_minutes_before=60)
    ActivityFactory(owner=seller, subject="昨天的", starts_at=start - datetime.timedelta(days=1),
                    remind_minutes_before=10)
    assert run(due - datetime.timedelta(minutes=59)) == 1
    assert Notification.objects.filter(title__contains="交报价", recipient=seller).count() == 1
    assert not Notification.objects.filter(title__contains="昨天的").exists()


def test_the_scheduled_job_and_the_menu_entry_are_registered(client, world):
    from core.registry import get_notification_event, get_scheduled_job

    job = get_scheduled_job("activities.remind")
    assert job is not None and job.every == 60
    event = get_notification_event("activities.reminder")
    assert event.email and event.in_app
    client.force_login(world.users["seller1"])
    assert 'href="/activities/calendar/"' in client.get("/").content.decode()


def test_an_entry_started_before_the_week_and_still_running_shows_and_spans_are_bounded(client, world):
    """The week takes entries starting in it, entries started up to 62 days before that still run,
    and tasks due in it; an activity longer than 62 days is refused beside its end."""
    seller = world.users["seller1"]
    fair = ActivityFactory(owner=seller, kind="meeting", subject="工博会展位", all_day=True,
                           starts_at=local("2031-03-01T00:00"), ends_at=local("2031-03-12T00:00"))
    over = ActivityFactory(owner=seller, kind="meeting", subject="上周结束的会", starts_at=local("2031-03-05T09:00"),
                           ends_at=local("2031-03-09T18:00"))
    html = week(client, seller).content.decode()
    assert f'data-testid="entry-{fair.pk}"' in html and "工博会展位" in html
    assert "上周结束的会" not in html and over.pk
    client.force_login(seller)
    response = client.post("/activities/add/", {"kind": "visit", "subject": "驻场一季度", "status": "planned",
                                                "priority": "normal", "starts_at": "2031-01-01T09:00",
                                                "ends_at": "2031-04-01T18:00"})
    assert response.status_code == 400
    assert "62" in response.content.decode() and not Activity.objects.filter(subject="驻场一季度").exists()
