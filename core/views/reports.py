"""Report pages, written once for every registered report (core.registry.register_report).

`/reports/` lists the reports the user may see; `/reports/<key>/` (or the report's own URL, which
calls `render_report`) shows one: the filter form, a chart, the table with drill-down links and
the Excel / CSV export of that table. The rows come from the report's selector, which scopes them
with `visible_to`: the page adds no data of its own.
"""

import decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import exports, formatting
from core.charts import figure_html, pop_title
from core.permissions import has_perm
from core.registry import get_report, reports
from core.replica import replica_reads
from core.reports import ReportFilterForm


def visible_reports(user):
    """The reports with a page that `user` may open, in menu order."""
    return [report for report in reports()
            if report.has_page and (report.model is None or has_perm(user, report.model, "view"))]


@login_required
def report_index(request):
    return render(request, "core/report_index.html", {"reports": visible_reports(request.user)})


@login_required
def report_page(request, key):
    report = get_report(key)
    if report is None or not report.has_page:
        raise Http404
    if report.url_name:
        # One address per report: its own page when it has one.
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(report.url() + (f"?{query}" if query else ""))
    return render_report(request, report)


@replica_reads
def render_report(request, report, *, template="core/report.html", extra_context=None):
    """The page of `report` for `request` (403 without "view" on its model; 400 with the errors
    beside the fields when a filter is invalid; `?export=xlsx|csv` downloads the table). Its reads
    may come from the read replica (core/replica.py)."""
    user = request.user
    if report.model is not None and not has_perm(user, report.model, "view"):
        raise PermissionDenied
    export = request.GET.get("export")
    if export and export not in exports.FORMATS:
        return HttpResponseBadRequest(_("Unknown export format “%(format)s”: use xlsx or csv.")
                                      % {"format": export[:20]})
    if export and report.model is not None and not has_perm(user, report.model, "export"):
        raise PermissionDenied
    form_class = report.form or ReportFilterForm
    data = request.GET.copy()
    data.pop("export", None)
    form = form_class(data or None, report=report, user=user)
    context = {"report": report, "form": form, "can_export": report.model is None or has_perm(
        user, report.model, "export"), **(extra_context or {})}
    if form.is_bound and not form.is_valid():
        return render(request, template, context, status=400)
    params = form.params()
    rows = list(report.selector(user, **params))
    if export:
        return export_report(report, rows, export, params)
    chart = report.chart(rows, params) if report.chart and rows else None
    title = ""
    if chart is not None:
        # The title goes above the chart, as HTML: inside the figure plotly's tool bar covers it
        # on a phone.
        title = pop_title(chart)
    context.update({
        "chart_title": title,
        "params": params, "query": form.query(),
        "columns": report.columns,
        "body": _body(report.columns, rows, params),
        "totals": _totals(report.columns, rows),
        "chart": figure_html(chart, label=str(report.label), height=420) if chart is not None else None,
    })
    return render(request, template, context)


def _body(columns, rows, params):
    """The table's rows as HTML, written here rather than by the template language: a report may
    have a thousand rows of nine cells (a CEO's visits per seller), which took the template
    ~250 ms. Every text is escaped as the template would."""
    opening = [_cell_opening(column) for column in columns]
    parts = []
    for row in rows:
        parts.append("<tr>")
        for column, start in zip(columns, opening, strict=True):
            value = row.get(column.key)
            text = conditional_escape(format_cell(column.kind, value))
            url = column.link(row, params) if column.link and value not in (None, 0, "") else None
            parts.append(f'{start}<a href="{conditional_escape(url)}" data-drilldown>{text}</a></td>' if url
                         else f"{start}{text}</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


def _cell_opening(column):
    """A cell's opening tag: its column's label (read by the phone layout) and alignment."""
    numeric = ' class="text-end kedao-num"' if column.kind != "text" else ""
    return f'<td data-label="{conditional_escape(column.label)}"{numeric}>'


def format_cell(kind, value):
    if value is None or value == "":
        return formatting.EMPTY
    if kind == "money":
        return formatting.format_money(value)
    if kind == "percent":
        return f"{value * 100:.1f} %"
    if kind == "int":
        return f"{value:,}"
    return formatting.format_value(value)


def _totals(columns, rows):
    if not any(column.total for column in columns) or not rows:
        return None
    totals = []
    for column in columns:
        text = ""
        if column.total:
            zero = decimal.Decimal(0) if column.kind == "money" else 0
            text = format_cell(column.kind, sum((row.get(column.key) or zero for row in rows), zero))
        totals.append({"text": text, "label": column.label, "numeric": column.kind != "text"})
    return totals


def export_report(report, rows, export_format, params):
    """The table as a spreadsheet: numbers as numbers, percentages as 0–100, text neutralised by
    core.exports (a competitor named "=HYPERLINK(…)" stays text)."""
    columns = report.columns
    headers = [f"{column.label} (%)" if column.kind == "percent" else column.label for column in columns]

    def values(row):
        for column in columns:
            value = row.get(column.key)
            if column.kind == "percent" and value is not None:
                value = round(value * 100, 1)
            elif column.kind == "text" and value is not None and not isinstance(value, str):
                value = str(value)
            yield value

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = slugify(str(report.label), allow_unicode=True) or report.key
    period = "-".join(day.isoformat() for day in (params.get("date_from"), params.get("date_to")) if day)
    return exports.spreadsheet_response(
        export_format, "-".join(part for part in (name, period, stamp) if part), headers,
        (list(values(row)) for row in rows), sheet_title=str(report.label),
        money_columns=[index for index, column in enumerate(columns) if column.kind == "money"])
