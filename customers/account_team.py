"""Account team and customer strategy: filtersets, tables, forms and generic views (one module for
the sub-domain, so the shared customers files stay small)."""

import django_filters
import django_tables2 as tables
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filtersets import KedaoFilterSet
from core.forms import KedaoModelForm
from core.tables import DateTimeColumn, KedaoTable
from core.views import generic
from core.widgets import AutocompleteSelect
from org.models import Employee, ProductLine

from .models import AccountTeamMember, Customer, CustomerStrategy, TeamRole

# --- filtersets ---------------------------------------------------------------------------------


class AccountTeamMemberFilterSet(KedaoFilterSet):
    search_fields = ("customer__search_key", "employee__search_key", "product_line__name", "notes")
    ordering_fields = (("customer__name", "customer"), ("employee__username", "employee"),
                       ("product_line__name", "product_line"), "role", "start_date", "notes", "updated_at",
                       "created_at")

    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all(), label=_("Customer"),
                                                widget=AutocompleteSelect("customers.customer"))
    employee = django_filters.ModelChoiceFilter(queryset=Employee.objects.all(), label=_("Employee"),
                                                widget=AutocompleteSelect("org.employee"))
    product_line = django_filters.ModelChoiceFilter(queryset=ProductLine.objects.all(), label=_("Product line"))
    role = django_filters.ChoiceFilter(choices=TeamRole.choices, label=_("Role"))

    class Meta:
        model = AccountTeamMember
        fields = ["customer", "employee", "product_line", "role"]


class CustomerStrategyFilterSet(KedaoFilterSet):
    search_fields = ("title", "customer__search_key", "competitors")
    ordering_fields = ("title", ("customer__name", "customer"), ("product_line__name", "product_line"),
                       "updated_at", "created_at")

    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all(), label=_("Customer"),
                                                widget=AutocompleteSelect("customers.customer"))
    product_line = django_filters.ModelChoiceFilter(queryset=ProductLine.objects.all(), label=_("Product line"))

    class Meta:
        model = CustomerStrategy
        fields = ["customer", "product_line"]


# --- tables -------------------------------------------------------------------------------------


class AccountTeamMemberTable(KedaoTable):
    # The first column names the row (exports, labels): the member.
    employee = tables.Column(linkify=lambda record: record.get_absolute_url(), order_by=("employee__username",))
    customer = tables.Column(linkify=True, order_by=("customer__name",))
    product_line = tables.Column(order_by=("product_line__name",))
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = AccountTeamMember
        fields = ("pk", "employee", "customer", "product_line", "role", "start_date", "notes", "updated_at")

    default_hidden = ("notes",)


class CustomerStrategyTable(KedaoTable):
    title = tables.Column(linkify=True)
    customer = tables.Column(linkify=True, order_by=("customer__name",))
    product_line = tables.Column(order_by=("product_line__name",))
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = CustomerStrategy
        fields = ("pk", "title", "customer", "product_line", "competitors", "updated_at")


# --- forms --------------------------------------------------------------------------------------


class AccountTeamMemberForm(KedaoModelForm):
    class Meta:
        model = AccountTeamMember
        fields = ("customer", "employee", "product_line", "role", "start_date", "notes")
        widgets = {"customer": AutocompleteSelect("customers.customer"),
                   "employee": AutocompleteSelect("org.employee"),
                   "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        # The team of a customer is managed by whoever may change the customer.
        related_actions = {"customer": "change"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.filter(is_active=True)
        self.fields["product_line"].queryset = ProductLine.objects.filter(is_active=True)


class CustomerStrategyForm(KedaoModelForm):
    class Meta:
        model = CustomerStrategy
        fields = ("customer", "product_line", "title", "needs", "strengths", "competitors", "plan")
        widgets = {"customer": AutocompleteSelect("customers.customer"),
                   **{name: forms.Textarea(attrs={"rows": 3}) for name in ("needs", "strengths", "competitors", "plan")}}
        related_actions = {"customer": "change"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_line"].queryset = ProductLine.objects.filter(is_active=True)


# --- views --------------------------------------------------------------------------------------


class AccountTeamMemberListView(generic.ObjectListView):
    queryset = AccountTeamMember.objects.select_related("customer", "employee", "product_line")
    filterset_class = AccountTeamMemberFilterSet
    table_class = AccountTeamMemberTable
    bulk_edit = False


class AccountTeamMemberView(generic.ObjectView):
    queryset = AccountTeamMember.objects.select_related("customer", "employee", "product_line", "updated_by")
    highlights = ("customer", "product_line", "role", "start_date")
    detail_fields = ("customer", "employee", "product_line", "role", "start_date", "notes")


class AccountTeamMemberEditView(generic.ObjectEditView):
    queryset = AccountTeamMember.objects.all()
    form_class = AccountTeamMemberForm


class AccountTeamMemberDeleteView(generic.ObjectDeleteView):
    queryset = AccountTeamMember.objects.all()


class AccountTeamMemberBulkDeleteView(generic.BulkDeleteView):
    queryset = AccountTeamMember.objects.all()


class CustomerStrategyListView(generic.ObjectListView):
    queryset = CustomerStrategy.objects.select_related("customer", "product_line")
    filterset_class = CustomerStrategyFilterSet
    table_class = CustomerStrategyTable
    bulk_edit = False


class CustomerStrategyView(generic.ObjectView):
    queryset = CustomerStrategy.objects.select_related("customer", "product_line", "updated_by")
    highlights = ("customer", "product_line")
    detail_fields = ("customer", "product_line", "title", "needs", "strengths", "competitors", "plan")


class CustomerStrategyEditView(generic.ObjectEditView):
    queryset = CustomerStrategy.objects.all()
    form_class = CustomerStrategyForm


class CustomerStrategyDeleteView(generic.ObjectDeleteView):
    queryset = CustomerStrategy.objects.all()


class CustomerStrategyBulkDeleteView(generic.BulkDeleteView):
    queryset = CustomerStrategy.objects.all()
