"""The automatic daily report (销售日报): every seller's figures for a day, computed from the
records themselves, never typed in.

Each figure is registered (core.registry.register_daily_figure), so contracts and payments add
theirs later without this module knowing them. A build runs each figure's grouped query once for
ALL sellers (GROUP BY owner over the day's range), so its query count does not depend on how many
sellers there are; then it upserts the reports in bulk. Building a day twice gives the same rows.
"""

import datetime
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.registry import daily_figures, register_daily_figure
from core.reports import day_bounds, list_page, list_url

from .models import Activity, ActivityKind, ActivityStatus
from .models_reports import DailyReport


class Window:
    """The days a build covers, in the company's time zone: [start, end)."""

    def __init__(self, date_from, date_to=None, people=None):
        self.date_from = date_from
        self.date_to = date_to or date_from
        self.start, self.end = day_bounds(self.date_from, self.date_to)
        # Only these employees' figures (a manager's team rebuilt on the spot), or None: everyone.
        self.people = sorted(people) if people is not None else None
        self._memo = {}

    def mine(self, queryset, field="owner_id"):
        """`queryset` narrowed to the window's people, when it has them (the (owner, …) indexes serve)."""
        return queryset if self.people is None else queryset.filter(**{f"{field}__in": self.people})

    def memo(self, key, compute):
        """One query shared by several figures (e.g. calls, visits and meetings)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


def _grouped(rows, by, value="n"):
    """{owner id: value} from a values().annotate() queryset, leaving out empty groups."""
    return {row[by]: row[value] for row in rows if row[by] is not None and row[value]}


# --- The built-in figures --------------------------------------------------------------------------


def _new_customers(window):
    from customers.models import Customer

    return _grouped(window.mine(Customer.objects.filter(created_at__gte=window.start, created_at__lt=window.end,
                                                        owner__isnull=False))
                    .values("owner_id").annotate(n=Count("pk")).order_by(), "owner_id")


def _new_contacts(window):
    # A contact has no owner of its own (it follows its customer): it counts for who entered it.
    from customers.models import Contact

    return _grouped(window.mine(Contact.objects.filter(created_at__gte=window.start, created_at__lt=window.end),
                                "created_by_id")
                    .values("created_by_id").annotate(n=Count("pk")).order_by(), "created_by_id")


def _done_by_kind(window):
    """{kind: {owner: count}} of the activities done in the window: a task when it was ticked off,
    anything else when it took place (its start; a note logged without a time: when it was logged)."""
    def compute():
        # Plain ranges on starts_at and done_at (indexed), not on an expression: over 10,000,000
        # activities a COALESCE read every done row. activity_save gives a done note or e-mail
        # logged without a time its logging time as start, so starts_at is the moment for all but tasks.
        rows = (window.mine(Activity.objects.filter(status=ActivityStatus.DONE))
                .filter(Q(kind=ActivityKind.TASK, done_at__gte=window.start, done_at__lt=window.end)
                        | (~Q(kind=ActivityKind.TASK) & Q(starts_at__gte=window.start, starts_at__lt=window.end)))
                .values("owner_id", "kind").annotate(n=Count("pk")).order_by())
        result = {}
        for row in rows:
            result.setdefault(row["kind"], {})[row["owner_id"]] = row["n"]
        return result
    return window.memo("done_by_kind", compute)


def _kind_figure(*kinds):
    def fn(window):
        by_kind = _done_by_kind(window)
        total = {}
        for kind in kinds:
            for owner, n in by_kind.get(kind, {}).items():
                total[owner] = total.get(owner, 0) + n
        return total
    return fn


def _tasks_overdue(window):
    """Tasks due before the window's end and not done by then (cancelled ones are not overdue)."""
    # Two indexed counts added up rather than one OR: the open tasks through the partial index of
    # planned tasks by due time, the ones done late through (owner, done_at) — an OR read every
    # task a seller ever had (190 ms for a department on 10,000,000 activities).
    tasks = window.mine(Activity.objects.filter(kind=ActivityKind.TASK, due_at__lt=window.end,
                                                created_at__lt=window.end))
    counts = {}
    for part in (tasks.filter(status=ActivityStatus.PLANNED),
                 tasks.filter(status=ActivityStatus.DONE, done_at__gte=window.end)):
        for owner_id, n in _grouped(part.values("owner_id").annotate(n=Count("pk")).order_by(), "owner_id").items():
            counts[owner_id] = counts.get(owner_id, 0) + n
    return counts


def _opportunities_created(window):
    from sales.models import Opportunity

    return window.memo("opp_created", lambda: list(
        window.mine(Opportunity.objects.filter(created_at__gte=window.start, created_at__lt=window.end))
        .values("owner_id").annotate(n=Count("pk"), amount=Sum("amount")).order_by()))


def _opportunities_closed(window):
    from sales.models import Opportunity

    return window.memo("opp_closed", lambda: list(
        Opportunity.objects.filter(closed_at__gte=window.start, closed_at__lt=window.end, status__in=("won", "lost"))
        .values("owner_id", "status").annotate(n=Count("pk"), amount=Sum("amount")).order_by()))


def _opportunities_advanced(window):
    """Forward moves between stages (to a later open stage), for who made them, with the deal's
    amount at the move."""
    from sales.models import StageChange

    return window.memo("opp_advanced", lambda: list(
        StageChange.objects.filter(changed_at__gte=window.start, changed_at__lt=window.end,
                                   opportunity__deleted_at__isnull=True, from_stage__isnull=False,
                                   to_stage__kind="open",
                                   to_stage__order__gt=F("from_stage__order"))
        .values("changed_by_id").annotate(n=Count("pk"), amount=Sum("amount")).order_by()))


def _pick(source, by, value, **match):
    def fn(window):
        rows = source(window)
        return _grouped([row for row in rows if all(row[k] == v for k, v in match.items())], by, value)
    return fn


# --- Drill-down: the list of the records a figure counts ----------------------------------------


def _activity_link(kind=None, status=ActivityStatus.DONE, **extra):
    def link(employee, date_from, date_to):
        return list_url(list_page("activities:activity_list"), owner=employee, kind=kind, status=status,
                        starts_after=date_from, starts_before=date_to, **extra)
    return link


def _overdue_link(employee, date_from, date_to):
    return list_url(list_page("activities:activity_list"), owner=employee, kind=ActivityKind.TASK, overdue=True)


def _customer_link(employee, date_from, date_to):
    return list_url(list_page("customers:customer_list"), owner=employee, ordering="-created_at")


def _contact_link(employee, date_from, date_to):
    return list_url(list_page("customers:contact_list"), ordering="-created_at")


def _opp_link(**filters):
    def link(employee, date_from, date_to):
        dated = {}
        if "status" in filters:
            dated = {"closed_after": date_from, "closed_before": date_to}
        elif not filters.get("advanced"):
            dated = {"created_after": date_from, "created_before": date_to}
        params = {k: v for k, v in filters.items() if k != "advanced"}
        if filters.get("advanced"):
            params["ordering"] = "-stage_changed_at"
        return list_url(list_page("sales:opportunity_list"), owner=employee, **params, **dated)
    return link


def register():
    figure = register_daily_figure
    figure("new_customers", _("New customers"), _new_customers, link=_customer_link, order=10)
    figure("new_contacts", _("New contacts"), _new_contacts, link=_contact_link, order=20)
    figure("calls", _("Calls"), _kind_figure(ActivityKind.CALL), link=_activity_link(ActivityKind.CALL), order=30)
    figure("visits", _("Visits"), _kind_figure(ActivityKind.VISIT), link=_activity_link(ActivityKind.VISIT),
           order=40)
    figure("meetings", _("Meetings"), _kind_figure(ActivityKind.MEETING),
           link=_activity_link(ActivityKind.MEETING), order=50)
    figure("notes", _("Notes and e-mails"), _kind_figure(ActivityKind.NOTE, ActivityKind.EMAIL),
           link=_activity_link(None), order=60)
    figure("opportunities_created", _("Opportunities created"), _pick(_opportunities_created, "owner_id", "n"),
           link=_opp_link(), order=70)
    figure("opportunities_created_amount", _("Amount created"),
           _pick(_opportunities_created, "owner_id", "amount"), kind="money", link=_opp_link(), order=71)
    figure("opportunities_advanced", _("Opportunities advanced"),
           _pick(_opportunities_advanced, "changed_by_id", "n"), link=_opp_link(advanced=True), order=80)
    figure("opportunities_advanced_amount", _("Amount advanced"),
           _pick(_opportunities_advanced, "changed_by_id", "amount"), kind="money", link=_opp_link(advanced=True),
           order=81)
    figure("opportunities_won", _("Opportunities won"), _pick(_opportunities_closed, "owner_id", "n", status="won"),
           link=_opp_link(status="won"), order=90)
    figure("opportunities_won_amount", _("Amount won"),
           _pick(_opportunities_closed, "owner_id", "amount", status="won"), kind="money",
           link=_opp_link(status="won"), order=91)
    figure("opportunities_lost", _("Opportunities lost"),
           _pick(_opportunities_closed, "owner_id", "n", status="lost"), link=_opp_link(status="lost"), order=100)
    figure("opportunities_lost_amount", _("Amount lost"),
           _pick(_opportunities_closed, "owner_id", "amount", status="lost"), kind="money",
           link=_opp_link(status="lost"), order=101)
    figure("tasks_done", _("Tasks done"), _kind_figure(ActivityKind.TASK), link=_activity_link(ActivityKind.TASK),
           order=110)
    figure("tasks_overdue", _("Tasks overdue"), _tasks_overdue, link=_overdue_link, order=120)


# --- Building ----------------------------------------------------------------------------------


def _as_stored(kind, value):
    if kind == "money":
        return str(Decimal(value).quantize(Decimal("0.01")))
    return int(value)


def zero(kind):
    return Decimal("0.00") if kind == "money" else 0


def as_number(kind, stored):
    """A stored figure back as a number (money: Decimal)."""
    if stored in (None, ""):
        return zero(kind)
    return Decimal(stored) if kind == "money" else int(stored)


def sellers_queryset():
    """Who gets a report even on a day they did nothing: active employees with a role that may
    add activities (the sellers)."""
    from org.models import Employee

    return Employee.objects.filter(is_active=True, roles__permissions__object_type="activities.activity",
                                   roles__permissions__action="add").distinct()


def compute_figures(window):
    """{employee id: {figure key: stored value}} for everyone with a non-zero figure in `window`."""
    result = {}
    for figure in daily_figures():
        for employee_id, value in figure.fn(window).items():
            if value:
                result.setdefault(employee_id, {})[figure.key] = _as_stored(figure.kind, value)
    return result


def daily_reports_build(day, *, employees=None):
    """Compute and store the daily report of `day` (a date in the company's time zone) for every
    seller — everyone with a role that adds activities, and anyone else who owns or did something
    that day — or only for `employees` (ids or employees). Idempotent: a second build rewrites the
    same rows. Returns the number of reports written."""
    from org.models import Employee

    only = None
    if employees is not None:
        only = {e.pk if isinstance(e, models.Model) else int(e) for e in employees}
    window = Window(day, people=only)
    figures = compute_figures(window)
    if only is not None:
        ids = set(only)
    else:
        ids = set(figures) | set(sellers_queryset().values_list("pk", flat=True))
    people = {pk: unit for pk, unit in Employee.objects.filter(pk__in=ids, unit__isnull=False)
              .values_list("pk", "unit_id")}
    now = timezone.now()
    with transaction.atomic():
        existing = {row.owner_id: row for row in DailyReport.all_objects.filter(date=day, owner_id__in=people)}
        new, changed = [], []
        for pk, unit in people.items():
            values = figures.get(pk, {})
            row = existing.get(pk)
            if row is None:
                new.append(DailyReport(owner_id=pk, org_unit_id=unit, date=day, figures=values, built_at=now))
            else:
                row.figures, row.org_unit_id, row.built_at, row.deleted_at = values, unit, now, None
                changed.append(row)
        DailyReport.objects.bulk_create(new, batch_size=1000)
        DailyReport.all_objects.bulk_update(changed, ["figures", "org_unit", "built_at", "deleted_at"],
                                            batch_size=1000)
    return len(new) + len(changed)


def run_daily_reports(now):
    """The scheduled job: today's reports (company time), rebuilt at 19:00 and on demand."""
    day = timezone.localdate(now)
    count = daily_reports_build(day)
    return f"{count} daily reports for {day.isoformat()}"


# --- Reading: a period's figures, summed over the daily rows --------------------------------------


def period_range(period, day):
    """The days of the day / week (Monday..Sunday) / month that contains `day`."""
    if period == "week":
        start = day - datetime.timedelta(days=day.weekday())
        return start, start + datetime.timedelta(days=6)
    if period == "month":
        start = day.replace(day=1)
        end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
        return start, end
    return day, day


def sum_figures(reports):
    """{owner id: {figure key: number}} summed over `reports` (DailyReport rows)."""
    kinds = {f.key: f.kind for f in daily_figures()}
    totals = {}
    for report in reports:
        person = totals.setdefault(report.owner_id, {key: zero(kind) for key, kind in kinds.items()})
        for key, stored in (report.figures or {}).items():
            if key in kinds:
                person[key] += as_number(kinds[key], stored)
    return totals
