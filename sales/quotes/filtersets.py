import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import KedaoFilterSet
from core.widgets import AutocompleteSelect
from org.models import ProductLine
from sales.models import Opportunity, Quote, QuoteDiscountThreshold, QuoteLine, QuoteStatus


class QuoteFilterSet(KedaoFilterSet):
    search_fields = ("number", "title", "opportunity__search_key")
    ordering_fields = ("number", "revision", "status", "quote_date", "valid_until", "net_total", "gross_total",
                       "total_discount", "updated_at", ("opportunity__name", "opportunity"))

    opportunity = django_filters.ModelChoiceFilter(queryset=Opportunity.objects.all(), label=_("Opportunity"),
                                                   widget=AutocompleteSelect("sales.opportunity"))
    status = django_filters.MultipleChoiceFilter(choices=QuoteStatus.choices, label=_("Status"))
    product_line = django_filters.ModelChoiceFilter(queryset=ProductLine.objects.all(), label=_("Product line"),
                                                    field_name="opportunity__product_line")
    quote_after = django_filters.DateFilter(field_name="quote_date", lookup_expr="gte", label=_("Quoted from"))
    quote_before = django_filters.DateFilter(field_name="quote_date", lookup_expr="lte", label=_("Quoted until"))

    class Meta:
        model = Quote
        fields = ["opportunity", "status", "product_line", "quote_after", "quote_before"]


class QuoteLineFilterSet(KedaoFilterSet):
    search_fields = ("quote__number", "description", "product__search_key", "product__code__iexact")
    ordering_fields = ("description", "quantity", "unit_price", "discount", "updated_at", ("product__code", "product"))

    quote = django_filters.ModelChoiceFilter(queryset=Quote.objects.all(), label=_("Quote"),
                                             widget=AutocompleteSelect("sales.quote"))

    class Meta:
        model = QuoteLine
        fields = ["quote"]


class QuoteDiscountThresholdFilterSet(KedaoFilterSet):
    search_fields = ("notes", "product_line__name")
    ordering_fields = ("notes", "max_discount", "updated_at", ("product_line__name", "product_line"))

    product_line = django_filters.ModelChoiceFilter(queryset=ProductLine.objects.all(), label=_("Product line"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = QuoteDiscountThreshold
        fields = ["product_line", "is_active"]
