import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import DateTimeColumn, KedaoTable
from sales.models import Quote, QuoteDiscountThreshold, QuoteLine


class QuoteTable(KedaoTable):
    number = tables.Column(linkify=True)
    opportunity = tables.Column(linkify=True, order_by=("opportunity__name",))
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = Quote
        fields = ("pk", "number", "revision", "title", "opportunity", "status", "quote_date", "valid_until",
                  "net_total", "gross_total", "total_discount", "sent_at", "updated_at")

    default_hidden = ("title", "sent_at", "updated_at")


class QuoteLineTable(KedaoTable):
    # The number, then the version: a quote's lines are told apart by both.
    quote = tables.Column(accessor="quote__number", verbose_name=_("quote"), orderable=False,
                          linkify=lambda record: record.quote.get_absolute_url())
    revision = tables.Column(accessor="quote__revision", verbose_name=_("quote version"), orderable=False)
    product = tables.Column(linkify=True, order_by=("product__code",))
    amount = tables.Column(verbose_name=_("amount"), orderable=False, accessor="amount")

    class Meta(KedaoTable.Meta):
        model = QuoteLine
        fields = ("pk", "quote", "revision", "product", "description", "quantity", "unit_price", "discount", "amount")


class QuoteDiscountThresholdTable(KedaoTable):
    product_line = tables.Column(linkify=False, order_by=("product_line__name",),
                                 default=_("Company default"))
    max_discount = tables.Column(linkify=True)

    class Meta(KedaoTable.Meta):
        model = QuoteDiscountThreshold
        fields = ("pk", "product_line", "max_discount", "is_active", "notes")
