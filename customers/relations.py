"""The relationship map's object types: filter sets, tables, forms and generic views.

ContactRelation (contact ↔ contact of the same customer) and ContactEmployeeRelation (our
employee ↔ contact, strength 1–5). The graph itself is drawn by customers.relation_map.
"""

import django_filters
import django_tables2 as tables
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filtersets import KedaoFilterSet
from core.forms import KedaoModelForm
from core.tables import DateTimeColumn, KedaoTable
from core.views import generic
from core.widgets import AutocompleteSelect
from org.models import Employee

from .models import Contact, ContactEmployeeRelation, ContactRelation, Customer, RelationKind

# --- filter sets ---------------------------------------------------------------------------------


class ContactRelationFilterSet(KedaoFilterSet):
    search_fields = ("from_contact__search_key", "to_contact__search_key", "note")
    ordering_fields = ("updated_at", "created_at", "kind", "note", ("from_contact__name", "from_contact"),
                       ("to_contact__name", "to_contact"))

    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all(), field_name="from_contact__customer",
                                                label=_("Customer"), widget=AutocompleteSelect("customers.customer"))
    contact = django_filters.ModelChoiceFilter(queryset=Contact.objects.all(), field_name="from_contact",
                                               label=_("Contact"), widget=AutocompleteSelect("customers.contact"))
    kind = django_filters.ChoiceFilter(choices=RelationKind.choices, label=_("Relation"))

    class Meta:
        model = ContactRelation
        fields = ["customer", "contact", "kind"]


class ContactEmployeeRelationFilterSet(KedaoFilterSet):
    search_fields = ("contact__search_key", "employee__search_key", "note")
    ordering_fields = ("updated_at", "created_at", "strength", "note", ("contact__name", "contact"),
                       ("employee__username", "employee"))

    customer = django_filters.ModelChoiceFilter(queryset=Customer.objects.all(), field_name="contact__customer",
                                                label=_("Customer"), widget=AutocompleteSelect("customers.customer"))
    contact = django_filters.ModelChoiceFilter(queryset=Contact.objects.all(), label=_("Contact"),
                                               widget=AutocompleteSelect("customers.contact"))
    employee = django_filters.ModelChoiceFilter(queryset=Employee.objects.all(), label=_("Employee"),
                                                widget=AutocompleteSelect("org.employee"))
    strength = django_filters.NumberFilter(label=_("Strength"))

    class Meta:
        model = ContactEmployeeRelation
        fields = ["customer", "contact", "employee", "strength"]


# --- tables --------------------------------------------------------------------------------------


class ContactRelationTable(KedaoTable):
    from_contact = tables.Column(linkify=True, order_by=("from_contact__name",))
    kind = tables.Column(linkify=True)
    to_contact = tables.Column(linkify=True, order_by=("to_contact__name",))
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = ContactRelation
        fields = ("pk", "from_contact", "kind", "to_contact", "note", "updated_at")


class ContactEmployeeRelationTable(KedaoTable):
    contact = tables.Column(linkify=True, order_by=("contact__name",))
    employee = tables.Column(order_by=("employee__username",))
    strength = tables.Column(linkify=True)
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = ContactEmployeeRelation
        fields = ("pk", "contact", "employee", "strength", "note", "updated_at")


# --- forms ---------------------------------------------------------------------------------------


class ContactRelationForm(KedaoModelForm):
    class Meta:
        model = ContactRelation
        fields = ("from_contact", "kind", "to_contact", "note")
        widgets = {"from_contact": AutocompleteSelect("customers.contact"),
                   "to_contact": AutocompleteSelect("customers.contact")}
        # Editing the map is editing the customer: only contacts of customers one may change.
        related_actions = {"from_contact": "change", "to_contact": "change"}


class ContactEmployeeRelationForm(KedaoModelForm):
    strength = forms.TypedChoiceField(label=_("strength"), coerce=int, initial=3,
                                      choices=[(n, str(n)) for n in range(1, 6)],
                                      help_text=_("1: met once … 5: close, trusted relationship."))

    class Meta:
        model = ContactEmployeeRelation
        fields = ("contact", "employee", "strength", "note")
        widgets = {"contact": AutocompleteSelect("customers.contact"),
                   "employee": AutocompleteSelect("org.employee")}
        related_actions = {"contact": "change"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.filter(is_active=True)


# --- views ---------------------------------------------------------------------------------------


class ContactRelationListView(generic.ObjectListView):
    queryset = ContactRelation.objects.select_related("from_contact", "to_contact")
    filterset_class = ContactRelationFilterSet
    table_class = ContactRelationTable
    bulk_edit = False


class ContactRelationView(generic.ObjectView):
    queryset = ContactRelation.objects.select_related("from_contact__customer", "to_contact", "updated_by")
    highlights = ("from_contact", "kind", "to_contact")
    detail_fields = ("from_contact", "kind", "to_contact", "note")


class ContactRelationEditView(generic.ObjectEditView):
    queryset = ContactRelation.objects.all()
    form_class = ContactRelationForm


class ContactRelationDeleteView(generic.ObjectDeleteView):
    queryset = ContactRelation.objects.all()


class ContactRelationBulkDeleteView(generic.BulkDeleteView):
    queryset = ContactRelation.objects.all()


class ContactEmployeeRelationListView(generic.ObjectListView):
    queryset = ContactEmployeeRelation.objects.select_related("contact", "employee")
    filterset_class = ContactEmployeeRelationFilterSet
    table_class = ContactEmployeeRelationTable
    bulk_edit = False


class ContactEmployeeRelationView(generic.ObjectView):
    queryset = ContactEmployeeRelation.objects.select_related("contact__customer", "employee", "updated_by")
    highlights = ("contact", "employee", "strength")
    detail_fields = ("contact", "employee", "strength", "note")


class ContactEmployeeRelationEditView(generic.ObjectEditView):
    queryset = ContactEmployeeRelation.objects.all()
    form_class = ContactEmployeeRelationForm


class ContactEmployeeRelationDeleteView(generic.ObjectDeleteView):
    queryset = ContactEmployeeRelation.objects.all()


class ContactEmployeeRelationBulkDeleteView(generic.BulkDeleteView):
    queryset = ContactEmployeeRelation.objects.all()
