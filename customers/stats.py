"""Customer statistics by industry × level × region: the selector and its page.

Every figure is an aggregate query over `Customer.objects.visible_to(user, "view")`: a seller's
statistics count only the customers they may see. Without filters, industries are GB/T 4754
sections and regions are provinces; choosing a section breaks it down by division, choosing a
province breaks it down by city.
"""

from collections import defaultdict
from datetime import timedelta

import plotly.graph_objects as go
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.charts import figure_html
from core.exports import spreadsheet_response
from core.permissions import has_perm
from core.replica import replica_reads

from . import regions
from .models import Customer, Industry, Level, LevelChange
from .models.classification import industry_condition

NO_VALUE = ""


def _filtered(user, province="", section=""):
    rows = Customer.objects.visible_to(user, "view")
    if province:
        rows = rows.filter(region_code__startswith=province[:2])
    if section:
        rows = rows.filter(industry_condition(section))
    return rows


def customer_stats(user, *, province=None, section=None):
    """{"rows": [{"industry", "industry_label", "region", "region_label", "counts": {level: n}, "total"}],
    "levels": [(value, label)], "by_industry", "by_region", "total"}.

    `province`: a province Region (customers.regions) or None; `section`: an Industry section or None."""
    rows = _filtered(user, province.code if province else "", section)
    if section is not None:
        rows = rows.annotate(industry_key=F("industry__code"))
    else:
        rows = rows.annotate(industry_key=Coalesce("industry__parent__code", "industry__code"))
    region_field = "city" if province is not None else "province"
    counts = (rows.order_by().values("industry_key", region_field, "level")
              .annotate(n=Count("pk")).values_list("industry_key", region_field, "level", "n"))
    labels = {row.code: str(row) for row in Industry.objects.all()}
    table = defaultdict(lambda: defaultdict(int))
    for industry, region, level, n in counts:
        table[(industry or NO_VALUE, region or NO_VALUE)][level] += n
    levels = list(Level.choices)
    result, by_industry, by_region = [], defaultdict(lambda: defaultdict(int)), defaultdict(lambda: defaultdict(int))
    for (industry, region), per_level in sorted(table.items(), key=lambda item: (item[0][0] or "~", item[0][1])):
        total = sum(per_level.values())
        result.append({"industry": industry, "industry_label": labels.get(industry, _("No industry")),
                       "region": region, "region_label": region or _("No region"),
                       "counts": [per_level.get(value, 0) for value, _label in levels], "total": total})
        for value, n in per_level.items():
            by_industry[industry][value] += n
            by_region[region][value] += n
    return {"rows": result, "levels": levels, "total": sum(row["total"] for row in result),
            "by_industry": {key: dict(value) for key, value in by_industry.items()},
            "by_region": {key: dict(value) for key, value in by_region.items()},
            "industry_labels": labels}


def level_change_stats(user, *, days=90, province=None, section=None):
    """[(from label, to label, count)] of the level changes of the last `days` days, over the
    customers `user` may see (new customers count from "")."""
    since = timezone.now() - timedelta(days=days)
    customers = _filtered(user, province.code if province else "", section)
    rows = (LevelChange.objects.filter(changed_at__gte=since, customer__in=customers.values("pk")).order_by()
            .values_list("from_level", "to_level").annotate(n=Count("pk")))
    label = dict(Level.choices)
    return sorted(((label.get(before, _("(new customer)")), label.get(after, after), n) for before, after, n in rows),
                  key=lambda row: -row[2])


class StatsFilterForm(forms.Form):
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    section = forms.ChoiceField(label=gettext_lazy("Industry section"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", gettext_lazy("All")),
                                           *((row.code, row.name) for row in regions.provinces())]
        self.fields["section"].choices = [("", gettext_lazy("All")), *(
            (row.code, str(row)) for row in Industry.objects.filter(parent__isnull=True).order_by("code"))]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"


def _stacked_bar(keys, labels, data, levels, title):
    fig = go.Figure()
    for value, label in levels:
        fig.add_trace(go.Bar(name=str(label), x=[labels(key) for key in keys],
                             y=[data.get(key, {}).get(value, 0) for key in keys]))
    fig.update_layout(barmode="stack", title={"text": title}, legend={"orientation": "h", "y": -0.25})
    return figure_html(fig, label=title, height=380)


@login_required
@replica_reads
def stats_page(request):
    if not has_perm(request.user, Customer, "view"):
        raise PermissionDenied
    form = StatsFilterForm(request.GET or None)
    province = section = None
    if form.is_bound and form.is_valid():
        province = regions.get(form.cleaned_data["province"]) if form.cleaned_data["province"] else None
        code = form.cleaned_data["section"]
        section = Industry.objects.filter(code=code, parent__isnull=True).first() if code else None
    elif form.is_bound:
        return render(request, "customers/stats.html", {"form": form}, status=400)
    stats = customer_stats(request.user, province=province, section=section)
    region_heading = _("City") if province else _("Province")
    industry_heading = _("Division") if section else _("Industry section")
    export = request.GET.get("export")
    if export in ("xlsx", "csv"):
        if not has_perm(request.user, Customer, "export"):
            raise PermissionDenied
        headers = [industry_heading, region_heading, *(label for _v, label in stats["levels"]), _("Total")]
        rows = ([row["industry_label"], row["region_label"], *row["counts"], row["total"]] for row in stats["rows"])
        return spreadsheet_response(export, _("customer-statistics"), headers, rows)
    industries = sorted(stats["by_industry"], key=lambda key: key or "~")
    region_keys = sorted(stats["by_region"], key=lambda key: (-sum(stats["by_region"][key].values()), key))[:20]
    labels = stats["industry_labels"]
    charts = []
    if stats["rows"]:
        charts.append(_stacked_bar(
            industries, lambda key: key or _("None"), stats["by_industry"], stats["levels"],
            _("Customers by industry and level")))
        charts.append(_stacked_bar(
            region_keys, lambda key: key or _("None"), stats["by_region"], stats["levels"],
            _("Customers by region and level (top 20)")))
    return render(request, "customers/stats.html", {
        "form": form, "stats": stats, "charts": charts, "province": province, "section": section,
        "region_heading": region_heading, "industry_heading": industry_heading,
        "industry_legend": [(key, labels.get(key, _("No industry"))) for key in industries],
        "level_changes": level_change_stats(request.user, province=province, section=section),
        "can_export": has_perm(request.user, Customer, "export"),
        "query": "&".join(f"{key}={value}" for key, value in (("province", province.code if province else ""),
                                                               ("section", section.code if section else "")) if value),
    })
