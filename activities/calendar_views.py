"""The calendar pages (day, week, month; one's own or, in scope, a colleague's or a unit's), the
endpoint an entry dragged or resized posts to, the feed settings page and the feed itself."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core import limits
from core.services import VersionConflict
from org.permissions import has_perm

from . import calendar_selectors as cal
from .calendar_models import CalendarFeed
from .calendar_services import activity_reschedule, calendar_feed_regenerate, calendar_feed_revoke
from .feed import feed_ics
from .models import Activity

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _parse_day(text):
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def _pick(request, name, choices):
    """The id of ?<name>= among `choices` (a queryset), None when absent; PermissionDenied when it
    names something outside them (someone else's calendar out of scope)."""
    raw = request.GET.get(name, "")
    if not raw:
        return None
    pk = limits.parse_id(raw)
    found = choices.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise PermissionDenied(_("You may not look at this calendar."))
    return found


@login_required
def calendar_page(request):
    """GET view=day|week|month, date=YYYY-MM-DD, and optionally employee= or unit= (in scope)."""
    if not has_perm(request.user, Activity, "view"):
        raise PermissionDenied
    errors = []
    view = request.GET.get("view", "week")
    if view not in cal.VIEWS:
        errors.append(_("Unknown calendar view: choose day, week or month."))
        view = "week"
    today = timezone.localdate()
    anchor = _parse_day(request.GET.get("date", "")) if request.GET.get("date") else today
    if anchor is None or not (datetime.date(1900, 1, 1) <= anchor <= datetime.date(2999, 12, 1)):
        errors.append(_("Give the date as YYYY-MM-DD."))
        anchor = today
    people = cal.reachable_people(request.user).select_related("unit").order_by("unit__path", "last_name",
                                                                               "first_name", "pk")
    units = cal.reachable_units(request.user).order_by("path")
    employee = _pick(request, "employee", people)
    unit = _pick(request, "unit", units) if employee is None else None
    if employee is not None:
        whose, whose_label = cal.person_condition(employee.pk), str(employee)
    elif unit is not None:
        whose, whose_label = cal.unit_condition(unit), str(unit)
    else:
        whose, whose_label = cal.person_condition(request.user.pk), _("My calendar")
    period = cal.period_for(view, anchor)
    rows, truncated = cal.calendar_rows(request.user, period, whose=whose)
    days = cal.lay_out(rows, period, movable_ids=cal.movable_ids(request.user, rows), due_label=_("due"),
                       today=today)

    keep = {}
    if employee is not None:
        keep["employee"] = employee.pk
    elif unit is not None:
        keep["unit"] = unit.pk

    def link(v=view, day=anchor):
        return reverse("activities:calendar") + "?" + urlencode({"view": v, "date": day.isoformat(), **keep})

    add_url = reverse("activities:activity_add")
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    for day in days:
        day.day_url = link("day", day.date)
        day.weekday_name = names[day.date.weekday()]
        if view != "month":
            d = day.date.isoformat()
            day.slots = [{"label": f"{h:02d}:00", "when": f"{d} {h:02d}:00",
                          "url": f"{add_url}?kind=visit&starts_at={d}T{h:02d}:00&ends_at={d}T"
                                 + (f"{h + 1:02d}:00" if h < 23 else "23:59")} for h in range(24)]
    context = {
        "view": view, "period": period, "days": days, "weeks": [days[n:n + 7] for n in range(0, len(days), 7)],
        "hours": range(24), "today": today, "errors": errors, "truncated": truncated, "max_rows": cal.MAX_ROWS,
        "people": people if people.count() > 1 else [], "units": units, "employee": employee, "unit": unit,
        "whose_label": whose_label, "team": employee is not None or unit is not None,
        "prev_url": link(day=period.previous), "next_url": link(day=period.following), "today_url": link(day=today),
        "view_urls": [(v, label, link(v)) for v, label in (("day", _("Day")), ("week", _("Week")),
                                                           ("month", _("Month")))],
        "title": _title(period), "can_add": has_perm(request.user, Activity, "add"),
        "add_url": add_url, "weekday_names": names,
    }
    return render(request, "activities/calendar.html", context, status=400 if errors else 200)


def _title(period):
    if period.view == "day":
        names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
        return f"{period.start:%Y-%m-%d} {names[period.start.weekday()]}"
    if period.view == "week":
        last = period.end - datetime.timedelta(days=1)
        return f"{period.start:%Y-%m-%d} – {last:%Y-%m-%d}"
    return _("%(year)d-%(month)02d") % {"year": period.anchor.year, "month": period.anchor.month}


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(required=False, input_formats=LOCAL_FORMATS)
    ends_at = forms.DateTimeField(required=False, input_formats=LOCAL_FORMATS)
    due_at = forms.DateTimeField(required=False, input_formats=LOCAL_FORMATS)
    version = forms.IntegerField(min_value=1)

    def clean(self):
        data = super().clean()
        if not self.errors and data.get("starts_at") is None and data.get("due_at") is None:
            raise ValidationError(_("Give the new start or the new due time."))
        if data.get("ends_at") is not None and data.get("starts_at") is None:
            self.add_error("starts_at", _("Give the start too."))
        return data


def _refused(status, message, errors=None):
    return JsonResponse({"status": "refused", "message": message, "errors": errors or {}}, status=status)


@login_required
def calendar_move(request, pk):
    """An entry dragged or resized: POST starts_at, ends_at (or due_at for a task known by its due
    time) as local "YYYY-MM-DDTHH:MM", and the version the page showed. JSON: 200 moved; 400 bad
    times (with the reasons); 403 not allowed to change it; 404 not visible; 409 changed meanwhile."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    activity = Activity.objects.visible_to(request.user, "view").filter(pk=pk).first()
    if activity is None:
        return _refused(404, _("This activity does not exist or you may not see it."))
    form = MoveForm(request.POST)
    if not form.is_valid():
        flat = {name: [str(e) for e in found] for name, found in form.errors.items()}
        return _refused(400, " ".join(" ".join(found) for found in flat.values()), flat)
    data = form.cleaned_data
    try:
        saved = activity_reschedule(activity=activity, actor=request.user, expected_version=data["version"],
                                    starts_at=data["starts_at"], ends_at=data["ends_at"], due_at=data["due_at"])
    except PermissionDenied:
        return _refused(403, _("You may not move “%(subject)s”: only people who may change it can.")
                        % {"subject": activity.subject})
    except VersionConflict:
        return _refused(409, _("“%(subject)s” was changed by someone else meanwhile; reload the calendar and "
                               "try again.") % {"subject": activity.subject})
    except ValidationError as error:
        flat = {k: [str(m) for m in v] for k, v in error.message_dict.items()} if hasattr(error, "error_dict") \
            else {"__all__": [str(m) for m in error.messages]}
        return _refused(400, " ".join(" ".join(found) for found in flat.values()), flat)
    when = timezone.localtime(saved.starts_at or saved.due_at)
    message = _("“%(subject)s” moved to %(time)s.") % {"subject": saved.subject, "time": f"{when:%Y-%m-%d %H:%M}"}
    if request.POST.get("reload"):
        # The page reloads to lay the entries out again; the toast comes with it.
        messages.success(request, message)
    return JsonResponse({"status": "moved", "message": message, "version": saved.version,
                         "starts_at": saved.starts_at.isoformat() if saved.starts_at else None,
                         "ends_at": saved.ends_at.isoformat() if saved.ends_at else None,
                         "due_at": saved.due_at.isoformat() if saved.due_at else None})


@login_required
def calendar_feed_page(request):
    """Your feed's address, with "new address" and "turn off" (POST action=regenerate|revoke)."""
    if not has_perm(request.user, Activity, "view"):
        raise PermissionDenied
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "regenerate":
            calendar_feed_regenerate(actor=request.user)
            messages.success(request, _("Your calendar feed has a new address; the old one no longer works."))
        elif action == "revoke":
            if calendar_feed_revoke(actor=request.user):
                messages.success(request, _("Your calendar feed is turned off; its address no longer works."))
        else:
            messages.error(request, _("Unknown action."))
            return redirect("activities:calendar_feed")
        return redirect("activities:calendar_feed")
    feed = CalendarFeed.objects.filter(employee=request.user).first()
    address = None
    if feed is not None and feed.active:
        address = request.build_absolute_uri(reverse("activities:calendar_feed_ics", args=[feed.token]))
    return render(request, "activities/calendar_feed.html", {"feed": feed, "address": address,
                                                             "calendar_url": reverse("activities:calendar")})


@never_cache
def calendar_feed_ics(request, token):
    """The feed, for calendar apps: no session, the secret address is the key. Unknown or turned
    off → 404, so an old address reveals nothing."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    feed = get_object_or_404(CalendarFeed.objects.select_related("employee"), token=token,
                             revoked_at__isnull=True, employee__is_active=True)
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > datetime.timedelta(minutes=10):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    response = HttpResponse(feed_ics(feed.employee, now), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kedao.ics"'
    return response
