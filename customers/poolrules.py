"""Pool rules as an object type (administrators edit them): filterset, table, form, views, API."""

import django_filters
import django_tables2 as tables
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.api.serializers import KedaoModelSerializer
from core.api.viewsets import KedaoModelViewSet
from core.filtersets import KedaoFilterSet
from core.forms import KedaoModelForm
from core.tables import DateTimeColumn, KedaoTable
from core.views import generic
from core.widgets import AutocompleteSelect
from org.models import OrgUnit

from .models import PoolRule


def check_rule(org_unit, return_after_days, warn_days_before):
    errors = {}
    if return_after_days is not None and warn_days_before is not None and warn_days_before >= return_after_days:
        errors["warn_days_before"] = [_("Warn fewer days before than the return period.")]
    if errors:
        raise ValidationError(errors)


class PoolRuleFilterSet(KedaoFilterSet):
    search_fields = ("name", "org_unit__name")
    ordering_fields = ("name", ("org_unit__path", "org_unit"), "holding_cap", "daily_claim_cap", "return_after_days",
                       "updated_at")

    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), label=_("Org unit"),
                                                widget=AutocompleteSelect("org.orgunit"))

    class Meta:
        model = PoolRule
        fields = ["org_unit"]


class PoolRuleTable(KedaoTable):
    name = tables.Column(linkify=True)
    org_unit = tables.Column(order_by=("org_unit__path",))
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = PoolRule
        fields = ("pk", "name", "org_unit", "holding_cap", "daily_claim_cap", "return_after_days",
                  "warn_days_before", "updated_at")


class PoolRuleForm(KedaoModelForm):
    class Meta:
        model = PoolRule
        fields = ("name", "org_unit", "holding_cap", "daily_claim_cap", "return_after_days", "warn_days_before")
        widgets = {"org_unit": AutocompleteSelect("org.orgunit")}

    def clean(self):
        data = super().clean()
        try:
            check_rule(data.get("org_unit"), data.get("return_after_days"), data.get("warn_days_before"))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
        return data


class PoolRuleListView(generic.ObjectListView):
    queryset = PoolRule.objects.select_related("org_unit")
    filterset_class = PoolRuleFilterSet
    table_class = PoolRuleTable
    bulk_edit = False


class PoolRuleView(generic.ObjectView):
    queryset = PoolRule.objects.select_related("org_unit", "updated_by")
    highlights = ("org_unit", "holding_cap", "daily_claim_cap", "return_after_days")
    detail_fields = ("name", "org_unit", "holding_cap", "daily_claim_cap", "return_after_days", "warn_days_before")


class PoolRuleEditView(generic.ObjectEditView):
    queryset = PoolRule.objects.all()
    form_class = PoolRuleForm


class PoolRuleDeleteView(generic.ObjectDeleteView):
    queryset = PoolRule.objects.all()


class PoolRuleBulkDeleteView(generic.BulkDeleteView):
    queryset = PoolRule.objects.all()


class PoolRuleSerializer(KedaoModelSerializer):
    class Meta:
        model = PoolRule
        fields = (*KedaoModelSerializer.base_fields, "name", "org_unit", "holding_cap", "daily_claim_cap",
                  "return_after_days", "warn_days_before")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.instance

        def value(name):
            return attrs[name] if name in attrs else getattr(instance, name, None)

        warn = value("warn_days_before")
        check_rule(value("org_unit"), value("return_after_days"), 3 if warn is None else warn)
        return attrs


class PoolRuleViewSet(KedaoModelViewSet):
    queryset = PoolRule.objects.select_related("org_unit")
    serializer_class = PoolRuleSerializer
    filterset_class = PoolRuleFilterSet
