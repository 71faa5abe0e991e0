"""The notification centre, marking read (HTMX), the unread badge, the preferences page, the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.registry import notification_events
from notifications.context_processors import unread_notifications
from notifications.models import Notification, NotificationPreference
from org.tests.factories import EmployeeFactory

from .conftest import LOUD, QUIET

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def me(db):
    return EmployeeFactory(username="me", email="me@example.cn")


@pytest.fixture
def other(db):
    return EmployeeFactory(username="other")


def note(user, title="通知", **fields):
    return Notification.objects.create(recipient=user, event=QUIET, title=title, **fields)


def test_the_centre_lists_my_notifications_only(client, me, other):
    note(me, "给我的", body="详情", url="/approvals/")
    note(other, "给别人的")
    client.force_login(me)
    html = client.get("/notifications/").content.decode()
    assert "给我的" in html and "详情" in html and "给别人的" not in html
    assert 'data-testid="notifications-count">1<' in html
    html = client.get("/notifications/?unread=1&page=x").content.decode()
    assert "给我的" in html


def test_mark_read_with_htmx_updates_the_badge(client, me, other):
    first, second = note(me, "一"), note(me, "二")
    client.force_login(me)
    response = client.post(f"/notifications/{first.pk}/read/", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and f'id="notification-{first.pk}"' in html
    assert 'data-action="mark-read"' not in html  # read now: no button
    assert 'id="notifications-badge" href="/notifications/" data-testid="notifications-badge" hx-swap-oob="true"' \
        in html.replace("\n", "")
    assert 'data-testid="notifications-count">1<' in html
    assert Notification.objects.get(pk=first.pk).read_at is not None
    assert Notification.objects.get(pk=second.pk).read_at is None
    # Someone else's: 404, and it stays unread.
    theirs = note(other)
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post("/notifications/99999999999999999999/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_and_open(client, me, other):
    linked = note(me, "有链接", url="/approvals/")
    note(me)
    theirs = note(other)
    client.force_login(me)
    response = client.get(f"/notifications/{linked.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/approvals/"
    assert Notification.objects.get(pk=linked.pk).read_at is not None
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(recipient=me, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.get("/notifications/read-all/").status_code == 405


def test_the_preferences_page_lists_every_event_and_saves(client, me):
    client.force_login(me)
    html = client.get("/notifications/preferences/").content.decode()
    for event in notification_events():
        assert f'data-event="{event.key}"' in html
    assert f'name="email:{LOUD}" id="email-' in html
    data = {f"in_app:{event.key}": "on" for event in notification_events()}
    data[f"email:{QUIET}"] = "on"  # turn e-mail on for the quiet one; off for the loud one
    response = client.post("/notifications/preferences/", data)
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=me, event=QUIET).email is True
    assert NotificationPreference.objects.get(user=me, event=LOUD).email is False
    html = client.get("/notifications/preferences/").content.decode()
    assert f'name="email:{QUIET}" id="email-' in html
    assert 'data-testid="no-email"' not in html


def test_the_badge_costs_one_query_only_when_shown(rf, me):
    for _ in range(3):
        note(me)
    request = rf.get("/")
    request.user = me
    with CaptureQueriesContext(connection) as captured:
        badge = unread_notifications(request)["notifications_unread"]
    assert len(captured) == 0  # nothing until a template reads it
    with CaptureQueriesContext(connection) as captured:
        assert badge.count == 3 and badge.label == "3" and badge.count == 3
    assert len(captured) == 1


def test_pages_need_a_login(client):
    for url in ("/notifications/", "/notifications/preferences/"):
        assert client.get(url).status_code == 302


# --- API --------------------------------------------------------------------------------------------


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_lists_and_marks_my_notifications(me, other):
    mine, read = note(me, "我的"), note(me, "已读")
    theirs = note(other, "别人的")
    client = api(me)
    client.post(f"/api/notifications/notifications/{read.pk}/read/")
    rows = client.get("/api/notifications/notifications/").json()["results"]
    assert [row["title"] for row in rows] == ["已读", "我的"]
    unread = client.get("/api/notifications/notifications/", {"unread": "true"}).json()["results"]
    assert [row["id"] for row in unread] == [mine.pk]
    assert client.get(f"/api/notifications/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/notifications/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post("/api/notifications/notifications/read-all/").json() == {"marked": 1}
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert client.get("/api/notifications/notifications/", {"unread": "perhaps"}).status_code == 400
    assert client.delete(f"/api/notifications/notifications/{mine.pk}/").status_code == 405
    assert APIClient().get("/api/notifications/notifications/").status_code in (401, 403)
