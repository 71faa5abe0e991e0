from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.forms import BulkEditForm, KedaoModelForm
from core.tagging import parse_tags
from core.widgets import AutocompleteSelect
from org.models import Employee

from . import regions
from .models import Contact, Customer, Industry, Level, Source
from .validators import normalize_credit_code


def industry_queryset(current=None):
    """Active entries, and the one a record already has (kept when an administrator deactivated it)."""
    condition = Q(is_active=True)
    if current:
        condition |= Q(pk=current)
    return Industry.objects.filter(condition).select_related("parent").order_by("code")


class IndustryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        # Divisions indented below their section, so the long list reads as the standard's tree.
        return str(obj) if obj.parent_id is None else f"\u2003{obj}"


class AddressInput(forms.TextInput):
    """The address with a "Fill province, city and district" button (HTMX, customers:region_fill)."""

    template_name = "customers/widgets/address_input.html"


REGION_FIELDS = ("province", "city", "district")


def region_choices(level, province="", city=""):
    """(value, label) for one of the dependent selects: names, as the customer stores them."""
    if level == "province":
        rows = regions.provinces()
    else:
        try:
            _p, _c, _d, code = regions.resolve(province, city if level == "district" else "", "")
        except ValidationError:
            return [("", "—")]
        parent = regions.get(code)
        if parent is None or (level == "district") != (parent.level == regions.CITY):
            return [("", "—")]
        rows = regions.children(parent.code)
    return [("", "—"), *((row.name, row.name) for row in rows)]


def region_widgets(form, values):
    """Point the three selects at their choices and at the HTMX end point that refreshes the next."""
    province, city, district = (values.get(name) or "" for name in REGION_FIELDS)
    url = reverse("customers:region_options")
    wanted = {"province": region_choices("province"), "city": region_choices("city", province),
              "district": region_choices("district", province, city)}
    for name, choices in wanted.items():
        current = values.get(name) or ""
        if current and current not in {value for value, _label in choices}:
            choices = [*choices, (current, current)]  # an old value the check will point at
        widget = forms.Select(choices=choices, attrs={"class": "form-select"})
        if name != "district":
            widget.attrs.update({"hx-get": f"{url}?level={'city' if name == 'province' else 'district'}",
                                 "hx-trigger": "change", "hx-include": "#id_province, #id_city",
                                 "hx-target": f"#id_{'city' if name == 'province' else 'district'}",
                                 "hx-swap": "innerHTML"})
        form.fields[name].widget = widget


class CustomerForm(KedaoModelForm):
    # Reference data: any signed-in user may pick an industry, whatever their grants on the
    # classification's own pages (core.related would otherwise offer only what they may view).
    unrestricted_fields = ("industry",)

    class Meta:
        model = Customer
        fields = ("name", "short_name", "kind", "credit_code", "level", "industry", "source", "address", "province",
                  "city", "district", "phone", "email", "website", "owner", "tags", "notes")
        widgets = {"owner": AutocompleteSelect("org.employee"), "notes": forms.Textarea(attrs={"rows": 3}),
                   "address": AddressInput}
        field_classes = {"industry": IndustryChoiceField}

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
        self.fields["industry"].queryset = industry_queryset(self.instance.industry_id)
        values = {name: self.data.get(name) if self.is_bound else self.initial.get(name, "")
                  for name in REGION_FIELDS}
        region_widgets(self, values)

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
    unrestricted_fields = ("pk", "industry")

    level = forms.ChoiceField(choices=[("", "—"), *Level.choices], label=_("Level"))
    industry = IndustryChoiceField(queryset=industry_queryset(), label=_("Industry"))
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
