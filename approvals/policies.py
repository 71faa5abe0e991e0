"""Approval policies as an object type (administrators edit them): filterset, table, form, views, API."""

import django_filters
import django_tables2 as tables
from django import forms
from django.utils.translation import gettext_lazy as _

from core.api.serializers import KedaoModelSerializer
from core.api.viewsets import KedaoModelViewSet
from core.filtersets import KedaoFilterSet
from core.forms import KedaoModelForm, style_fields
from core.registry import approval_kinds
from core.tables import DateTimeColumn, KedaoTable
from core.views import generic
from core.widgets import AutocompleteSelect

from .models import ApprovalPolicy


def kind_choices():
    return [(kind.key, kind.label) for kind in approval_kinds()]


class ApprovalPolicyFilterSet(KedaoFilterSet):
    search_fields = ("name", "kind", "org_unit__name")
    ordering_fields = ("name", "kind", ("org_unit__path", "org_unit"), "timeout_hours", "updated_at")

    kind = django_filters.ChoiceFilter(choices=kind_choices, label=_("Kind of approval"))

    class Meta:
        model = ApprovalPolicy
        fields = ["kind", "org_unit", "product_line", "approver_role", "is_active"]


class ApprovalPolicyTable(KedaoTable):
    name = tables.Column(linkify=True)
    kind = tables.Column(verbose_name=_("kind of approval"))
    org_unit = tables.Column(order_by=("org_unit__path",))
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = ApprovalPolicy
        fields = ("pk", "name", "kind", "org_unit", "product_line", "approver_role", "timeout_hours", "is_active",
                  "updated_at")

    def render_kind(self, record):
        return record.kind_label

    def value_kind(self, record):
        return str(record.kind_label)


class ApprovalPolicyForm(KedaoModelForm):
    class Meta:
        model = ApprovalPolicy
        fields = ("name", "kind", "org_unit", "product_line", "approver_role", "timeout_hours", "is_active")
        widgets = {"org_unit": AutocompleteSelect("org.orgunit")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds the installed apps registered (a policy for a kind no app raises is useless).
        field = self.fields["kind"]
        self.fields["kind"] = forms.ChoiceField(choices=[("", "—"), *kind_choices()], label=field.label,
                                                required=True)
        style_fields(self)


class ApprovalPolicyListView(generic.ObjectListView):
    queryset = ApprovalPolicy.objects.select_related("org_unit", "product_line", "approver_role")
    filterset_class = ApprovalPolicyFilterSet
    table_class = ApprovalPolicyTable
    bulk_edit = False


class ApprovalPolicyView(generic.ObjectView):
    queryset = ApprovalPolicy.objects.select_related("org_unit", "product_line", "approver_role", "updated_by")
    highlights = ("kind_display", "org_unit", "approver_role", "timeout_hours")
    detail_fields = ("name", "kind_display", "org_unit", "product_line", "approver_role", "timeout_hours",
                     "is_active")


class ApprovalPolicyEditView(generic.ObjectEditView):
    queryset = ApprovalPolicy.objects.all()
    form_class = ApprovalPolicyForm


class ApprovalPolicyDeleteView(generic.ObjectDeleteView):
    queryset = ApprovalPolicy.objects.all()


class ApprovalPolicyBulkDeleteView(generic.BulkDeleteView):
    queryset = ApprovalPolicy.objects.all()


class ApprovalPolicySerializer(KedaoModelSerializer):
    class Meta:
        model = ApprovalPolicy
        fields = (*KedaoModelSerializer.base_fields, "name", "kind", "org_unit", "product_line", "approver_role",
                  "timeout_hours", "is_active")
        extra_kwargs = {"kind": {"help_text": "The key of a registered kind of approval (approvals.md)."}}


class ApprovalPolicyViewSet(KedaoModelViewSet):
    queryset = ApprovalPolicy.objects.select_related("org_unit", "product_line", "approver_role")
    serializer_class = ApprovalPolicySerializer
    filterset_class = ApprovalPolicyFilterSet
