"""Activity reports (issue 10, point 7), on core's report framework (docs/development/reports.md):
customers not contacted for N days, overdue tasks, visits and calls per seller, workload per unit.
Each selector reads through visible_to and groups in the database (one or two queries); each
figure links to the list of the records it counts."""

from django import forms
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.registry import ReportColumn, register_report
from core.reports import ReportFilterForm, in_days, list_page, list_url
from org.models import Employee, OrgUnit

from .models import Activity, ActivityKind, ActivityStatus

TOP = 25  # bars in a chart; the table has every row


def _people(ids):
    found = Employee.objects.select_related("unit").in_bulk(sorted(i for i in ids if i))
    return {pk: (str(person), str(person.unit or "")) for pk, person in found.items()}


def _in_unit(rows, org_unit):
    return rows if org_unit is None else rows.filter(org_unit__in=org_unit.subtree().values("pk"))


# --- customers not contacted for N days ----------------------------------------------------------


class NotContactedForm(ReportFilterForm):
    days = forms.IntegerField(label=_("Not contacted for (days)"), min_value=1, max_value=3650, initial=30,
                              required=False)


def not_contacted(user, *, org_unit=None, days=None, **_params):
    """Per owner: their customers the user may view, and how many were not contacted for `days`
    days (never contacted ones count from their creation, as on the customer list)."""
    from customers.models import Customer
    from customers.selectors import not_contacted_condition

    days = days or 30
    customers = _in_unit(Customer.objects.visible_to(user, "view").filter(owner__isnull=False), org_unit)
    # One grouped read for both figures (two took twice the time over a million customers).
    grouped = customers.order_by().values_list("owner_id").annotate(
        n=Count("pk"), stale=Count("pk", filter=not_contacted_condition(days)))
    totals, stale = {}, {}
    for owner_id, total, not_contacted_count in grouped:
        totals[owner_id], stale[owner_id] = total, not_contacted_count
    people = _people(totals)
    rows = [{"owner": pk, "name": people.get(pk, ("", ""))[0], "unit": people.get(pk, ("", ""))[1],
             "customers": total, "not_contacted": stale.get(pk, 0), "days": days,
             "share": stale.get(pk, 0) / total if total else None} for pk, total in totals.items()]
    return sorted(rows, key=lambda row: (-row["not_contacted"], row["name"]))


def _customer_list(row, params, **filters):
    return list_url(list_page("customers:customer_list"), owner=row["owner"], org_unit=params.get("org_unit"), **filters)


NOT_CONTACTED_COLUMNS = (
    ReportColumn("name", _("Owner")),
    ReportColumn("unit", _("Org unit")),
    ReportColumn("customers", _("Customers"), "int", lambda row, p: _customer_list(row, p), total=True),
    ReportColumn("not_contacted", _("Not contacted"), "int",
                 lambda row, p: _customer_list(row, p, not_contacted_days=row["days"]), total=True),
    ReportColumn("share", _("Share not contacted"), "percent"),
)


# --- overdue tasks -------------------------------------------------------------------------------


def overdue_tasks(user, *, org_unit=None, **_params):
    """Per owner: planned tasks (and planned calls, visits, meetings) past their time, the oldest."""
    now = timezone.now()
    rows = _in_unit(Activity.objects.visible_to(user, "view"), org_unit).filter(
        Q(due_at__lt=now) | Q(due_at__isnull=True, starts_at__lt=now), status=ActivityStatus.PLANNED)
    grouped = list(rows.order_by().values("owner_id").annotate(
        tasks=Count("pk", filter=Q(kind=ActivityKind.TASK)), others=Count("pk", filter=~Q(kind=ActivityKind.TASK)),
        oldest=Min("due_at")))
    people = _people(row["owner_id"] for row in grouped)
    result = []
    for row in grouped:
        name, unit = people.get(row["owner_id"], ("", ""))
        oldest = row["oldest"]
        result.append({"owner": row["owner_id"], "name": name, "unit": unit, "tasks": row["tasks"],
                       "others": row["others"], "total": row["tasks"] + row["others"],
                       "oldest_days": (timezone.localdate() - timezone.localtime(oldest).date()).days
                       if oldest else None})
    return sorted(result, key=lambda row: (-row["total"], row["name"]))


def _activity_list(row, params, **filters):
    return list_url(list_page("activities:activity_list"), owner=row.get("owner"), **filters)


OVERDUE_COLUMNS = (
    ReportColumn("name", _("Owner")),
    ReportColumn("unit", _("Org unit")),
    ReportColumn("tasks", _("Overdue tasks"), "int",
                 lambda row, p: _activity_list(row, p, kind="task", overdue=True, status="planned"), total=True),
    ReportColumn("others", _("Overdue calls, visits and meetings"), "int",
                 lambda row, p: _activity_list(row, p, overdue=True, status="planned"), total=True),
    ReportColumn("total", _("Overdue in all"), "int", total=True),
    ReportColumn("oldest_days", _("Oldest task (days overdue)"), "int"),
)


# --- visits and calls per seller -----------------------------------------------------------------

COUNTED = (ActivityKind.CALL, ActivityKind.VISIT, ActivityKind.MEETING, ActivityKind.EMAIL, ActivityKind.NOTE)


def per_seller(user, *, org_unit=None, date_from=None, date_to=None, **_params):
    """Per owner: the done calls, visits, meetings, e-mails and notes of the period (by when they
    happened), and the tasks done."""
    rows = _in_unit(Activity.objects.visible_to(user, "view"), org_unit).filter(status=ActivityStatus.DONE)
    happened = rows.filter(in_days("starts_at", date_from, date_to), kind__in=COUNTED)
    counts = {kind: Count("pk", filter=Q(kind=kind)) for kind in COUNTED}
    grouped = {row["owner_id"]: row for row in happened.order_by().values("owner_id").annotate(**counts)}
    tasks = dict(rows.filter(in_days("done_at", date_from, date_to), kind=ActivityKind.TASK).order_by()
                 .values_list("owner_id").annotate(n=Count("pk")))
    people = _people(set(grouped) | set(tasks))
    result = []
    for pk in set(grouped) | set(tasks):
        row = grouped.get(pk, {})
        name, unit = people.get(pk, ("", ""))
        entry = {"owner": pk, "name": name, "unit": unit, "tasks": tasks.get(pk, 0)}
        entry.update({kind: row.get(kind, 0) for kind in COUNTED})
        entry["total"] = sum(entry[kind] for kind in COUNTED)
        result.append(entry)
    return sorted(result, key=lambda row: (-row["total"], row["name"]))


def _done_list(kind):
    def link(row, params):
        return _activity_list(row, params, kind=kind, status="done", starts_after=params.get("date_from"),
                              starts_before=params.get("date_to"))
    return link


PER_SELLER_COLUMNS = (
    ReportColumn("name", _("Owner")),
    ReportColumn("unit", _("Org unit")),
    ReportColumn("visit", _("Visits"), "int", _done_list("visit"), total=True),
    ReportColumn("call", _("Calls"), "int", _done_list("call"), total=True),
    ReportColumn("meeting", _("Meetings"), "int", _done_list("meeting"), total=True),
    ReportColumn("email", _("E-mails"), "int", _done_list("email"), total=True),
    ReportColumn("note", _("Notes"), "int", _done_list("note"), total=True),
    ReportColumn("total", _("Contacts in all"), "int", total=True),
    ReportColumn("tasks", _("Tasks done"), "int", total=True),
)


# --- workload per unit ---------------------------------------------------------------------------


def workload(user, *, org_unit=None, date_from=None, date_to=None, **_params):
    """Per org unit the activities belong to: done in the period, planned ahead, overdue, and the
    people with activities there (in the period, or planned)."""
    now = timezone.now()
    rows = _in_unit(Activity.objects.visible_to(user, "view"), org_unit)
    # Two grouped reads, not one over "planned OR in the period": each is answered from its own
    # covering index (activity_start_cover, activity_planned_cover), where the OR read every row of
    # the table (0.9–1.2 s at 10,000,000 activities). Grouped by (unit, owner) so that the people
    # of a unit are counted once across both.
    period = (rows.filter(in_days("starts_at", date_from, date_to)).order_by().values("org_unit_id", "owner_id")
              .annotate(done=Count("pk", filter=Q(status=ActivityStatus.DONE))))
    planned = (rows.filter(status=ActivityStatus.PLANNED).order_by().values("org_unit_id", "owner_id").annotate(
        planned=Count("pk", filter=Q(starts_at__gte=now) | Q(due_at__gte=now)),
        overdue=Count("pk", filter=Q(due_at__lt=now) | Q(due_at__isnull=True, starts_at__lt=now))))
    totals = {}
    for row in [*period, *planned]:
        unit = totals.setdefault(row["org_unit_id"], {"done": 0, "planned": 0, "overdue": 0, "people": set()})
        for key in ("done", "planned", "overdue"):
            unit[key] += row.get(key, 0)
        if row["owner_id"] is not None:
            unit["people"].add(row["owner_id"])
    units = OrgUnit.objects.in_bulk([pk for pk in totals if pk])
    result = []
    for unit_id, row in totals.items():
        unit = units.get(unit_id)
        people = len(row["people"])
        result.append({"org_unit": unit_id, "name": str(unit or "—"), "people": people,
                       "done": row["done"], "planned": row["planned"], "overdue": row["overdue"],
                       "per_person": round(row["done"] / people, 1) if people else None})
    return sorted(result, key=lambda row: (-row["done"], row["name"]))


def _unit_list(row, params, **filters):
    return list_url(list_page("activities:activity_list"), org_unit=row["org_unit"], **filters)


WORKLOAD_COLUMNS = (
    ReportColumn("name", _("Org unit")),
    ReportColumn("people", _("People"), "int", total=True),
    ReportColumn("done", _("Done in the period"), "int", lambda row, p: _unit_list(
        row, p, status="done", starts_after=p.get("date_from"), starts_before=p.get("date_to")), total=True),
    ReportColumn("planned", _("Planned ahead"), "int",
                 lambda row, p: _unit_list(row, p, status="planned", overdue=False), total=True),
    ReportColumn("overdue", _("Overdue"), "int",
                 lambda row, p: _unit_list(row, p, status="planned", overdue=True), total=True),
    ReportColumn("per_person", _("Done per person")),
)


# --- charts --------------------------------------------------------------------------------------


def _bars(rows, series, title):
    import plotly.graph_objects as go

    rows = rows[:TOP]
    if not rows:
        return None
    figure = go.Figure()
    for key, label, colour in series:
        figure.add_trace(go.Bar(name=str(label), x=[row["name"] for row in rows], y=[row[key] for row in rows],
                                marker_color=colour))
    figure.update_layout(barmode="stack", title={"text": title}, legend={"orientation": "h", "y": -0.3})
    return figure


def not_contacted_chart(rows, params):
    return _bars(rows, [("not_contacted", gettext("Not contacted"), "#b02a37")],
                 gettext("Customers not contacted for %(days)s days, by owner") % {"days": params.get("days") or 30})


def overdue_chart(rows, params):
    return _bars(rows, [("tasks", gettext("Overdue tasks"), "#b02a37"),
                        ("others", gettext("Overdue calls, visits and meetings"), "#fd7e14")],
                 gettext("Overdue work, by owner"))


def per_seller_chart(rows, params):
    return _bars(rows, [("visit", gettext("Visits"), "#0a58ca"), ("call", gettext("Calls"), "#198754"),
                        ("meeting", gettext("Meetings"), "#6f42c1")],
                 gettext("Visits, calls and meetings done, by owner"))


def workload_chart(rows, params):
    return _bars(rows, [("done", gettext("Done in the period"), "#198754"),
                        ("planned", gettext("Planned ahead"), "#0a58ca"), ("overdue", gettext("Overdue"), "#b02a37")],
                 gettext("Workload by org unit"))


def register():
    register_report(
        "activities.not_contacted", _("Customers not contacted"), not_contacted, model=Activity, order=50,
        description=_("Per owner: their customers, and how many were not contacted for N days."),
        columns=NOT_CONTACTED_COLUMNS, chart=not_contacted_chart, filters=("org_unit",), form=NotContactedForm,
        notes=_("A customer is contacted by a done call, visit, meeting, e-mail or note. A customer never "
                "contacted counts from the day it was created. Customers in the public pool are left out."))
    register_report(
        "activities.overdue", _("Overdue tasks"), overdue_tasks, model=Activity, order=51,
        description=_("Per owner: planned work whose time has passed."),
        columns=OVERDUE_COLUMNS, chart=overdue_chart, filters=("org_unit",))
    register_report(
        "activities.per_seller", _("Visits and calls per seller"), per_seller, model=Activity, order=52,
        description=_("Per owner: the calls, visits, meetings, e-mails and notes done in the period."),
        columns=PER_SELLER_COLUMNS, chart=per_seller_chart, filters=("period", "org_unit"),
        default_period="this_month", period_label=_("Happened"))
    register_report(
        "activities.workload", _("Workload per unit"), workload, model=Activity, order=53,
        description=_("Per org unit: activities done in the period, planned ahead and overdue."),
        columns=WORKLOAD_COLUMNS, chart=workload_chart, filters=("period", "org_unit"),
        default_period="this_month", period_label=_("Happened"))
