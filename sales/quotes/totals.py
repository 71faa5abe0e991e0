"""A quote's arithmetic, in Decimal, rounded half up to the cent at each step a person would check:

- a line's amount = quantity × unit price × (100 − line discount %) / 100, rounded;
- subtotal = the sum of the line amounts; the quote discount = subtotal × quote discount % / 100,
  rounded; net = subtotal − quote discount;
- tax per tax rate = (the amounts of the lines with that rate) × (100 − quote discount %) / 100 × rate
  / 100, rounded once per rate (the quote discount lowers every rate's base in proportion);
- gross = net + the taxes;
- the list value = the sum of quantity × reference price (price list or list price), rounded per
  line; the total discount % = (list value − net) / list value × 100: what the approval threshold
  is compared with, so a lowered unit price counts as much as a discount.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def money(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_amount(line):
    if line.unit_price is None or line.quantity is None:
        return ZERO
    return money(line.quantity * line.unit_price * (HUNDRED - (line.discount or ZERO)) / HUNDRED)


def line_list_value(line):
    if line.quantity is None:
        return ZERO
    return money(line.quantity * (line.list_price or ZERO))


@dataclass
class Totals:
    list_total: Decimal = ZERO
    subtotal: Decimal = ZERO
    discount_amount: Decimal = ZERO
    net: Decimal = ZERO
    taxes: list = field(default_factory=list)  # [(rate %, tax amount)], by rate
    tax: Decimal = ZERO
    gross: Decimal = ZERO
    total_discount: Decimal = ZERO  # % off the list value

    def stored(self):
        """The values kept on the Quote row."""
        return {"list_total": self.list_total, "net_total": self.net, "tax_total": self.tax,
                "gross_total": self.gross, "total_discount": self.total_discount}


def compute(quote_discount, lines):
    """The totals of lines under a quote discount % (see the module's rules)."""
    discount = quote_discount or ZERO
    amounts = [(line, line_amount(line)) for line in lines]
    subtotal = sum((amount for _line, amount in amounts), ZERO)
    discount_amount = money(subtotal * discount / HUNDRED)
    net = subtotal - discount_amount
    bases = defaultdict(lambda: ZERO)
    for line, amount in amounts:
        bases[line.tax_rate or ZERO] += amount
    taxes = [(rate, money(base * (HUNDRED - discount) / HUNDRED * rate / HUNDRED))
             for rate, base in sorted(bases.items())]
    tax = sum((amount for _rate, amount in taxes), ZERO)
    list_total = sum((line_list_value(line) for line in lines), ZERO)
    total_discount = money((list_total - net) / list_total * HUNDRED) if list_total else ZERO
    return Totals(list_total=list_total, subtotal=subtotal, discount_amount=discount_amount, net=net,
                  taxes=taxes, tax=tax, gross=net + tax, total_discount=total_discount)


def quote_totals(quote):
    from sales.models import QuoteLine

    return compute(quote.discount, list(QuoteLine.objects.filter(quote_id=quote.pk)))


def recalculate(quote_id):
    """Store the totals of quote `quote_id` from its live lines (bookkeeping: no new version)."""
    from sales.models import Quote

    quote = Quote._base_manager.filter(pk=quote_id).only("pk", "discount").first()
    if quote is None:
        return None
    totals = quote_totals(quote)
    Quote._base_manager.filter(pk=quote_id).update(**totals.stored())
    return totals


def reference_price(quote, product):
    """What the product costs on this quote before any discount: the quote's price list's price
    for it, else the product's list price."""
    from sales.models import PriceListItem

    if quote.price_list_id:
        price = (PriceListItem.objects.filter(price_list_id=quote.price_list_id, product_id=product.pk)
                 .values_list("price", flat=True).first())
        if price is not None:
            return price
    return product.list_price


def line_changed(*, instance, **kwargs):
    """Audit hook of QuoteLine: every write of a line (page, API, bulk, restore) updates its quote."""
    recalculate(instance.quote_id)


def quote_changed(*, instance, **kwargs):
    """Audit hook of Quote: its discount is part of the totals."""
    recalculate(instance.pk)
