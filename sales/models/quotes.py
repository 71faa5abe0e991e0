"""Quotes (报价单): priced line items offered to the customer of an opportunity.

A quote follows its opportunity (scope kind "parent"), so product-line isolation carries over: who
may not see a deal may not see its quotes. The quotes of one opportunity form one chain of
versions sharing a number (Q-2026-000123 v1, v2…); only the newest version, while it is a draft,
may be edited (sales.quotes.rules). Totals are kept on the quote (sales.quotes.totals), so lists and
the API read them without summing lines row by row."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import KedaoModel

from .catalog import MONEY, PriceList, Product
from .opportunities import Opportunity

PERCENT = {"max_digits": 5, "decimal_places": 2,
           "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]}
DEFAULT_VALIDITY_DAYS = 30


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending_approval", _("Pending approval")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", pgettext_lazy("quote status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("quote status", "Rejected")
    EXPIRED = "expired", _("Expired")


def plain_number(value):
    """2.50 → "2.5", 10.00 → "10" (a Decimal without trailing zeros, never in exponent form)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _today():
    return timezone.localdate()


class Quote(KedaoModel):
    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.PROTECT,
                                    related_name="quotes")
    # Set by the services: the number is the chain's, the revision counts its versions.
    number = models.CharField(_("number"), max_length=20, editable=False, db_index=True)
    revision = models.PositiveIntegerField(_("quote version"), default=1, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT,
                              editable=False)
    title = models.CharField(_("quote title"), max_length=200, blank=True, help_text=_("Empty: the opportunity's name."))
    quote_date = models.DateField(_("quote date"), default=_today,
                                  help_text=_("Prices come from the price list valid on this day."))
    valid_until = models.DateField(_("valid until"), null=True, blank=True,
                                   help_text=_("Empty: 30 days after the quote date."))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    price_list = models.ForeignKey(PriceList, verbose_name=_("price list"), on_delete=models.PROTECT,
                                   related_name="quotes", null=True, blank=True,
                                   help_text=_("Empty: each product's list price."))
    discount = models.DecimalField(_("quote discount %"), default=Decimal("0"),
                                   help_text=_("Taken off the whole quote, after the line discounts."), **PERCENT)
    terms = models.TextField(_("terms"), blank=True, help_text=_("Payment, delivery, warranty…"))
    notes = models.TextField(_("notes"), blank=True)
    # Kept by sales.quotes.totals after every change of the quote or a line.
    list_total = models.DecimalField(_("list value"), **MONEY, default=Decimal("0"), editable=False)
    net_total = models.DecimalField(_("net total"), **MONEY, default=Decimal("0"), editable=False)
    tax_total = models.DecimalField(_("tax"), **MONEY, default=Decimal("0"), editable=False)
    gross_total = models.DecimalField(_("total"), **MONEY, default=Decimal("0"), editable=False)
    total_discount = models.DecimalField(_("total discount %"), max_digits=7, decimal_places=2,
                                         default=Decimal("0"), editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, editable=False)
    sent_to = models.CharField(_("sent to"), max_length=500, blank=True, editable=False)

    scope_kind = "parent"
    scope_parent = "opportunity"
    money_fields = ("list_total", "net_total", "tax_total", "gross_total")

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ("-updated_at",)
        indexes = [models.Index(fields=["opportunity", "-revision"], name="sales_quote_opp_rev")]
        constraints = [
            models.UniqueConstraint(fields=["number", "revision"], condition=Q(deleted_at__isnull=True),
                                    name="sales_quote_number_revision_unique_live",
                                    violation_error_message=_("Another quote has this number and version.")),
        ]

    def __str__(self):
        return f"{self.number} v{self.revision}" if self.number else str(_("New quote"))

    def clean(self):
        self.title = " ".join((self.title or "").split())
        self.currency = (self.currency or "").strip().upper()
        errors = {}
        if self.quote_date and self.valid_until and self.valid_until < self.quote_date:
            errors["valid_until"] = _("A quote cannot expire before its date.")
        if self.price_list_id and self.quote_date and not self.price_list.is_valid_on(self.quote_date):
            errors["price_list"] = _("This price list is not valid on the quote date.")
        if self.price_list_id and self.currency and self.price_list.currency != self.currency:
            errors["currency"] = _("The price list is in %(currency)s.") % {"currency": self.price_list.currency}
        if errors:
            raise ValidationError(errors)
        if self.quote_date and self.valid_until is None:
            self.valid_until = self.quote_date + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS)

    @property
    def display_title(self):
        return self.title or (self.opportunity.name if self.opportunity_id else "")

    @property
    def is_past_validity(self):
        return self.valid_until is not None and self.valid_until < _today()


class QuoteLine(KedaoModel):
    quote = models.ForeignKey(Quote, verbose_name=_("quote"), on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description"), max_length=200, blank=True,
                                   help_text=_("Configuration, version, service period…"))
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=Decimal("1"),
                                   validators=[MinValueValidator(Decimal("0.01"))])
    unit_price = models.DecimalField(_("unit price"), **MONEY, blank=True,
                                     validators=[MinValueValidator(Decimal("0"))],
                                     help_text=_("Empty: the price list's price, else the list price."))
    discount = models.DecimalField(_("line discount %"), default=Decimal("0"), **PERCENT)
    # The reference price (price list or list price) the discounts are measured against, and the
    # product's tax rate when the line was priced: a sent quote does not change with the catalogue.
    list_price = models.DecimalField(_("list price"), **MONEY, default=Decimal("0"), editable=False)
    tax_rate = models.DecimalField(_("tax rate %"), max_digits=5, decimal_places=2, default=Decimal("0"),
                                   editable=False)
    position = models.PositiveIntegerField(_("position"), default=0, editable=False)

    scope_kind = "parent"
    scope_parent = "quote"
    money_fields = ("unit_price", "list_price")

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ("quote", "position", "pk")

    def __str__(self):
        return f"{self.product} × {plain_number(self.quantity)}" if self.product_id else str(_("New quote line"))

    def clean(self):
        self.description = " ".join((self.description or "").split())
        if not self.product_id or not self.quote_id:
            return
        stored = type(self)._base_manager.filter(pk=self.pk).values_list("product_id", flat=True).first() \
            if self.pk else None
        if stored != self.product_id or not self.list_price:
            from sales.quotes.totals import reference_price

            self.list_price = reference_price(self.quote, self.product)
            self.tax_rate = self.product.tax_rate
        if self.unit_price is None:
            self.unit_price = self.list_price

    @property
    def amount(self):
        """The line's net value before the quote discount (sales.quotes.totals.line_amount)."""
        from sales.quotes.totals import line_amount

        return line_amount(self)


class QuoteDiscountThreshold(KedaoModel):
    """Above which total discount a quote needs a manager's approval: one row for the company
    (no product line) and optionally one per product line, which wins for that line's quotes."""

    product_line = models.ForeignKey("org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT,
                                     related_name="quote_thresholds", null=True, blank=True,
                                     help_text=_("Empty: every product line without a threshold of its own."))
    max_discount = models.DecimalField(_("discount allowed without approval %"), **PERCENT,
                                       help_text=_("A quote whose total discount off the list value is "
                                                   "higher needs approval before it is sent."))
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("quote discount threshold")
        verbose_name_plural = _("quote discount thresholds")
        ordering = ("product_line__name", "pk")
        constraints = [
            models.UniqueConstraint(fields=["product_line"], condition=Q(deleted_at__isnull=True),
                                    name="sales_quote_threshold_line_unique_live",
                                    violation_error_message=_("This product line already has a threshold.")),
        ]

    def __str__(self):
        line = self.product_line if self.product_line_id else _("Company default")
        return f"{line}: {plain_number(self.max_discount)}%" if self.max_discount is not None else str(line)

    def clean(self):
        if self.product_line_id is None:
            others = type(self).objects.filter(product_line__isnull=True).exclude(pk=self.pk)
            if others.exists():
                raise ValidationError({"product_line": _("There is already a company default threshold.")})
