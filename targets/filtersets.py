import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import KedaoFilterSet
from org.models import ProductLine

from .models import Grain, PlanStatus, TargetPlan


class TargetPlanFilterSet(KedaoFilterSet):
    search_fields = ("name",)
    ordering_fields = ("name", "fiscal_year", "total", "updated_at")

    fiscal_year = django_filters.NumberFilter(label=_("Fiscal year"))
    product_line = django_filters.ModelChoiceFilter(queryset=ProductLine.objects.all(), label=_("Product line"))
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("Status"))
    grain = django_filters.ChoiceFilter(choices=Grain.choices, label=_("Time split"))

    class Meta:
        model = TargetPlan
        fields = ["fiscal_year", "measure", "product_line", "status", "grain"]
