"""The role dashboards at the top of the home page (core.registry.register_dashboard): what each
person sees follows their targets scope (targets.selectors.reach) —

- a seller: my target progress this year and my weighted pipeline for the coming months;
- a manager: their units against plan (chart and table), the forecast, the funnel of this year's
  deals, stalled deals and customers not contacted in their scope;
- an executive: the company against plan by region and by product line, and the forecast.

Every figure links to the page that explains it (the plan's figures, the forecast, the lists)."""

import datetime
from urllib.parse import urlencode

from django.db.models import Case, Sum, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.charts import figure_html
from org.permissions import has_perm

from .forecast import forecast_table
from .models import PlanStatus, TargetPlan
from .selectors import datetimes, plan_vs_actual, reach
from .split import YEAR
from .views import figures_url, node_param


def current_plan(user, year):
    """This year's won-amount plan for all product lines the user may see (a locked one first)."""
    return (TargetPlan.objects.visible_to(user, "view")
            .filter(fiscal_year=year, measure="won_amount", product_line__isnull=True)
            .order_by(Case(When(status=PlanStatus.LOCKED, then=0), default=1), "org_unit__depth", "pk")
            .select_related("org_unit").first())


def _by_product_line(user, year):
    """Won this year per product line, with that line's own plan when there is one."""
    from sales.models import Opportunity

    start, end = datetimes(datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))
    won = (Opportunity.objects.visible_to(user, "view").filter(status="won", closed_at__gte=start, closed_at__lt=end)
           .values("product_line_id", "product_line__name").annotate(total=Sum("amount")).order_by("-total"))
    plans = {plan.product_line_id: plan for plan in TargetPlan.objects.visible_to(user, "view")
             .filter(fiscal_year=year, measure="won_amount", product_line__isnull=False)}
    rows = []
    for row in won:
        query = urlencode({"status": "won", "product_line": row["product_line_id"],
                           "closed_after": f"{year}-01-01", "closed_before": f"{year}-12-31"})
        plan = plans.get(row["product_line_id"])
        rows.append({"label": row["product_line__name"], "actual": row["total"] or 0,
                     "plan": plan.total if plan else None,
                     "url": f"{reverse('sales:opportunity_list')}?{query}",
                     "plan_url": figures_url(plan) if plan else ""})
    return rows


def plan_chart(rows):
    """Plan and actual per row of the plan's table, as a plotly figure dict (core.charts says why)."""
    labels = [row.node.label for row in rows]
    return {"data": [
        {"type": "bar", "x": labels, "y": [float(row.plan) for row in rows], "name": _("Plan"),
         "marker": {"color": "#cbd5e1"}},
        {"type": "bar", "x": labels, "y": [float(row.actual) for row in rows], "name": _("Actual"),
         "marker": {"color": "#2563eb"}},
    ], "layout": {"barmode": "group", "legend": {"orientation": "h", "y": -0.25}, "yaxis": {"tickformat": ",.0f"}}}


def render_dashboard(request):
    user = request.user
    if not has_perm(user, TargetPlan, "view"):
        return None
    units = reach(user)
    role = "executive" if units is None else ("manager" if units else "seller")
    today = timezone.localdate()
    context = {"role": role, "year": today.year}
    plan = current_plan(user, today.year)
    if plan is not None:
        node, own, rows, _keys, _first, _last = plan_vs_actual(user, plan, choice=YEAR)
        context.update(plan=plan, own=own, node=node, rows=rows, plan_url=figures_url(plan, node),
                       progress=min(100, int(own.completion // 10 * 10)) if own and own.completion is not None else 0)
        for row in rows:
            row.url = figures_url(plan, row.node) if row.node.children else ""
        if rows and role != "seller":
            context["chart"] = figure_html(plan_chart(rows), height=300, label=_("Plan and actual by unit"))
    node_f, own_f, _rows_f, starts, _rates = forecast_table(user, count=3)
    if own_f is not None:
        context["forecast"] = [{"month": f"{start:%Y-%m}", **month} for start, month in zip(starts, own_f.months,
                                                                                              strict=True)]
        context["forecast_url"] = reverse("targets:forecast") + (f"?node={node_param(node_f)}" if node_f else "")
    if role == "executive":
        context["lines"] = _by_product_line(user, today.year)
    if role == "manager":
        from sales.models import Opportunity
        from sales.reports.charts import funnel_chart
        from sales.reports.funnel import funnel
        from sales.stalled import stalled_q

        steps = funnel(user, date_from=datetime.date(today.year, 1, 1), date_to=today)
        chart = funnel_chart(steps, {}) if steps else None
        if chart is not None:
            context["funnel"] = figure_html(chart, height=280, label=_("Funnel of this year's deals"))
            context["funnel_url"] = reverse("sales:funnel")
        context["stalled"] = Opportunity.objects.visible_to(user, "view").filter(stalled_q()).order_by()[:1000].count()
        context["stalled_url"] = f"{reverse('sales:opportunity_list')}?stalled=true"
        context["not_contacted_url"] = reverse("customers:not_contacted")
    # No `request`: the section needs none of the context processors (menu, notification and
    # approval counts), which the home page around it has already run once.
    return render_to_string("targets/dashboard.html", context)
