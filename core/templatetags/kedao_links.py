"""Phone numbers and e-mail addresses as links in templates that render values by hand
(`{% load kedao_links %}{{ contact.mobile|tel_link }}`); tables and detail pages do it already."""

from django import template
from django.utils.html import format_html

from core.links import phone_link

register = template.Library()


@register.filter
def tel_link(number):
    return phone_link(number) if number else ""


@register.filter
def mailto_link(address):
    return format_html('<a href="mailto:{}">{}</a>', address, address) if address else ""
