from decimal import Decimal

from django import template

from core.formatting import format_money

register = template.Library()


@register.filter
def figure(value, money=True):
    """A plan or actual figure: ¥1,234.50 for money, 1,234 for counts."""
    if value is None or value == "":
        return "—"
    return format_money(value) if money else f"{int(Decimal(value)):,}"
