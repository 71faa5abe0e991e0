"""Pages of daily reports and plans: the generic object pages, the team page (day / week / month
with the team totals and drill-down) and managers' comments."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.formatting import format_money
from core.registry import daily_figures
from core.replica import reads_from_replica
from core.views.generic import object_views
from org.permissions import has_perm

from . import filtersets, forms, tables
from .models_reports import DailyReport, Plan
from .reporting import daily_report_comment_add, plan_comment_add, team_reports

# Lazy: the labels follow the language of each request, not the one active at import.
PERIODS = (("day", gettext_lazy("Day")), ("week", gettext_lazy("Week")), ("month", gettext_lazy("Month")))

dailyreport = object_views(
    DailyReport, queryset=DailyReport.objects.select_related("owner", "org_unit"),
    filterset=filtersets.DailyReportFilterSet, table=tables.DailyReportTable, form=None,
    detail_fields=("date", "summary", "built_at"), highlights=("owner", "date"), views=("list", "detail"),
    list={"bulk_edit": False})

plan = object_views(
    Plan, queryset=Plan.objects.select_related("owner", "org_unit", "updated_by"),
    filterset=filtersets.PlanFilterSet, table=tables.PlanTable, form=forms.PlanForm,
    detail_fields=("period", "starts_on", "target_visits", "target_calls", "target_opportunities", "target_amount",
                   "notes", "review"),
    highlights=("owner", "period", "starts_on"), list={"bulk_edit": False})


def daily_team(request):
    """The manager's page: one row per person in scope, the team totals, drill-down links."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not has_perm(request.user, DailyReport, "view"):
        raise PermissionDenied
    period = request.GET.get("period") or "day"
    errors = {}
    if period not in dict(PERIODS):
        errors["period"] = _("Choose day, week or month.")
        period = "day"
    day = timezone.localdate()
    if request.GET.get("date"):
        try:
            day = datetime.date.fromisoformat(request.GET["date"])
        except ValueError:
            errors["date"] = _("Enter a valid date (YYYY-MM-DD).")
    refresh_today(request.user, period, day, force=bool(request.GET.get("refresh")))
    # The stored reports may come from the read replica; not what refresh_today reads, since it
    # writes what it computes. After a rebuild this request reads the primary (core/replica.py).
    with reads_from_replica(request.user):
        date_from, date_to, rows, totals = team_reports(request.user, period, day)
    figures = daily_figures()
    def shown(figure, value):
        return format_money(value) if figure.kind == "money" and value else value

    for row in rows:
        row["cells"] = [(shown(f, row["figures"][f.key]), f.link(row["employee"], date_from, date_to) if f.link else None,
                         f.label) for f in figures]
    context = {"rows": rows, "figures": figures, "totals": [(shown(f, totals[f.key]), f.label) for f in figures],
               "period": period, "periods": PERIODS, "day": day, "date_from": date_from, "date_to": date_to,
               "errors": errors, "includes_today": date_from <= timezone.localdate() <= date_to, "previous": day - datetime.timedelta(days={"day": 1, "week": 7}.get(period, 28)),
               "next": day + datetime.timedelta(days={"day": 1, "week": 7}.get(period, 31))}
    return render(request, "activities/daily_team.html", context, status=400 if errors else 200)


REFRESH_EVERY = datetime.timedelta(minutes=5)


def refresh_today(user, period, day, *, force=False):
    """Today's reports are built at 19:00; before that a manager looking at today sees them as they
    stand now: rebuilt for the people their own scope reaches (subordinates, their units) — a few
    grouped queries over today's rows. A company-wide viewer sees the last build.

    A report rebuilt less than REFRESH_EVERY ago is kept unless its seller changed an activity since
    (the `updated_at` index answers that for the last few minutes only): a manager reloading the page
    does not recount the team's day each time, and a visit just logged still shows at once. `force`
    (the page's Refresh button) rebuilds them all."""
    from org.permissions import Scope, granted_scopes, people_in_units, subordinate_ids

    from .daily import daily_reports_build
    from .models import Activity
    from .reporting import period_range

    today = timezone.localdate()
    date_from, date_to = period_range(period, day)
    if not date_from <= today <= date_to:
        return
    scopes = granted_scopes(user, DailyReport, "view")
    if Scope.ALL in scopes:
        return
    people = {user.pk}
    if Scope.SUBORDINATES in scopes:
        people |= set(subordinate_ids(user))
    if Scope.UNIT in scopes or Scope.SUBTREE in scopes:
        people |= set(people_in_units(user, with_subtree=Scope.SUBTREE in scopes))
    if not force:
        since = timezone.now() - REFRESH_EVERY
        fresh = dict(DailyReport.objects.filter(date=today, owner_id__in=sorted(people), built_at__gte=since)
                     .values_list("owner_id", "built_at"))
        if fresh:
            changed = Activity.objects.filter(updated_at__gte=min(fresh.values()), owner_id__in=sorted(fresh))
            for owner_id, updated_at in changed.order_by().values_list("owner_id", "updated_at"):
                if owner_id in fresh and updated_at >= fresh[owner_id]:
                    del fresh[owner_id]
        people -= set(fresh)
    if people:
        daily_reports_build(today, employees=sorted(people))


def _comment(request, obj, add):
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            add(obj, request.user, form.cleaned_data["text"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Comment added."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return HttpResponseRedirect(obj.get_absolute_url())


@require_POST
def dailyreport_comment(request, pk):
    if not request.user.is_authenticated:
        raise PermissionDenied
    report = get_object_or_404(DailyReport.objects.visible_to(request.user, "view"), pk=pk)
    return _comment(request, report, lambda obj, user, text: daily_report_comment_add(report=obj, actor=user,
                                                                                     text=text))


@require_POST
def plan_comment(request, pk):
    if not request.user.is_authenticated:
        raise PermissionDenied
    obj = get_object_or_404(Plan.objects.visible_to(request.user, "view"), pk=pk)
    return _comment(request, obj, lambda o, user, text: plan_comment_add(plan=o, actor=user, text=text))
