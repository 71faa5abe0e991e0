"""A person's activities as an iCalendar feed (RFC 5545, written with the `icalendar` package) for
phone and desktop calendars that subscribe to its secret address (activities.calendar_models)."""

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

from .calendar_selectors import person_condition, window_condition
from .models import Activity, ActivityStatus

PAST_DAYS = 90
FUTURE_DAYS = 365
# A task known only by its due time is shown as a short event at that time.
TASK_MINUTES = 30


def feed_rows(employee, now=None):
    """The employee's own and joined activities from PAST_DAYS ago to FUTURE_DAYS ahead, through the
    one permission decision (a person who lost the right to see activities gets an empty feed)."""
    now = now or timezone.now()
    start, end = now - datetime.timedelta(days=PAST_DAYS), now + datetime.timedelta(days=FUTURE_DAYS)
    return (Activity.objects.visible_to(employee, "view").filter(person_condition(employee.pk))
            .filter(window_condition(start, end)).exclude(status=ActivityStatus.CANCELLED)
            .select_related("customer").order_by("starts_at", "due_at", "pk"))


def _event(activity, site):
    event = Event()
    event.add("uid", f"activity-{activity.pk}@kedao")
    event.add("dtstamp", activity.updated_at)
    event.add("last-modified", activity.updated_at)
    event.add("sequence", activity.version)
    event.add("summary", activity.subject)
    if activity.starts_at and activity.all_day:
        first = timezone.localtime(activity.starts_at).date()
        last = timezone.localtime(activity.ends_at).date() if activity.ends_at else first
        event.add("dtstart", first)
        event.add("dtend", max(last, first) + datetime.timedelta(days=1))  # the end date is exclusive
    elif activity.starts_at:
        event.add("dtstart", activity.starts_at)
        event.add("dtend", activity.ends_at or activity.starts_at)
    else:
        event.add("dtstart", activity.due_at)
        event.add("dtend", activity.due_at + datetime.timedelta(minutes=TASK_MINUTES))
    event.add("categories", [str(activity.get_kind_display())])
    event.add("status", "CONFIRMED")
    if activity.status == ActivityStatus.DONE:
        event.add("transp", "TRANSPARENT")
    if activity.location:
        event.add("location", activity.location)
    lines = [activity.description] if activity.description else []
    if site:
        event.add("url", site + activity.get_absolute_url())
        lines.append(site + activity.get_absolute_url())
    if lines:
        event.add("description", "\n\n".join(lines))
    if activity.remind_minutes_before is not None and activity.status == ActivityStatus.PLANNED:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", activity.subject)
        alarm.add("trigger", -datetime.timedelta(minutes=activity.remind_minutes_before))
        event.add_component(alarm)
    return event


def feed_ics(employee, now=None):
    """The feed's text (bytes), in the company's language."""
    with translation.override(settings.LANGUAGE_CODE):
        calendar = Calendar()
        calendar.add("prodid", "-//Kedao//Kedao CRM//ZH")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("x-wr-calname", _("Kedao: %(name)s") % {"name": employee.get_full_name() or employee.username})
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        # How often a subscribing calendar should look again (Apple and Outlook read these).
        calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
        site = settings.KEDAO["SITE_URL"]
        for activity in feed_rows(employee, now):
            calendar.add_component(_event(activity, site))
        return calendar.to_ical()
