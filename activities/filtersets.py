import datetime

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import KedaoFilterSet
from core.registry import get_activity_target
from core.widgets import AutocompleteSelect
from customers.models import Contact, Customer
from org.models import Employee, OrgUnit
from sales.models import Opportunity

from .models import Activity, ActivityKind, ActivityStatus, DailyReport, Plan, PlanPeriod, Priority


def day_start(value):
    """The first moment of a date in the company's time zone (an index-friendly range bound)."""
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


def check_related_key(value):
    """"app.model:id" of a registered activity target (core.registry.register_activity_target)."""
    key, _sep, pk = str(value).partition(":")
    if get_activity_target(key.lower()) is None or not pk.isdigit() or len(pk) > 18:
        raise ValidationError(_("Give a linked record as type:id, e.g. sales.lead:12."))


class ActivityFilterSet(KedaoFilterSet):
    search_fields = ("search_key", "customer__search_key")
    ordering_fields = ("subject", "kind", "starts_at", "due_at", "status", "priority", "updated_at", "created_at",
                       ("customer__name", "customer"), ("owner__username", "owner"))

    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("Type"))
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices, label=_("Status"))
    priority = django_filters.ChoiceFilter(choices=Priority.choices, label=_("Priority"))
    owner = django_filters.ModelChoiceFilter(queryset=Employee.objects.filter(is_active=True), label=_("Owner"),
                                             widget=AutocompleteSelect("org.employee"))
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), label=_("Org unit"),
                                                method="in_unit_subtree", widget=AutocompleteSelect("org.orgunit"))
    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all(), label=_("Customer"),
                                                widget=AutocompleteSelect("customers.customer"))
    contact = django_filters.ModelChoiceFilter(queryset=Contact.objects.all(), label=_("Contact"),
                                               widget=AutocompleteSelect("customers.contact"))
    opportunity = django_filters.ModelChoiceFilter(queryset=Opportunity.objects.all(), label=_("Opportunity"),
                                                   widget=AutocompleteSelect("sales.opportunity"))
    starts_after = django_filters.DateFilter(method="filter_starts_after", label=_("Starting from"))
    starts_before = django_filters.DateFilter(method="filter_starts_before", label=_("Starting until"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    related = django_filters.CharFilter(method="filter_related", label=_("Linked record"), max_length=120,
                                        validators=[check_related_key], widget=forms.HiddenInput)

    class Meta:
        model = Activity
        fields = ["kind", "status", "priority", "owner", "org_unit", "customer", "contact", "opportunity"]

    def in_unit_subtree(self, queryset, name, value):
        return queryset.filter(org_unit__in=value.subtree().values("pk"))

    def filter_starts_after(self, queryset, name, value):
        return queryset.filter(starts_at__gte=day_start(value))

    def filter_starts_before(self, queryset, name, value):
        # "Until" a date includes that whole day.
        return queryset.filter(starts_at__lt=day_start(value + datetime.timedelta(days=1)))

    def filter_related(self, queryset, name, value):
        key, _sep, pk = value.partition(":")
        model = get_activity_target(key.lower()).model
        return queryset.filter(related_type=ContentType.objects.get_for_model(model), related_id=int(pk))

    def filter_overdue(self, queryset, name, value):
        overdue = {"status": ActivityStatus.PLANNED, "due_at__lt": timezone.now()}
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)


class DailyReportFilterSet(KedaoFilterSet):
    search_fields = ("owner__search_key", "summary")
    ordering_fields = ("date", "summary", ("owner__username", "owner"))

    owner = django_filters.ModelChoiceFilter(queryset=Employee.objects.all(), label=_("Seller"),
                                             widget=AutocompleteSelect("org.employee"))
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), label=_("Org unit"),
                                                method="in_unit_subtree", widget=AutocompleteSelect("org.orgunit"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = DailyReport
        fields = ["owner", "org_unit", "date_from", "date_to"]

    def in_unit_subtree(self, queryset, name, value):
        return queryset.filter(org_unit__in=value.subtree().values("pk"))


class PlanFilterSet(KedaoFilterSet):
    search_fields = ("owner__search_key", "notes")
    ordering_fields = ("starts_on", "period", "notes", "updated_at", ("owner__username", "owner"))

    period = django_filters.ChoiceFilter(choices=PlanPeriod.choices, label=_("Period"))
    owner = django_filters.ModelChoiceFilter(queryset=Employee.objects.all(), label=_("Seller"),
                                             widget=AutocompleteSelect("org.employee"))
    org_unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), label=_("Org unit"),
                                                method="in_unit_subtree", widget=AutocompleteSelect("org.orgunit"))
    starts_from = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte", label=_("From"))
    starts_to = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = Plan
        fields = ["period", "owner", "org_unit", "starts_from", "starts_to"]

    def in_unit_subtree(self, queryset, name, value):
        return queryset.filter(org_unit__in=value.subtree().values("pk"))
