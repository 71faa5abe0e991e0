"""Report: lead-source conversion — per source, what its leads became.

Per lead source, over the leads and opportunities the user may see (visible_to "view"):
- leads: leads created in the period;
- qualified: of those, the ones qualified or converted (a converted lead was qualified);
- converted: of those, the converted ones; conversion % = converted / leads;
- opportunities: opportunities with this source created in the period (a converted lead passes its
  source on; an opportunity entered directly may name one too);
- won and won amount: of those opportunities, the won ones and the sum of their amounts.
Filters: period (creation dates, both days included), org unit (with its sub-units), product line.
Every figure links to the lead or opportunity list filtered the same way.
"""

from decimal import Decimal

import plotly.graph_objects as go
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.charts import figure_html
from core.exports import spreadsheet_response
from core.forms import dash_empty_choices, style_fields
from core.permissions import has_perm
from core.replica import replica_reads
from core.widgets import AutocompleteSelect
from org.models import OrgUnit, ProductLine

from .models import Lead, LeadSource, LeadStatus, Opportunity, OpportunityStatus
from .selectors import created_between

REACHED_QUALIFIED = (LeadStatus.QUALIFIED, LeadStatus.CONVERTED)


def _percent(part, whole):
    return round(Decimal(part) * 100 / whole, 1) if whole else None


def lead_source_conversion(user, *, date_from=None, date_to=None, org_unit=None, product_line=None):
    """{"rows": [...], "total": {...}}: one row per source that has leads or opportunities (the
    leads without source last), each {"source", "leads", "qualified", "converted", "opportunities",
    "won", "won_amount", "conversion"}; only what `user` may see."""
    leads = created_between(Lead.objects.visible_to(user, "view"), date_from, date_to)
    deals = created_between(Opportunity.objects.visible_to(user, "view"), date_from, date_to)
    if org_unit is not None:
        units = org_unit.subtree().values("pk")
        leads, deals = leads.filter(org_unit__in=units), deals.filter(org_unit__in=units)
    if product_line is not None:
        leads, deals = leads.filter(product_line=product_line), deals.filter(product_line=product_line)
    figures = {}
    for source_id, total, qualified, converted in leads.order_by().values("source").annotate(
            n=Count("pk"), q=Count("pk", filter=Q(status__in=REACHED_QUALIFIED)),
            c=Count("pk", filter=Q(status=LeadStatus.CONVERTED))).values_list("source", "n", "q", "c"):
        figures[source_id] = {"leads": total, "qualified": qualified, "converted": converted}
    won = Q(status=OpportunityStatus.WON)
    for source_id, total, won_count, amount in deals.order_by().values("source").annotate(
            n=Count("pk"), w=Count("pk", filter=won), a=Sum("amount", filter=won)).values_list(
            "source", "n", "w", "a"):
        figures.setdefault(source_id, {}).update(opportunities=total, won=won_count, won_amount=amount or Decimal("0"))
    sources = {source.pk: source for source in LeadSource.all_objects.filter(pk__in=[k for k in figures if k])}
    order = sorted(figures, key=lambda key: (key is None, *((sources[key].order, sources[key].name)
                                                            if key in sources else (0, ""))))
    keys = ("leads", "qualified", "converted", "opportunities", "won", "won_amount")
    rows, total = [], dict.fromkeys(keys, 0)
    for key in order:
        row = {name: figures[key].get(name, 0) for name in keys}
        row["won_amount"] = row["won_amount"] or Decimal("0")
        row["source"] = sources.get(key)
        row["conversion"] = _percent(row["converted"], row["leads"])
        rows.append(row)
        for name in keys:
            total[name] += row[name]
    total["conversion"] = _percent(total["converted"], total["leads"])
    return {"rows": rows, "total": total}


class LeadSourceReportForm(forms.Form):
    date_from = forms.DateField(label=gettext_lazy("Created from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=gettext_lazy("Created until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    org_unit = forms.ModelChoiceField(queryset=OrgUnit.objects.all(), required=False,
                                      label=gettext_lazy("Org unit"), widget=AutocompleteSelect("org.orgunit"))
    product_line = forms.ModelChoiceField(queryset=ProductLine.objects.filter(is_active=True), required=False,
                                          label=gettext_lazy("Product line"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dash_empty_choices(self)
        style_fields(self, small=True)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return cleaned


def _links(source, params):
    """Drill-down URLs of a source's row (None: the total row): the lead and opportunity lists
    filtered as the figures are."""
    base = {"created_from": params.get("date_from"), "created_to": params.get("date_to"),
            "org_unit": params["org_unit"].pk if params.get("org_unit") else None,
            "product_line": params["product_line"].pk if params.get("product_line") else None,
            "source": source.pk if source else None}
    base = {key: value for key, value in base.items() if value not in (None, "")}
    leads, deals = reverse("sales:lead_list"), reverse("sales:opportunity_list")

    def url(path, **extra):
        return f"{path}?{urlencode({**base, **extra})}" if base or extra else path

    return {"leads": url(leads), "qualified": url(leads, qualified="true"),
            "converted": url(leads, status=LeadStatus.CONVERTED), "opportunities": url(deals),
            "won": url(deals, status=OpportunityStatus.WON)}


def _chart(rows):
    labels = [str(row["source"]) if row["source"] else _("No source") for row in rows]
    fig = go.Figure()
    for key, label in (("leads", _("Leads")), ("qualified", _("Qualified")), ("converted", _("Converted")),
                       ("opportunities", _("Opportunities")), ("won", _("Won"))):
        fig.add_trace(go.Bar(name=label, x=labels, y=[row[key] for row in rows]))
    fig.add_trace(go.Scatter(name=_("Conversion %"), x=labels, y=[row["conversion"] for row in rows],
                             yaxis="y2", mode="lines+markers"))
    title = _("Lead-source conversion")
    highest = max((row[key] for row in rows for key in ("leads", "opportunities")), default=0)
    fig.update_layout(barmode="group", title={"text": title}, legend={"orientation": "h", "y": -0.25},
                      # Counts are whole numbers: no 0.5 ticks on a small chart.
                      yaxis={"rangemode": "tozero", "tickformat": ",d", **({"dtick": 1} if highest <= 8 else {})},
                      yaxis2={"overlaying": "y", "side": "right", "range": [0, 100], "ticksuffix": "%",
                              "showgrid": False})
    return figure_html(fig, label=title, height=400)


HEADERS = (gettext_lazy("Source"), gettext_lazy("Leads"), gettext_lazy("Qualified"), gettext_lazy("Converted"),
           gettext_lazy("Conversion %"), gettext_lazy("Opportunities"), gettext_lazy("Won"),
           gettext_lazy("Won amount"))


@login_required
@replica_reads
def lead_source_report(request):
    if not has_perm(request.user, Lead, "view"):
        raise PermissionDenied
    form = LeadSourceReportForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "sales/report_lead_sources.html", {"form": form}, status=400)
    params = form.cleaned_data if form.is_bound else {}
    report = lead_source_conversion(request.user, **{key: params.get(key) for key in (
        "date_from", "date_to", "org_unit", "product_line")})
    export = request.GET.get("export")
    if export in ("xlsx", "csv"):
        if not has_perm(request.user, Lead, "export"):
            raise PermissionDenied
        rows = ([str(row["source"]) if row["source"] else _("No source"), row["leads"], row["qualified"],
                 row["converted"], row["conversion"], row["opportunities"], row["won"], row["won_amount"]]
                for row in [*report["rows"], {**report["total"], "source": _("Total")}])
        return spreadsheet_response(export, _("lead-source-conversion"), [str(h) for h in HEADERS], rows)
    for row in report["rows"]:
        # The lists have no "without source" filter: that row's figures are not links.
        row["links"] = _links(row["source"], params) if row["source"] else {}
    report["total"]["links"] = _links(None, params)
    query = {key: request.GET.get(key) for key in ("date_from", "date_to", "org_unit", "product_line")
             if request.GET.get(key)}
    return render(request, "sales/report_lead_sources.html", {
        "form": form, "report": report, "chart": _chart(report["rows"]) if report["rows"] else None,
        "can_export": has_perm(request.user, Lead, "export"), "query": urlencode(query),
        "can_see_deals": has_perm(request.user, Opportunity, "view"),
    })
