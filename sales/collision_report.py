"""The collision report (撞单分析): collisions found and how they were decided, per month, product
line and org unit (the unit of the seller who registered the later deal), over what the reader may
see (Collision.objects.visible_to), with the collision log's filters, a chart, drill-down to the log
and an Excel export."""

from collections import defaultdict

import plotly.graph_objects as go
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.charts import figure_html
from core.exports import spreadsheet_response
from core.replica import replica_reads
from core.views.generic import filled_query

from .collision_views import CollisionFilterSet
from .models import Collision, CollisionStatus

STATUSES = list(CollisionStatus.choices)
DIMENSIONS = ("month", "product_line", "org_unit")


def _group(rows, key, label):
    """[{"key", "label", "counts": [n per status], "total"}] from (key, label, status, n) rows."""
    table, labels = defaultdict(lambda: defaultdict(int)), {}
    for row in rows:
        table[row[key]][row["status"]] += row["n"]
        labels[row[key]] = label(row)
    result = []
    for value, per_status in table.items():
        counts = [per_status.get(status, 0) for status, _label in STATUSES]
        result.append({"key": value, "label": labels[value], "counts": counts, "total": sum(counts)})
    return result


def collision_report(user, *, queryset=None, **filters):
    """{"statuses", "totals", "total", "month", "product_line", "org_unit"}: the counts per status of the
    collisions `user` may see (`queryset`: already filtered by the log's filters; else all of them)."""
    rows = queryset if queryset is not None else Collision.objects.visible_to(user, "view")
    rows = rows.order_by()
    month = rows.annotate(month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone())) \
        .values("month", "status").annotate(n=Count("pk"))
    by_month = sorted(_group(month, "month", lambda row: row["month"].strftime("%Y-%m")), key=lambda r: r["key"])
    lines = rows.values("product_line", "product_line__name", "status").annotate(n=Count("pk"))
    by_line = sorted(_group(lines, "product_line", lambda row: row["product_line__name"]),
                     key=lambda r: (-r["total"], r["label"]))
    units = rows.values("org_unit", "org_unit__name", "status").annotate(n=Count("pk"))
    by_unit = sorted(_group(units, "org_unit", lambda row: row["org_unit__name"] or "—"),
                     key=lambda r: (-r["total"], r["label"]))
    totals = [sum(r["counts"][i] for r in by_month) for i in range(len(STATUSES))]
    return {"statuses": STATUSES, "totals": totals, "total": sum(totals), "month": by_month,
            "status_totals": [(value, label, n) for (value, label), n in zip(STATUSES, totals, strict=True)],
            "product_line": by_line, "org_unit": by_unit}


# The badges' colours (Bootstrap warning, success, danger, secondary), so the chart reads like the log.
STATUS_COLOURS = {CollisionStatus.PENDING: "#ffc107", CollisionStatus.APPROVED: "#198754",
                  CollisionStatus.REJECTED: "#dc3545", CollisionStatus.WITHDRAWN: "#6c757d"}


def _chart(report):
    fig = go.Figure()
    months = [row["label"] for row in report["month"]]
    for index, (value, label) in enumerate(report["statuses"]):
        fig.add_trace(go.Bar(name=str(label), x=months, y=[row["counts"][index] for row in report["month"]],
                             marker_color=STATUS_COLOURS.get(value)))
    title = _("Collisions per month and decision")
    most = max((row["total"] for row in report["month"]), default=0)
    fig.update_layout(barmode="stack", title={"text": title}, xaxis={"type": "category"},
                      legend={"orientation": "h", "y": -0.2, "traceorder": "normal"},
                      # Whole collisions: no 0.2 ticks on a small count.
                      yaxis={"tickformat": ",d", "rangemode": "tozero", **({"dtick": 1} if most <= 10 else {})})
    return figure_html(fig, label=title, height=340)


def _month_bounds(key):
    """(first day, last day) of a month as ISO dates, for the log's period filter."""
    import calendar

    last = calendar.monthrange(key.year, key.month)[1]
    return key.strftime("%Y-%m-01"), key.strftime(f"%Y-%m-{last:02d}")


def _drill_links(report, base_query, chosen_statuses):
    """Each count links to the collision log filtered to it (the report's filters kept)."""
    log = reverse("sales:collision_list")
    statuses = [value for value, _label in report["statuses"]]

    def link(params, status=None):
        query = dict(base_query)
        query.update(params)
        query["status"] = [status] if status else chosen_statuses
        return f"{log}?{urlencode(query, doseq=True)}"

    for dimension in DIMENSIONS:
        for row in report[dimension]:
            if dimension == "month":
                start, end = _month_bounds(row["key"])
                params = {"found_from": max(start, base_query.get("found_from", start)),
                          "found_until": min(end, base_query.get("found_until", end))}
            elif row["key"] is None:
                params = None
            else:
                params = {dimension: row["key"]}
            row["cells"] = [(n, link(params, status) if params is not None and n else None, label)
                            for n, status, (_value, label) in zip(row["counts"], statuses, report["statuses"],
                                                                  strict=True)]
            row["total_url"] = link(params) if params is not None and row["total"] else None


@login_required
@replica_reads
def report_page(request):
    queryset = Collision.objects.visible_to(request.user, "view")
    filterset = CollisionFilterSet(request.GET or None, queryset=queryset, request=request)
    valid = filterset.is_valid() if filterset.is_bound else True
    report = collision_report(request.user, queryset=filterset.qs if valid else queryset.none())
    export = request.GET.get("export")
    if export in ("xlsx", "csv") and valid:
        headings = {"month": _("Month"), "product_line": _("Product line"), "org_unit": _("Org unit")}
        headers = [_("By"), _("Value"), *(label for _value, label in report["statuses"]), _("Total")]
        rows = ([headings[dimension], row["label"], *row["counts"], row["total"]]
                for dimension in DIMENSIONS for row in report[dimension])
        return spreadsheet_response(export, _("collision-report"), headers, rows)
    if valid:
        base = {key: value for key, value in request.GET.items()
                if key in ("product_line", "org_unit", "found_from", "found_until") and value}
        _drill_links(report, base, [value for value in request.GET.getlist("status") if value])
    query = filled_query(request.GET.copy()) if valid else ""
    return render(request, "sales/collisions/report.html", {
        "filterset": filterset, "filter_valid": valid, "report": report,
        "chart": _chart(report) if report["total"] and valid else None,
        "query": "&".join(part for part in query.split("&") if not part.startswith("export=")),
        "sections": [(dimension, heading, column, report[dimension]) for dimension, heading, column in (
            ("month", _("Per month"), _("Month")), ("product_line", _("Per product line"), _("Product line")),
            ("org_unit", _("Per org unit"), _("Org unit")))],
    }, status=200 if valid else 400)


def register():
    from core.registry import register_report

    from .models import Opportunity

    register_report("sales.collisions", gettext_lazy("Collisions"), collision_report, model=Opportunity,
                    description=gettext_lazy("Collisions found and decided per month, product line and org unit."),
                    order=50)
