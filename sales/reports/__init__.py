"""Sales reports (issue 9, point 11; h7): funnel, win/loss reasons, competitor analysis, and the
stalled-deals views (point 8). Pages come from core's report framework (core.views.reports,
docs/development/reports.md); this module declares the columns, drill-down links and charts."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import ReportColumn, register_home_slot, register_menu_item, register_report
from core.reports import ReportFilterForm

from ..models import Opportunity, Pipeline
from . import charts
from .base import opportunity_list
from .competitors import competitor_analysis
from .funnel import funnel
from .winloss import win_loss_reasons


class FunnelForm(ReportFilterForm):
    pipeline = forms.ModelChoiceField(label=_("Pipeline"), queryset=Pipeline.objects.filter(is_active=True),
                                      required=False, empty_label=_("The product line's"))


def _funnel_list(row, params, **filters):
    return opportunity_list(params, pipeline=row["pipeline"], **filters)


FUNNEL_COLUMNS = (
    ReportColumn("name", _("Stage")),
    ReportColumn("count", _("Deals now"), "int", lambda row, p: _funnel_list(row, p, stage=row["stage"]), total=True),
    ReportColumn("amount", _("Amount"), "money", total=True),
    ReportColumn("weighted", _("Weighted amount"), "money", total=True),
    ReportColumn("reached", _("Reached the stage"), "int",
                 lambda row, p: _funnel_list(row, p, reached_stage=row["stage"])),
    ReportColumn("conversion", _("On to the next stage"), "percent"),
)

WIN_LOSS_COLUMNS = (
    ReportColumn("status_label", _("Result")),
    ReportColumn("reason_name", _("Reason")),
    ReportColumn("count", _("Deals"), "int", lambda row, p: opportunity_list(
        p, dates="closed", status=row["status"], close_reason=row["reason"] or "null"), total=True),
    ReportColumn("amount", _("Amount"), "money", total=True),
    ReportColumn("share", _("Share of won or lost"), "percent"),
)


def _competitor_list(row, params, **filters):
    return opportunity_list(params, competitor=row["competitor"], **filters)


COMPETITOR_COLUMNS = (
    ReportColumn("name", _("Competitor")),
    ReportColumn("met", _("Deals met"), "int", lambda row, p: _competitor_list(row, p), total=True),
    ReportColumn("won", _("Won"), "int", lambda row, p: _competitor_list(row, p, status="won"), total=True),
    ReportColumn("lost", _("Lost"), "int", lambda row, p: _competitor_list(row, p, status="lost"), total=True),
    ReportColumn("open", _("Open"), "int", lambda row, p: _competitor_list(row, p, status="open"), total=True),
    ReportColumn("win_rate", _("Win rate"), "percent"),
    ReportColumn("amount", _("Amount met"), "money", total=True),
    ReportColumn("won_amount", _("Amount won"), "money", total=True),
    ReportColumn("lost_amount", _("Amount lost"), "money", total=True),
    ReportColumn("their_price", _("Their average price"), "money"),
    ReportColumn("lost_to", _("Lost to them"), "int",
                 lambda row, p: opportunity_list(p, status="lost", won_by=row["competitor"]), total=True),
    ReportColumn("lost_to_amount", _("Amount lost to them"), "money", total=True),
)


def register():
    register_report(
        "sales.funnel", _("Sales funnel"), funnel, model=Opportunity, order=10, url_name="sales:funnel",
        description=_("Per stage: the deals in it now, and how many of the deals opened in the period got "
                      "that far."),
        columns=FUNNEL_COLUMNS, chart=charts.funnel_chart, form=FunnelForm, period_label=_("Created"),
        notes=_("A deal reached a stage when its stage history or its current stage shows it there or in a "
                "later open or won stage (skipping a stage passes through it; lost stages are not steps). "
                "“On to the next stage” is the share of the deals that reached a stage which later reached "
                "the next one. Only registered deals count: those pending collision review do not."))
    register_report(
        "sales.win_loss", _("Win/loss reasons"), win_loss_reasons, model=Opportunity, order=20,
        description=_("Why deals closed in the period were won or lost."),
        columns=WIN_LOSS_COLUMNS, chart=charts.win_loss_chart, period_label=_("Closed"),
        default_period="this_quarter")
    register_report(
        "sales.competitors", _("Competitor analysis"), competitor_analysis, model=Opportunity, order=40,
        description=_("Per competitor: the deals where we met them, how they ended, and the deals lost to them."),
        columns=COMPETITOR_COLUMNS, chart=charts.competitor_chart, period_label=_("Created"),
        notes=_("Win rate = won ÷ (won + lost) among the deals where the competitor was met. “Lost to them” "
                "counts the lost deals they won, recorded on the deal or not."))
    group = _("Sales")
    register_menu_item(group, _("Sales funnel"), "sales:funnel", Opportunity, order=12)
    register_menu_item(group, _("Stalled opportunities"), "sales:opportunity_stalled", Opportunity, order=13)

    from ..stalled import my_stalled

    register_home_slot(
        "sales.stalled", _("My stalled deals"), my_stalled, icon="hourglass-split", order=40,
        hint=_("No stage change and no activity for a while: move them on or close them."),
        more_url=lambda user: f"{reverse('sales:opportunity_stalled')}?owner={user.pk}")
