"""What we sell: products per product line and price lists valid for a period."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import KedaoModel
from core.search import SearchKeyModel

MONEY = {"max_digits": 16, "decimal_places": 2}


class Product(KedaoModel, SearchKeyModel):
    search_text_fields = ("name",)
    picker_detail_fields = ("code", "product_line")
    money_fields = ("list_price",)

    product_line = models.ForeignKey("org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT,
                                     related_name="products")
    code = models.CharField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, default="套", help_text=_("e.g. 台, 套, 年, user"))
    list_price = models.DecimalField(_("list price"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    tax_rate = models.DecimalField(_("tax rate %"), max_digits=5, decimal_places=2, default=Decimal("13.00"),
                                   validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)

    reference_data = True  # anyone may pick one (core.related)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ("code",)
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(deleted_at__isnull=True),
                                    name="sales_product_code_unique_live",
                                    violation_error_message=_("Another product has this code.")),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class PriceList(KedaoModel):
    name = models.CharField(_("name"), max_length=100)
    product_line = models.ForeignKey("org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT,
                                     related_name="price_lists", null=True, blank=True,
                                     help_text=_("Empty: every product line."))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True, help_text=_("Empty: no end."))
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    reference_data = True  # anyone may pick one (core.related)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ("-valid_from", "name")

    def __str__(self):
        return self.name

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end must not be before the start.")})

    def is_valid_on(self, day):
        return self.is_active and self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class PriceListItem(KedaoModel):
    price_list = models.ForeignKey(PriceList, verbose_name=_("price list"), on_delete=models.PROTECT,
                                   related_name="items")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="price_list_items")
    price = models.DecimalField(_("price"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    money_fields = ("price",)

    class Meta:
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        ordering = ("price_list", "product__code")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], condition=Q(deleted_at__isnull=True),
                                    name="sales_pricelist_product_unique_live",
                                    violation_error_message=_("This product is already on the price list.")),
        ]

    def __str__(self):
        return f"{self.price_list} · {self.product}"
