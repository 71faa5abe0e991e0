"""Forms of the lead workflow pages: assign, disqualify, convert (sales/lead_views.py)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import bound_input, dash_empty_choices, style_fields
from core.related import RestrictedFormMixin
from core.widgets import AutocompleteSelect
from customers.models import Customer
from org.models import Employee, ProductLine

from .models.catalog import MONEY
from .services.leads import MAX_REASON


class _Form(RestrictedFormMixin, forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        dash_empty_choices(self)
        bound_input(self)
        style_fields(self)


class LeadAssignForm(_Form):
    owner = forms.ModelChoiceField(queryset=Employee.objects.filter(is_active=True), label=_("Assign to"),
                                   required=False, widget=AutocompleteSelect("org.employee"),
                                   help_text=_("Empty: the lead assignment rules choose."))


class LeadDisqualifyForm(_Form):
    disqualify_reason = forms.CharField(label=_("Disqualification reason"), max_length=MAX_REASON,
                                        widget=forms.Textarea(attrs={"rows": 2}))


class LeadConvertForm(_Form):
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.all(), required=False, label=_("Existing customer"),
        widget=AutocompleteSelect("customers.customer", action="change"),
        help_text=_("Empty: a new customer is made from the lead."))
    # Sent by a probable duplicate's "Use this customer" button.
    use_customer = forms.ModelChoiceField(queryset=Customer.objects.all(), required=False,
                                          widget=forms.HiddenInput)
    confirm_duplicate = forms.BooleanField(label=_("This is a different company"), required=False)
    customer_name = forms.CharField(label=_("Customer name"), max_length=200, required=False)
    province = forms.CharField(label=_("Province"), max_length=50, required=False)
    city = forms.CharField(label=_("City"), max_length=50, required=False)
    contact_name = forms.CharField(label=_("Contact name"), max_length=100)
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    create_opportunity = forms.BooleanField(label=_("Create an opportunity"), required=False)
    opportunity_name = forms.CharField(label=_("Opportunity name"), max_length=200, required=False,
                                       help_text=_("Empty: customer · product line."))
    product_line = forms.ModelChoiceField(queryset=ProductLine.objects.filter(is_active=True), required=False,
                                          label=_("Product line"))
    amount = forms.DecimalField(label=_("Amount"), required=False, min_value=Decimal("0"),
                                max_digits=MONEY["max_digits"], decimal_places=MONEY["decimal_places"])
    expected_close_date = forms.DateField(label=_("Expected close date"), required=False,
                                          widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    class Meta:
        related_actions = {"customer": "change", "use_customer": "change"}

    CUSTOMER = ("customer", "customer_name", "province", "city")
    CONTACT = ("contact_name", "title", "phone", "email")
    OPPORTUNITY = ("create_opportunity", "opportunity_name", "product_line", "amount", "expected_close_date")

    @classmethod
    def initial_for(cls, lead):
        return {"customer_name": lead.company or lead.name, "province": lead.province, "city": lead.city,
                "contact_name": lead.name, "title": lead.title, "phone": lead.phone, "email": lead.email,
                "create_opportunity": True, "product_line": lead.product_line_id}

    def section(self, names):
        return [self[name] for name in names]

    def service_arguments(self):
        data = self.cleaned_data
        chosen = data.get("use_customer") or data.get("customer")
        values = {name: data.get(name) for name in ("contact_name", "title", "phone", "email", "opportunity_name",
                                                   "product_line", "amount", "expected_close_date")}
        if chosen is None:
            values.update(customer_name=data.get("customer_name"), province=data.get("province"),
                          city=data.get("city"), confirm_duplicate=bool(data.get("confirm_duplicate")))
        return {"customer": chosen, "create_opportunity": bool(data.get("create_opportunity")), **values}
