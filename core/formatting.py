"""How a value reads to a person: the one formatting layer of Kedao.

Every surface that shows a stored value goes through here, so a date, an amount or a yes/no
reads the same everywhere:

- detail pages (`core.views.generic.ObjectView.field_rows`),
- list columns (`core.tables`: cells whose column does not render them itself),
- the history panel (`core.panels`, values as the audit log stored them: `format_stored`),
- exports (`core.exports.typed_cell` keeps dates and numbers typed, and takes the text of
  everything else from here),
- templates (`{% load kedao_format %}{{ value|fmt }}`),
- e-mail and notifications later: render a value with `format_value(value, field)` (or
  `format_field(obj, name)` for a model field) under the recipient's language
  (`translation.override`) and time zone (`timezone.override`), never with `str(value)`.

The rules:

=====================  ==============================================================
empty (None, "", [])   "—" (`EMPTY`)
bool                   是 / 否 (Yes / No)
datetime               in the current time zone (the company's, settings.TIME_ZONE, unless a
                       request activated the user's), "2026-11-28 13:49": one format for lists,
                       detail, history and exports, no seconds, no microseconds
date                   "2026-11-28"
money                  "¥1,234.50": a DecimalField named in the model's `money_fields`;
                       the currency from the row's `currency` field when it has one, else CNY
other numbers          Decimal and float with thousands separators ("1,234.5"); int as is
choices                the display label
related object         str(obj)
many-to-many and tags  "甲, 乙" (comma list; tags sorted)
=====================  ==============================================================
"""

import datetime
import decimal

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import pgettext

EMPTY = "—"
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
DEFAULT_CURRENCY = "CNY"
CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "JP¥"}
LIST_SEPARATOR = ", "


def is_empty(value):
    return value is None or value == "" or (isinstance(value, list | tuple | set) and not value)


def yes_no(value):
    return pgettext("boolean", "Yes") if value else pgettext("boolean", "No")


def local_datetime(value):
    """An aware datetime in the current time zone, to the second (naive ones are taken as local)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(microsecond=0)


def format_datetime(value):
    # DATETIME_FORMAT ("Y-m-d H:i") written directly: the same text as date_format(), which
    # parses the format for every value (a tenth of a list page's rendering).
    value = local_datetime(value)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}"


def format_date(value):
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"  # DATE_FORMAT, "Y-m-d"


def format_money(amount, currency=DEFAULT_CURRENCY):
    """¥1,234.50 — two decimals, thousands separators; a minus sign before the symbol."""
    amount = decimal.Decimal(amount)
    symbol = CURRENCY_SYMBOLS.get(currency or DEFAULT_CURRENCY, f"{currency} ")
    sign = "-" if amount < 0 else ""
    return f"{sign}{symbol}{abs(amount):,.2f}"


def format_number(value):
    if isinstance(value, decimal.Decimal | float):
        return f"{value:,}"
    return str(value)


def is_money(field):
    model = getattr(field, "model", None)
    return isinstance(field, models.DecimalField) and field.name in getattr(model, "money_fields", ())


def is_many(value):
    """A related manager (many-to-many, reverse foreign key, taggit tags)."""
    return hasattr(value, "all") and hasattr(value, "instance") and not isinstance(value, models.Model)


def many_labels(manager):
    from core.tagging import tag_names

    if hasattr(manager, "through") and getattr(manager.through, "tag_model", None):
        return tag_names(manager)
    return [str(item) for item in manager.all()]


def choice_label(field, value):
    choices = getattr(field, "flatchoices", None)
    if not choices:
        return value
    return dict(choices).get(value, value)


def format_value(value, field=None, currency=None):
    """The text a person reads for `value` (of model field `field`, when known)."""
    if is_empty(value):
        return EMPTY
    if field is not None and getattr(field, "choices", None) and not isinstance(value, bool):
        value = choice_label(field, value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, datetime.time):
        return f"{value.hour:02d}:{value.minute:02d}"  # TIME_FORMAT, "H:i"
    if isinstance(value, decimal.Decimal) and field is not None and is_money(field):
        return format_money(value, currency)
    if isinstance(value, int | float | decimal.Decimal):
        return format_number(value)
    if isinstance(value, models.Model):
        return str(value)
    if is_many(value):
        return LIST_SEPARATOR.join(many_labels(value)) or EMPTY
    if isinstance(value, list | tuple | set | frozenset):
        return LIST_SEPARATOR.join(format_value(item) for item in value)
    return str(value)


def field_value(obj, name):
    """The value of `obj.<name>` ready for display: a choice's label, the related object, or
    for many-to-many and tags the list of labels."""
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if is_many(value):
        return many_labels(value)
    if getattr(field, "choices", None) and not isinstance(value, bool):
        return getattr(obj, f"get_{name}_display")() if value not in (None, "") else value
    return value


def format_field(obj, name):
    """The text of one field of a record, as detail pages and mail show it."""
    field = obj._meta.get_field(name)
    currency = getattr(obj, "currency", None) if is_money(field) else None
    return format_value(field_value(obj, name), None if field.choices else field, currency=currency)


def field_label(field_or_name):
    """A field's label with a capital first letter (English verbose names are lowercase)."""
    label = getattr(field_or_name, "verbose_name", None) or getattr(field_or_name, "name", field_or_name)
    return capfirst(label)


def from_stored(field, value):
    """A value as `core.services.serialize_object` stored it in the audit log (JSON), back as the
    Python value the field holds, so that it formats like the live value."""
    if value is None or field is None:
        return value
    if isinstance(value, dict):  # a foreign key: {"id": …, "label": …}
        return value.get("label")
    if isinstance(value, str):
        if isinstance(field, models.DateTimeField):
            return parse_datetime(value) or value
        if isinstance(field, models.DateField):
            return parse_date(value) or value
        if isinstance(field, models.TimeField):
            return parse_time(value) or value
        if isinstance(field, models.DecimalField):
            try:
                return decimal.Decimal(value)
            except decimal.InvalidOperation:
                return value
    return value


def format_stored(field, value):
    """The text of a value from the audit log (history panel)."""
    return format_value(from_stored(field, value), field)


def hidden_record_label():
    """What a page, a list or an export shows for a related record the reader may not see."""
    from django.utils.translation import gettext

    return gettext("a record you cannot see")
