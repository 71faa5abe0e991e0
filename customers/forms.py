from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BulkEditForm, KedaoModelForm
from core.tagging import parse_tags
from core.widgets import AutocompleteSelect
from org.models import Employee

from .models import Contact, Customer, Industry, Level, Source
from .validators import normalize_credit_code


class CustomerForm(KedaoModelForm):
    class Meta:
        model = Customer
        fields = ("name", "short_name", "kind", "credit_code", "level", "industry", "source", "province", "city",
                  "district", "address", "phone", "email", "website", "owner", "tags", "notes")
        widgets = {"owner": AutocompleteSelect("org.employee"), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Employee.objects.filter(is_active=True)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Empty: you.")

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data.get("credit_code"))


class CustomerBulkEditForm(BulkEditForm):
    level = forms.ChoiceField(choices=[("", "—"), *Level.choices], label=_("Level"))
    industry = forms.ChoiceField(choices=[("", "—"), *Industry.choices], label=_("Industry"))
    source = forms.ChoiceField(choices=[("", "—"), *Source.choices], label=_("Source"))
    owner = forms.ModelChoiceField(queryset=Employee.objects.filter(is_active=True), label=_("Owner"),
                                   widget=AutocompleteSelect("org.employee"))
    tags = forms.CharField(label=_("Add tags"), max_length=200, help_text=_("Comma-separated."))

    def clean_tags(self):
        return parse_tags(self.cleaned_data.get("tags") or "")


class ContactForm(KedaoModelForm):
    class Meta:
        model = Contact
        fields = ("customer", "name", "title", "department", "mobile", "phone", "email", "wechat",
                  "decision_role", "birthday", "notes")
        widgets = {"customer": AutocompleteSelect("customers.customer"),
                   "birthday": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "notes": forms.Textarea(attrs={"rows": 3})}
        # Only customers the user may change can receive a new contact.
        related_actions = {"customer": "change"}
