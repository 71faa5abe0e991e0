"""What a printed quote says, computed once for the printable page and the PDF."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.formatting import format_date, format_money
from sales.models import QuoteLine
from sales.models.quotes import plain_number

from .totals import compute, line_amount
from .words import rmb_upper


@dataclass
class Row:
    pk: int
    position: int
    code: str
    name: str
    description: str
    quantity: str
    unit: str
    unit_price: str
    discount: str
    tax_rate: str
    amount: str


def company_name():
    return str(settings.KEDAO.get("COMPANY_NAME") or "")


def document(quote):
    """Everything the printed quote shows, formatted (money with the quote's currency)."""
    opportunity = quote.opportunity
    customer = opportunity.customer
    currency = quote.currency
    lines = list(QuoteLine.objects.filter(quote=quote).select_related("product").order_by("position", "pk"))
    totals = compute(quote.discount, lines)
    rows = [Row(pk=line.pk, position=index, code=line.product.code, name=line.product.name, description=line.description,
                quantity=plain_number(line.quantity), unit=line.product.unit,
                unit_price=format_money(line.unit_price, currency),
                discount=f"{plain_number(line.discount)}%" if line.discount else "",
                tax_rate=f"{plain_number(line.tax_rate)}%", amount=format_money(line_amount(line), currency))
            for index, line in enumerate(lines, start=1)]
    address = customer.address or ""
    if not (customer.province and address.startswith(customer.province)):
        # A full address often names its province already (imports); else the parts come first.
        address = "".join(part for part in (customer.province, customer.city, customer.district) if part) + address
    seller = opportunity.owner
    summary = [(_("Subtotal"), format_money(totals.subtotal, currency))]
    if quote.discount:
        summary.append((_("Quote discount %(percent)s%%") % {"percent": plain_number(quote.discount)},
                        format_money(-totals.discount_amount, currency)))
    summary.append((_("Net total"), format_money(totals.net, currency)))
    for rate, amount in totals.taxes:
        summary.append((_("VAT %(rate)s%%") % {"rate": plain_number(rate)}, format_money(amount, currency)))
    return {
        "company": company_name(),
        "quote": quote,
        "title": quote.display_title,
        "number": str(quote),
        "status": quote.get_status_display(),
        "quote_date": format_date(quote.quote_date) if quote.quote_date else "",
        "valid_until": format_date(quote.valid_until) if quote.valid_until else "",
        "customer": customer.name,
        "customer_address": address,
        "customer_phone": customer.phone,
        "seller": str(seller) if seller else "",
        "seller_email": getattr(seller, "email", "") or "",
        "seller_phone": getattr(seller, "mobile", "") or "",
        "rows": rows,
        "summary": summary,
        "gross": format_money(totals.gross, currency),
        "gross_words": rmb_upper(totals.gross) if currency == "CNY" else "",
        "terms": quote.terms,
        "notes": quote.notes,
        "totals": totals,
    }
