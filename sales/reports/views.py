"""The funnel page and the stalled-opportunities list."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext_lazy as _

from core.registry import get_report
from core.views.reports import render_report

from .. import views
from ..stalled import idle_since, stalled_q


@login_required
def funnel_page(request):
    return render_report(request, get_report("sales.funnel"))


class StalledOpportunityListView(views.opportunity["list"]):
    """The opportunity list (same filters, columns, export) over the stalled deals only, the
    longest idle first unless another sort is chosen."""

    def get(self, request):
        self.queryset = self.queryset.filter(stalled_q()).order_by(idle_since().asc(), "pk")
        return super().get(request)

    def base_context(self, **extra):
        return super().base_context(**extra, verbose_name_plural=_("stalled opportunities"))
