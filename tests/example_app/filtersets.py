import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import KedaoFilterSet
from core.widgets import AutocompleteSelect
from org.models import Employee

from .models import Project, Stage


class ProjectFilterSet(KedaoFilterSet):
    search_fields = ("search_key", "customer__search_key")
    ordering_fields = ("name", "stage", "budget", "due_date", "updated_at", "created_at",
                       ("customer__name", "customer"), ("owner__username", "owner"))

    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Stage"))
    customer = django_filters.NumberFilter(field_name="customer_id", label=_("Customer"))
    owner = django_filters.ModelChoiceFilter(queryset=Employee.objects.filter(is_active=True), label=_("Owner"),
                                             widget=AutocompleteSelect("org.employee"))
    tag = django_filters.CharFilter(field_name="tags__name", lookup_expr="iexact", label=_("Tag"), distinct=True)

    class Meta:
        model = Project
        fields = ["stage", "customer", "owner", "tag"]
