from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import KedaoModelForm, style_fields
from core.widgets import AutocompleteSelect
from sales.models import Quote, QuoteDiscountThreshold, QuoteLine

from .services import MESSAGE_MAX, SUBJECT_MAX


def _date():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuoteForm(KedaoModelForm):
    class Meta:
        model = Quote
        fields = ("opportunity", "title", "quote_date", "valid_until", "currency", "price_list", "discount", "terms",
                  "notes")
        widgets = {"opportunity": AutocompleteSelect("sales.opportunity"), "quote_date": _date(),
                   "valid_until": _date(), "terms": forms.Textarea(attrs={"rows": 3}),
                   "notes": forms.Textarea(attrs={"rows": 2})}
        # A quote is part of its opportunity: only deals the user may change receive one.
        related_actions = {"opportunity": "change"}


class QuoteLineForm(KedaoModelForm):
    class Meta:
        model = QuoteLine
        fields = ("quote", "product", "description", "quantity", "unit_price", "discount")
        widgets = {"quote": AutocompleteSelect("sales.quote"), "product": AutocompleteSelect("sales.product")}
        related_actions = {"quote": "change"}


class QuoteDiscountThresholdForm(KedaoModelForm):
    class Meta:
        model = QuoteDiscountThreshold
        fields = ("product_line", "max_discount", "is_active", "notes")


class QuoteSendForm(forms.Form):
    """To whom and what: the opportunity's contacts with an e-mail address are offered as boxes to
    tick; other addresses are typed (separated by commas)."""

    contacts = forms.MultipleChoiceField(label=_("Contacts"), required=False, widget=forms.CheckboxSelectMultiple)
    other = forms.CharField(label=_("Other addresses"), required=False, max_length=2000,
                            help_text=_("E-mail addresses separated by commas."))
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_MAX)
    message = forms.CharField(label=_("Message"), required=False, max_length=MESSAGE_MAX,
                              widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, contacts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].choices = [(c.email, f"{c.name} <{c.email}>") for c in contacts]
        style_fields(self)

    def recipients(self):
        return [*self.cleaned_data.get("contacts", []), self.cleaned_data.get("other", "")]
