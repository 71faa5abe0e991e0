"""notify(): rows on commit only, per-user preferences, e-mail through the task worker."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, NotificationPreference
from notifications.services import (
    notifications_mark_read,
    notifications_prune,
    notify,
    preferences_for,
    preferences_save,
    unread_count,
)
from org.tests.factories import EmployeeFactory

from .conftest import LOUD, QUIET

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture
def people(db):
    return [EmployeeFactory(username=f"p{n}", email=f"p{n}@example.cn") for n in range(3)]


def test_nothing_before_the_commit_and_nothing_after_a_rollback(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=people[:2], event=QUIET, title="你好")
    assert len(callbacks) == 1 and not Notification.objects.exists()  # waits for the commit
    callbacks[0]()
    assert sorted(Notification.objects.values_list("recipient__username", flat=True)) == ["p0", "p1"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                notify(recipients=people, event=QUIET, title="回滚")
                raise RuntimeError
    assert not callbacks and not Notification.objects.filter(title="回滚").exists()


def test_the_notification_carries_what_the_caller_gave(people, django_capture_on_commit_callbacks):
    actor = people[2]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[people[0], people[0].pk, actor], event=QUIET, title="标题\n第二行", body="正文\n第二行",
               url="/approvals/1/", actor=actor, target=people[1])
    row = Notification.objects.get()  # once per person; the actor is not told of their own action
    assert row.recipient == people[0] and row.actor == actor
    assert row.title == "标题 第二行" and row.body == "正文\n第二行"
    assert row.url == "/approvals/1/" and row.target == people[1] and row.read_at is None


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "/\\evil"])
def test_links_stay_inside_kedao(people, url, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=people[:1], event=QUIET, title="x", url=url)
    assert Notification.objects.get().url == ""


def test_unknown_events_are_a_programming_error(people):
    with pytest.raises(ValueError):
        notify(recipients=people, event="no.such.event", title="x")


def test_inactive_people_are_not_told(people, django_capture_on_commit_callbacks):
    people[0].is_active = False
    people[0].save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=people[:2], event=LOUD, title="x")
    assert list(Notification.objects.values_list("recipient", flat=True)) == [people[1].pk]


def test_mail_follows_the_event_default_and_the_users_choice(people, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    settings.KEDAO = {**settings.KEDAO, "SITE_URL": "https://crm.example.cn"}
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=people[:2], event=QUIET, title="安静")
    assert mail.outbox == []  # e-mail is off by default
    preferences_save(user=people[0], choices={QUIET: (False, True)})
    preferences_save(user=people[1], choices={LOUD: (True, False)})
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=people[:2], event=QUIET, title="安静二", url="/notifications/")
        notify(recipients=people, event=LOUD, title="响亮")
    sent = sorted((m.subject, m.to[0]) for m in mail.outbox)
    assert sent == [("响亮", "p0@example.cn"), ("响亮", "p2@example.cn"), ("安静二", "p0@example.cn")]
    quiet_mail = next(m for m in mail.outbox if m.subject == "安静二")
    assert "https://crm.example.cn/notifications/" in quiet_mail.body
    assert "https://crm.example.cn/notifications/preferences/" in quiet_mail.body
    # p0 chose e-mail only for the quiet event: no in-app row for it.
    assert not Notification.objects.filter(recipient=people[0], title="安静二").exists()
    assert Notification.objects.filter(recipient=people[1], title="安静二").exists()


def test_mail_waits_for_the_worker(people, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=people[:1], event=LOUD, title="排队")
    assert mail.outbox == []
    task = DBTaskResult.objects.get()
    assert task.task_path == "notifications.tasks.send_notification_mails"
    from notifications.models import OutgoingMail

    queued = OutgoingMail.objects.get()
    assert task.args_kwargs["args"][0] == [queued.pk]
    assert (queued.subject, queued.address, queued.sent_at) == ("排队", "p0@example.cn", None)


def test_no_address_no_mail(people, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    people[0].email = ""
    people[0].save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=people[:1], event=LOUD, title="没有地址")
    assert mail.outbox == [] and Notification.objects.filter(recipient=people[0]).exists()


def test_preferences_default_and_saved(people):
    rows = {event.key: (in_app, email) for event, in_app, email in preferences_for(people[0])}
    assert rows[QUIET] == (True, False) and rows[LOUD] == (True, True)
    assert "approvals.requested" in rows  # every registered event is listed
    preferences_save(user=people[0], choices={QUIET: (False, False)})
    assert NotificationPreference.objects.get(user=people[0], event=QUIET).in_app is False
    preferences_save(user=people[0], choices={QUIET: (True, False)})  # back to the default: no row
    assert not NotificationPreference.objects.filter(user=people[0]).exists()
    with pytest.raises(ValueError):
        preferences_save(user=people[0], choices={"no.such": (True, True)})


def test_unread_count_mark_read_and_prune(people):
    mine, other = people[0], people[1]
    Notification.objects.bulk_create([Notification(recipient=mine, event=QUIET, title=f"n{i}") for i in range(120)]
                                     + [Notification(recipient=other, event=QUIET, title="theirs")])
    assert unread_count(mine) == 100  # capped: the badge says 99+
    first = Notification.objects.filter(recipient=mine).first()
    theirs = Notification.objects.get(recipient=other)
    assert notifications_mark_read(user=mine, ids=[first.pk, theirs.pk]) == 1  # not someone else's
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert notifications_mark_read(user=mine) == 119
    assert unread_count(mine) == 0 and unread_count(other) == 1
    old = timezone.now() + timezone.timedelta(days=181)
    assert notifications_prune(old) == "120 old notifications deleted"
    assert list(Notification.objects.all()) == [theirs]  # unread ones are kept
