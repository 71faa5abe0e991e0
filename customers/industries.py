"""The industry classification's own pages (object type customers.industry): administrators add,
rename and deactivate entries of GB/T 4754; everyone else only picks them on customers."""

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.filtersets import KedaoFilterSet
from core.forms import KedaoModelForm
from core.tables import KedaoTable
from core.views import generic

from .models import Industry


class IndustryFilterSet(KedaoFilterSet):
    search_fields = ("code", "name", "name_en")
    ordering_fields = ("code", "name", "name_en")

    sections_only = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label=_("Sections only"))

    class Meta:
        model = Industry
        fields = ["parent", "is_active", "sections_only"]


class IndustryTable(KedaoTable):
    code = tables.Column(linkify=True)
    parent = tables.Column(order_by=("parent__code",))

    class Meta(KedaoTable.Meta):
        model = Industry
        fields = ("pk", "code", "name", "name_en", "parent", "is_active")


class IndustryForm(KedaoModelForm):
    class Meta:
        model = Industry
        fields = ("code", "name", "name_en", "parent", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Two levels only: a division's parent is a section.
        self.fields["parent"].queryset = self.fields["parent"].queryset.filter(parent__isnull=True)


class IndustryListView(generic.ObjectListView):
    queryset = Industry.objects.select_related("parent")
    filterset_class = IndustryFilterSet
    table_class = IndustryTable


class IndustryView(generic.ObjectView):
    queryset = Industry.objects.select_related("parent", "updated_by")
    highlights = ("code", "parent", "is_active")
    detail_fields = ("code", "name", "name_en", "parent", "is_active")


class IndustryEditView(generic.ObjectEditView):
    queryset = Industry.objects.all()
    form_class = IndustryForm


class IndustryDeleteView(generic.ObjectDeleteView):
    queryset = Industry.objects.all()


