from django import forms
from django.urls import reverse
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

    # The fields the duplicate check reads (customers/duplicates.py), as the page sends them.
    duplicate_keys = ("name", "credit_code", "phone", "email")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Employee.objects.filter(is_active=True)
        self.fields["owner"].required = False
        self.fields["owner"].help_text = _("Empty: you.")
        # Candidates found on save, as the user may see them (shown with the "different company"
        # checkbox), or None.
        self.duplicate_candidates = None
        if self.instance.pk is None:
            # While the user types, the page lists probable duplicates (HTMX, customer_duplicates).
            include = ",".join(f"[name={name}]" for name in self.duplicate_keys)
            for name in self.duplicate_keys:
                self.fields[name].widget.attrs.update({
                    "hx-get": reverse("customers:customer_duplicates"), "hx-target": "#duplicate-candidates",
                    "hx-trigger": "input changed delay:400ms, change", "hx-include": include,
                    "hx-sync": "closest form:replace",
                })

    def clean_credit_code(self):
        return normalize_credit_code(self.cleaned_data.get("credit_code"))

    def clean(self):
        cleaned = super().clean()
        # Creating a probable duplicate takes a second, conscious step: the checkbox shown with
        # the candidates. (A credit code another live customer has is refused all the same.)
        if self.instance.pk is None and not self.errors and not self.data.get("confirm_duplicate"):
            from .duplicates import candidate_rows, find_candidates

            candidates = find_candidates(**{name: cleaned.get(name) or "" for name in self.duplicate_keys}, limit=5)
            if candidates:
                self.duplicate_candidates = candidate_rows(candidates, self.user)
                self.add_error(None, _("This customer probably exists already (see below). Open it, or tick "
                                       "“This is a different company” and save again."))
        return cleaned


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
