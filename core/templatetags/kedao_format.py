"""`{% load kedao_format %}{{ value|fmt }}`: a value as core.formatting shows it everywhere else
(local date-times without microseconds, 是/否, ¥ amounts, "—" when empty)."""

from django import template

from core import formatting

register = template.Library()


@register.filter
def fmt(value):
    return formatting.format_value(value)
