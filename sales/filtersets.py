import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filtersets import KedaoFilterSet
from core.reports import in_days
from core.widgets import AutocompleteSelect
from customers.models import Customer
from org.models import Employee, OrgUnit, ProductLine

from .models import (
    Competitor,
    Lead,
    LeadAssignmentRule,
    LeadSource,
    LeadStatus,
    Opportunity,
    OpportunityCompetitor,
    OpportunityLine,
    OpportunityStatus,
    OpportunityTeamMember,
    Pipeline,
    PriceList,
    PriceListItem,
    Product,
    RegistrationStatus,
    Stage,
    StageKind,
    WinLossReason,
)
from .models.pipelines import CloseKind
from .selectors import created_between


def _owner_filter():
    return django_filters.ModelChoiceFilter(queryset=Employee.objects.filter(is_active=True), label=_("Owner"),
                                            widget=AutocompleteSelect("org.employee"))


def _unit_filter():
    return django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), label=_("Org unit"),
                                            method="in_unit_subtree", widget=AutocompleteSelect("org.orgunit"))


def _line_filter():
    return django_filters.ModelChoiceFilter(queryset=ProductLine.objects.all(), label=_("Product line"))


class _UnitSubtree:
    def in_unit_subtree(self, queryset, name, value):
        return queryset.filter(org_unit__in=value.subtree().values("pk"))


class _Created:
    def filter_created_from(self, queryset, name, value):
        return created_between(queryset, start=value)

    def filter_created_to(self, queryset, name, value):
        return created_between(queryset, end=value)


class ProductFilterSet(KedaoFilterSet):
    search_fields = ("search_key", "code__iexact")
    ordering_fields = ("code", "name", "list_price", "tax_rate", "updated_at", ("product_line__name", "product_line"))

    product_line = _line_filter()
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Product
        fields = ["product_line", "is_active"]


class PriceListFilterSet(KedaoFilterSet):
    search_fields = ("name",)
    ordering_fields = ("name", "valid_from", "valid_to", "updated_at")

    product_line = _line_filter()
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = PriceList
        fields = ["product_line", "is_active"]


class PriceListItemFilterSet(KedaoFilterSet):
    search_fields = ("notes", "product__search_key", "product__code__iexact", "price_list__name")
    ordering_fields = ("notes", "price", "updated_at", ("product__code", "product"), ("price_list__name", "price_list"))

    price_list = django_filters.ModelChoiceFilter(queryset=PriceList.objects.all(), label=_("Price list"))
    product = django_filters.ModelChoiceFilter(queryset=Product.objects.all(), label=_("Product"),
                                               widget=AutocompleteSelect("sales.product"))

    class Meta:
        model = PriceListItem
        fields = ["price_list", "product"]


class LeadSourceFilterSet(KedaoFilterSet):
    search_fields = ("name", "code")
    ordering_fields = ("order", "name", "code", "updated_at")

    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = LeadSource
        fields = ["is_active"]


class LeadFilterSet(_UnitSubtree, _Created, KedaoFilterSet):
    search_fields = ("search_key", "phone", "email")
    ordering_fields = ("name", "company", "status", "updated_at", "created_at", ("owner__username", "owner"),
                       ("source__name", "source"))

    status = django_filters.ChoiceFilter(choices=LeadStatus.choices, label=_("Status"))
    source = django_filters.ModelChoiceFilter(queryset=LeadSource.objects.all(), label=_("Source"))
    product_line = _line_filter()
    owner = _owner_filter()
    org_unit = _unit_filter()
    unassigned = django_filters.BooleanFilter(method="filter_unassigned", label=_("Unassigned"))
    # Leads (h5): the lead-source report's drill-down links use these.
    qualified = django_filters.BooleanFilter(method="filter_qualified", label=_("Qualified or converted"))
    created_from = django_filters.DateFilter(method="filter_created_from", label=_("Created from"))
    created_to = django_filters.DateFilter(method="filter_created_to", label=_("Created until"))

    class Meta:
        model = Lead
        fields = ["status", "source", "product_line", "owner", "org_unit", "unassigned"]

    def filter_unassigned(self, queryset, name, value):
        return queryset.filter(owner__isnull=value)

    def filter_qualified(self, queryset, name, value):
        reached = Q(status__in=(LeadStatus.QUALIFIED, LeadStatus.CONVERTED))
        return queryset.filter(reached) if value else queryset.exclude(reached)


class LeadAssignmentRuleFilterSet(KedaoFilterSet):
    search_fields = ("name",)
    ordering_fields = ("order", "name", "updated_at")

    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = LeadAssignmentRule
        fields = ["is_active"]


class PipelineFilterSet(KedaoFilterSet):
    search_fields = ("name",)
    ordering_fields = ("name", "stall_days", "updated_at", ("product_line__name", "product_line"))

    product_line = _line_filter()
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Pipeline
        fields = ["product_line", "is_active"]


class StageFilterSet(KedaoFilterSet):
    search_fields = ("name",)
    ordering_fields = ("order", "name", "probability", "updated_at", ("pipeline__name", "pipeline"))

    pipeline = django_filters.ModelChoiceFilter(queryset=Pipeline.objects.all(), label=_("Pipeline"))
    kind = django_filters.ChoiceFilter(choices=StageKind.choices, label=_("Type"))

    class Meta:
        model = Stage
        fields = ["pipeline", "kind"]


class WinLossReasonFilterSet(KedaoFilterSet):
    search_fields = ("name",)
    ordering_fields = ("kind", "order", "name", "updated_at")

    kind = django_filters.ChoiceFilter(choices=CloseKind.choices, label=_("For"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = WinLossReason
        fields = ["kind", "is_active"]


class CompetitorFilterSet(KedaoFilterSet):
    search_fields = ("name",)
    ordering_fields = ("name", "updated_at")

    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Competitor
        fields = ["is_active"]


class OpportunityFilterSet(_UnitSubtree, _Created, KedaoFilterSet):
    search_fields = ("search_key", "customer__search_key")
    ordering_fields = ("name", "amount", "expected_close_date", "updated_at", "created_at", "stage_changed_at",
                       ("customer__name", "customer"), ("owner__username", "owner"), ("stage__order", "stage"),
                       "status", "probability", "closed_at")

    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all(), label=_("Customer"),
                                                widget=AutocompleteSelect("customers.customer"))
    product_line = _line_filter()
    pipeline = django_filters.ModelChoiceFilter(queryset=Pipeline.objects.all(), label=_("Pipeline"))
    stage = django_filters.ModelChoiceFilter(queryset=Stage.objects.all(), label=_("Stage"))
    status = django_filters.ChoiceFilter(choices=OpportunityStatus.choices, label=_("Status"))
    registration_status = django_filters.ChoiceFilter(choices=RegistrationStatus.choices, label=_("Registration"))
    source = django_filters.ModelChoiceFilter(queryset=LeadSource.objects.all(), label=_("Source"))
    owner = _owner_filter()
    org_unit = _unit_filter()
    close_after = django_filters.DateFilter(field_name="expected_close_date", lookup_expr="gte",
                                            label=_("Closing from"))
    close_before = django_filters.DateFilter(field_name="expected_close_date", lookup_expr="lte",
                                             label=_("Closing until"))
    amount_min = django_filters.NumberFilter(field_name="amount", lookup_expr="gte", label=_("Amount at least"))
    # Leads (h5): drill-down from the lead-source report.
    created_from = django_filters.DateFilter(method="filter_created_from", label=_("Created from"))
    created_to = django_filters.DateFilter(method="filter_created_to", label=_("Created until"))
    # Funnel and reports (h7): the filters their drill-down links use (sales/reports/). The date,
    # "lost to" and "reached stage" filters come only from those links: hidden on the page, shown
    # as chips above the list (core/object_list.html).
    stalled = django_filters.BooleanFilter(method="filter_stalled", label=_("Stalled"))
    competitor = django_filters.ModelChoiceFilter(queryset=Competitor.objects.all(), label=_("Competitor"),
                                                  method="filter_competitor")
    close_reason = django_filters.ModelChoiceFilter(queryset=WinLossReason.objects.all(), label=_("Win/loss reason"),
                                                    null_label=_("No reason given"))
    won_by = django_filters.ModelChoiceFilter(queryset=Competitor.objects.all(), label=_("Lost to"))
    reached_stage = django_filters.ModelChoiceFilter(queryset=Stage.objects.all(), label=_("Reached stage"),
                                                     method="filter_reached_stage")
    created_after = django_filters.DateFilter(method="filter_created_after", label=_("Created from"))
    created_before = django_filters.DateFilter(method="filter_created_before", label=_("Created until"))
    closed_after = django_filters.DateFilter(method="filter_closed_after", label=_("Closed from"))
    closed_before = django_filters.DateFilter(method="filter_closed_before", label=_("Closed until"))
    link_only = ("won_by", "reached_stage", "created_after", "created_before", "closed_after", "closed_before")

    class Meta:
        model = Opportunity
        fields = ["customer", "product_line", "pipeline", "stage", "status", "registration_status", "source",
                  "owner", "org_unit", "close_after", "close_before", "amount_min", "stalled", "competitor",
                  "close_reason", "won_by", "reached_stage", "created_after", "created_before", "closed_after",
                  "closed_before"]

    @property
    def form(self):
        form = super().form
        for name in self.link_only:
            form.fields[name].widget = forms.HiddenInput()
        return form

    def filter_stalled(self, queryset, name, value):
        from .stalled import stalled_q

        return queryset.filter(stalled_q()) if value else queryset.exclude(stalled_q())

    def filter_competitor(self, queryset, name, value: int):  # an id in the API schema
        return queryset.filter(pk__in=OpportunityCompetitor.objects.filter(competitor=value).values("opportunity_id"))

    def filter_reached_stage(self, queryset, name, value: int):  # an id in the API schema
        from .reports.funnel import reached_condition

        return queryset.filter(reached_condition(value))

    def filter_created_after(self, queryset, name, value):
        return queryset.filter(in_days("created_at", date_from=value))

    def filter_created_before(self, queryset, name, value):
        return queryset.filter(in_days("created_at", date_to=value))

    def filter_closed_after(self, queryset, name, value):
        return queryset.filter(in_days("closed_at", date_from=value))

    def filter_closed_before(self, queryset, name, value):
        return queryset.filter(in_days("closed_at", date_to=value))


class _OpportunityChildFilterSet(KedaoFilterSet):
    opportunity = django_filters.ModelChoiceFilter(queryset=Opportunity.objects.all(), label=_("Opportunity"),
                                                   widget=AutocompleteSelect("sales.opportunity"))


class OpportunityLineFilterSet(_OpportunityChildFilterSet):
    search_fields = ("opportunity__search_key", "description", "product__search_key", "product__code__iexact")
    ordering_fields = ("description", "quantity", "unit_price", "updated_at", ("product__code", "product"))

    class Meta:
        model = OpportunityLine
        fields = ["opportunity"]


class OpportunityCompetitorFilterSet(_OpportunityChildFilterSet):
    search_fields = ("opportunity__search_key", "competitor__name", "product")
    ordering_fields = ("product", "price", "updated_at", ("competitor__name", "competitor"))

    competitor = django_filters.ModelChoiceFilter(queryset=Competitor.objects.all(), label=_("Competitor"))

    class Meta:
        model = OpportunityCompetitor
        fields = ["opportunity", "competitor"]


class OpportunityTeamMemberFilterSet(_OpportunityChildFilterSet):
    search_fields = ("opportunity__search_key", "employee__search_key", "notes")
    ordering_fields = ("notes", "role", "updated_at", ("employee__username", "employee"))

    employee = django_filters.ModelChoiceFilter(queryset=Employee.objects.all(), label=_("Employee"),
                                                widget=AutocompleteSelect("org.employee"))

    class Meta:
        model = OpportunityTeamMember
        fields = ["opportunity", "employee", "role"]
