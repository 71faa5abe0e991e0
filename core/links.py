"""Values a person acts on are links: call a phone (tel:), write an e-mail (mailto:), open a
website or the related record. Used by detail pages; list columns do the same (core.tables)."""

import re

from django.db import models
from django.utils.html import format_html

_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|extension|x|#)\s*(\d+)\s*$", re.IGNORECASE)


def tel_uri(number):
    """tel: link for a phone number as typed ("010-1234 5678 转 801" → tel:01012345678;ext=801)."""
    text = str(number)
    match = _EXTENSION.search(text)
    digits = re.sub(r"[^\d+]", "", text[: match.start()] if match else text)
    return f"tel:{digits};ext={match.group(1)}" if match else f"tel:{digits}"


def phone_link(number):
    return format_html('<a href="{}">{}</a>', tel_uri(number), number)


def field_link(field, value, user):
    """`value` of model field `field` as a link (safe HTML), or None when it is not one."""
    from core.models import PhoneField
    from core.permissions import has_perm

    if value is None or value == "":
        return None
    if isinstance(field, PhoneField):
        return phone_link(value)
    if isinstance(field, models.EmailField):
        return format_html('<a href="mailto:{}">{}</a>', value, value)
    if isinstance(field, models.URLField):
        if not str(value).lower().startswith(("http://", "https://")):
            return None  # never a javascript: or data: address, whatever reached the column
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', value, value)
    if getattr(field, "many_to_one", False) and isinstance(value, models.Model):
        # The caller has made sure the record is in the user's view scope (ObjectView.hidden_related).
        url = value.get_absolute_url() if hasattr(value, "get_absolute_url") else None
        if not url or not has_perm(user, type(value), "view"):
            return None
        return format_html('<a href="{}">{}</a>', url, value)
    return None
