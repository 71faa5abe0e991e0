"""The forecast page (weighted, calibrated, submitted and adjusted, per month and level, with the
seller's and the manager's forms) and the forecast accuracy page (the back-test, with its chart)."""

import datetime

import plotly.graph_objects as go
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.charts import figure_html
from core.exports import spreadsheet_response
from core.replica import replica_reads
from org.models import ProductLine

from . import services
from .accuracy import LEADS, accuracy
from .forecast import MIN_SAMPLE, forecast_table
from .views import node_param, parse_node

COUNTS = (1, 2, 3)


def _node_key(request, errors):
    text = request.GET.get("node") or request.POST.get("node")
    if not text:
        return None
    key = parse_node(text)
    if key is None:
        errors["node"] = _("Unknown unit or person.")
    return key


@replica_reads
def forecast_page(request):
    if not request.user.is_authenticated:
        raise PermissionDenied
    errors = {}
    node_key = _node_key(request, errors)
    try:
        count = int(request.GET.get("months") or 3)
    except ValueError:
        count = 0
    if count not in COUNTS:
        errors["months"] = _("Choose one to three months.")
        count = 3
    line = None
    if request.GET.get("product_line"):
        line = ProductLine.objects.filter(pk=request.GET["product_line"]).first() \
            if request.GET["product_line"].isdigit() else None
        if line is None:
            errors["product_line"] = _("Unknown product line.")
    node, own, rows, starts, rates = forecast_table(request.user, node_key=node_key, count=count,
                                                    product_line_id=line.pk if line else None)

    if request.GET.get("export") in ("xlsx", "csv") and not errors:
        headers = [_("Unit or person")]
        for start in starts:
            headers += [f"{start:%Y-%m} {label}" for label in (_("Weighted"), _("Calibrated"), _("Commit"), _("Best case"))]
        lines = ([own] if own is not None else []) + list(rows)
        values = ([line.node.label, *[m[key] for m in line.months for key in ("weighted", "calibrated", "commit",
                                                                               "best_case")]] for line in lines)
        return spreadsheet_response(request.GET["export"], _("Forecast"), headers, values,
                                    money_columns=tuple(range(1, 1 + 4 * len(starts))))

    def url(item):
        query = {"node": node_param(item), "months": count}
        if line:
            query["product_line"] = line.pk
        return f"{reverse('targets:forecast')}?{urlencode(query)}"

    for row in rows:
        row.url = url(row.node) if row.node.children else ""
        row.param = node_param(row.node)
    units_of = [] if node is None or node.employee is not None else [node]
    context = {"node": node, "own": own, "rows": rows, "months": [f"{d:%Y-%m}" for d in starts], "count": count,
               "counts": COUNTS, "lines": ProductLine.objects.filter(is_active=True).order_by("name"), "line": line,
               "errors": errors, "node_param": node_param(node) if node is not None else "",
               "rates": sorted(rates.values(), key=lambda r: (r.stage.pipeline.name, r.stage.order)),
               "min_sample": MIN_SAMPLE, "adjustable": units_of, "accuracy_url": reverse("targets:forecast_accuracy")
               + (f"?node={node_param(node)}" if node is not None else ""),
               "may_submit": request.user.unit_id is not None}
    return render(request, "targets/forecast.html", context, status=400 if errors else 200)


@require_POST
def forecast_change(request):
    """A seller's own forecast, or a manager's adjustment of the unit shown."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    back = request.POST.get("next") or reverse("targets:forecast")
    if not back.startswith(reverse("targets:forecast")):
        back = reverse("targets:forecast")
    data = {name: request.POST.get(name, "") for name in ("month", "commit", "best_case", "note")}
    try:
        if request.POST.get("action") == "adjust":
            from org.models import OrgUnit

            key = parse_node(request.POST.get("node"))
            unit = OrgUnit.objects.filter(pk=key[1]).first() if key and key[0] == "u" else None
            if unit is None:
                raise ValidationError(_("Unknown unit or person."))
            services.forecast_adjust(actor=request.user, unit=unit, **data)
            messages.success(request, _("%(name)s: forecast adjusted.") % {"name": unit})
        else:
            services.forecast_submit(actor=request.user, **data)
            messages.success(request, _("Your forecast for %(month)s is in.") % {"month": data["month"]})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return HttpResponseRedirect(back)


@replica_reads
def accuracy_page(request):
    if not request.user.is_authenticated:
        raise PermissionDenied
    from .selectors import find, reach, top_nodes, visible
    from .tree import company_tree

    errors = {}
    node_key = _node_key(request, errors)
    kind = request.GET.get("kind") or "weighted"
    if kind not in ("weighted", "calibrated"):
        errors["kind"] = _("Choose the weighted or the calibrated forecast.")
        kind = "weighted"
    units = reach(request.user)
    tree = company_tree()
    tops = top_nodes(tree, units, request.user) if tree is not None else []
    node = (find(tree, node_key) if tree is not None else None) if node_key else (tops[0] if tops else None)
    if node_key and (node is None or not visible(node, units, request.user)):
        raise Http404
    table = accuracy(node, kind=kind) if node is not None else []
    if request.GET.get("export") in ("xlsx", "csv") and not errors:
        headers = [_("Month"), _("Won")]
        for lead in LEADS:
            headers += [_("%(days)s days ahead") % {"days": lead}, _("Error %")]
        values = ([row["month"], row["actual"], *[x for lead in LEADS for x in (row["leads"][lead]["forecast"],
                                                                                row["leads"][lead]["error"])]]
                  for row in table)
        return spreadsheet_response(request.GET["export"], _("Forecast accuracy"), headers, values,
                                    money_columns=(1, 2, 4, 6))
    chart = ""
    if table:
        fig = go.Figure()
        fig.add_bar(x=[r["month"] for r in table], y=[float(r["actual"]) for r in table], name=_("Won"),
                    marker_color="#94a3b8")
        for lead, color in zip(LEADS, ("#2563eb", "#16a34a", "#d97706"), strict=True):
            fig.add_scatter(x=[r["month"] for r in table],
                            y=[float(r["leads"][lead]["forecast"]) if r["leads"][lead]["forecast"] is not None
                               else None for r in table],
                            name=_("Forecast %(days)s days ahead") % {"days": lead}, mode="lines+markers",
                            line={"color": color})
        fig.update_layout(legend={"orientation": "h", "y": -0.2}, yaxis={"tickformat": ",.0f"})
        chart = figure_html(fig, label=_("Forecast against won, by month"))
    children = [c for c in (node.children if node is not None else []) if visible(c, units, request.user)
                and c.employee is None]
    context = {"node": node, "table": table, "leads": LEADS, "chart": chart, "kind": kind, "errors": errors,
               "children": [(c, f"?node={node_param(c)}&kind={kind}") for c in children],
               "forecast_url": reverse("targets:forecast") + (f"?node={node_param(node)}" if node is not None else ""),
               "today": timezone.localdate(), "yesterday": timezone.localdate() - datetime.timedelta(days=1)}
    return render(request, "targets/accuracy.html", context, status=400 if errors else 200)
