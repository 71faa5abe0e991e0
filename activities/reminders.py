"""Reminders before a planned activity (the scheduled job `activities.remind`, every minute).

An activity with `remind_minutes_before` is due for its reminder once its time (start, else due
time) minus those minutes has come. Each one is claimed by a conditional UPDATE that sets
`reminded_at` only where it is still empty, in the transaction that sends the notification: two
schedulers or workers running the job at once never remind twice (the second UPDATE finds the row
already claimed — PostgreSQL re-checks the condition after the first commits — and changes
nothing), and a crash before the commit leaves the reminder to the next run."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from .models import Activity, ActivityStatus

EVENT = "activities.reminder"
# An activity whose time passed longer ago than this is not reminded of any more (one created or
# given a reminder after the fact, or a scheduler that was stopped for a while).
TOO_LATE = datetime.timedelta(hours=1)
BATCH = 500


def _due_condition(now):
    """Planned, not yet reminded, reminder moment passed, activity not long over. The reminder
    moment is compared per distinct number of minutes (there are few), which every database
    indexes and computes alike, instead of date arithmetic in SQL."""
    pending = Activity.objects.filter(status=ActivityStatus.PLANNED, reminded_at__isnull=True,
                                      remind_minutes_before__isnull=False)
    minutes = sorted(set(pending.order_by().values_list("remind_minutes_before", flat=True).distinct()))
    condition = Q(pk__in=[])
    for m in minutes:
        latest = now + datetime.timedelta(minutes=m)
        condition |= Q(remind_minutes_before=m) & (
            Q(starts_at__isnull=False, starts_at__lte=latest, starts_at__gte=now - TOO_LATE)
            | Q(starts_at__isnull=True, due_at__lte=latest, due_at__gte=now - TOO_LATE))
    return pending.filter(condition)


def _texts(activity):
    when = timezone.localtime(activity.starts_at or activity.due_at)
    with translation.override(settings.LANGUAGE_CODE):
        moment = formats.date_format(when, "Y-m-d H:i")
        if activity.starts_at:
            title = _("Reminder: %(subject)s at %(time)s") % {"subject": activity.subject, "time": moment}
        else:
            title = _("Reminder: %(subject)s due %(time)s") % {"subject": activity.subject, "time": moment}
        lines = [f"{activity.get_kind_display()} · {moment}"]
        if activity.location:
            lines.append(_("Place: %(place)s") % {"place": activity.location})
        if activity.description:
            lines.append(activity.description)
    return title, "\n".join(lines)


def activities_remind(*, now=None):
    """Send every reminder that is due (once each); returns how many activities were reminded."""
    from notifications.services import notify

    now = now or timezone.now()
    sent = 0
    while True:
        ids = list(_due_condition(now).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not ids:
            return sent
        for pk in ids:
            with transaction.atomic():
                claimed = Activity.objects.filter(pk=pk, status=ActivityStatus.PLANNED,
                                                  reminded_at__isnull=True).update(reminded_at=now)
                if not claimed:
                    continue  # another run took it, or it was done or cancelled meanwhile
                activity = Activity.objects.select_related("owner").get(pk=pk)
                people = {activity.owner_id, *activity.participants.values_list("pk", flat=True)} - {None}
                title, body = _texts(activity)
                notify(recipients=sorted(people), event=EVENT, title=title, body=body,
                       url=activity.get_absolute_url(), target=activity)
                sent += 1
        if len(ids) < BATCH:
            return sent


def run_reminder_job(now):
    """The scheduled job `activities.remind` (manage.py scheduler / run_scheduled)."""
    return f"{activities_remind(now=now)} activities reminded"
