"""Writes the calendar makes: moving or resizing an entry, and a person's feed address."""

import datetime

from django.db import transaction
from django.utils import timezone

from core.services import check_allowed

from .calendar_models import CalendarFeed, new_feed_token
from .models import Activity
from .services import activity_save


def activity_reschedule(*, activity, actor, expected_version, starts_at=None, ends_at=None, due_at=None):
    """Give `activity` new times (an entry dragged or resized on the calendar) as `actor`.

    Only the times are written (a colleague's concurrent edit of other fields is kept); a stale
    `expected_version` raises VersionConflict, a refused actor PermissionDenied, times that break
    the activity's rules ValidationError. A reminder already sent is armed again when the new
    reminder moment is still ahead."""
    with transaction.atomic():
        check_allowed(instance=activity, actor=actor, action="change")
        current = Activity.objects.get(pk=activity.pk)
        fields = []
        if starts_at is not None:
            current.starts_at, current.ends_at = starts_at, ends_at
            fields += ["starts_at", "ends_at"]
        if due_at is not None:
            current.due_at = due_at
            fields.append("due_at")
        current.clean()
        moment = current.starts_at or current.due_at
        if (current.reminded_at and current.remind_minutes_before is not None and moment
                and moment - datetime.timedelta(minutes=current.remind_minutes_before) > timezone.now()):
            current.reminded_at = None
            fields.append("reminded_at")
        return activity_save(instance=current, actor=actor, expected_version=expected_version, fields=fields)


def calendar_feed_regenerate(*, actor):
    """Give `actor` a (new) secret feed address; the previous one stops working at once."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(employee=actor)
        if not created:
            feed.token = new_feed_token()
            feed.revoked_at = None
            feed.created_at = timezone.now()
            feed.last_used_at = None
            feed.save()
        return feed


def calendar_feed_revoke(*, actor):
    """Turn `actor`'s feed address off (it answers 404 from now on). Returns whether one was on."""
    return bool(CalendarFeed.objects.filter(employee=actor, revoked_at__isnull=True)
                .update(revoked_at=timezone.now()))
