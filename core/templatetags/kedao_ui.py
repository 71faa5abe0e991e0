"""Template helpers of Kedao's design system: icons and the action vocabulary.

Icons come from the Bootstrap Icons font shipped by the `django-js-lib-bootstrap-icons` package and
served from our own static files (no CDN). Every page names an action the same way and with the
same icon through `ACTIONS`, so "edit" is always a pencil and "delete" always a red trash can.
"""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

register = template.Library()

# action -> (icon, label, Bootstrap button style)
ACTIONS = {
    "add": ("plus-lg", _("Add"), "primary"),
    "edit": ("pencil", _("Edit"), "primary"),
    "share": ("people", _("Share"), "outline-secondary"),
    "delete": ("trash", _("Delete"), "outline-danger"),
    "export": ("download", _("Export"), "outline-secondary"),
    "restore": ("arrow-counterclockwise", _("Restore"), "outline-primary"),
    "remove": ("x-lg", _("Remove"), "link"),
    "filter": ("funnel", _("Filter"), "outline-primary"),
    "columns": ("layout-three-columns", _("Columns"), "outline-secondary"),
    "compact": ("arrows-collapse", _("Compact"), "outline-secondary"),
    "back": ("arrow-left", _("Back"), "outline-secondary"),
    "home": ("house", _("Home"), "outline-secondary"),
    "search": ("search", _("Search"), "outline-secondary"),
    "save": ("check-lg", _("Save"), "primary"),
    "cancel": ("x-lg", _("Cancel"), "outline-secondary"),
}


@register.simple_tag
def icon(name, extra_class=""):
    """A decorative icon (hidden from screen readers: the text beside it says what it means)."""
    name = ACTIONS[name][0] if name in ACTIONS else name
    return format_html('<i class="bi bi-{}{}" aria-hidden="true"></i>', name,
                       f" {extra_class}" if extra_class else "")


@register.simple_tag
def action_label(name):
    return ACTIONS[name][1] if name in ACTIONS else name


@register.simple_tag
def action_style(name):
    return ACTIONS[name][2] if name in ACTIONS else "outline-secondary"


@register.filter
def message_level(message):
    """Bootstrap colour of a Django message (messages call the red one "error")."""
    tags = getattr(message, "level_tag", "") or "info"
    return "danger" if tags == "error" else tags


@register.filter
def ago(value):
    """One relative-time format everywhere: "刚刚", "5 分钟前", "3 小时前", "2 天前", then the
    date. (humanize's naturaltime mixes units, "1 月，3 周前", and words differently per place.)"""
    if not value:
        return ""
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import gettext, ngettext

    seconds = (timezone.now() - value).total_seconds()
    if seconds < 60:
        return gettext("just now")
    if seconds < 3600:
        minutes = int(seconds // 60)
        return ngettext("%(n)d minute ago", "%(n)d minutes ago", minutes) % {"n": minutes}
    if seconds < 86400:
        hours = int(seconds // 3600)
        return ngettext("%(n)d hour ago", "%(n)d hours ago", hours) % {"n": hours}
    if seconds < 30 * 86400:
        days = int(seconds // 86400)
        return ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}
    return date_format(timezone.localtime(value), "Y-m-d")


@register.simple_tag
def page_info(table, count, capped, per_page):
    """Where the list is: page number, and the last page only when the bounded count is exact
    (beyond the limit the list never counts its rows, so there is no "last")."""
    page = getattr(table, "page", None)
    if page is None:
        return None
    last = None if capped else max(1, -(-count // per_page))
    number = page.number
    return {
        "number": number, "last": last,
        "has_previous": number > 1,
        "has_next": page.has_next() if last is None else number < last,
        "previous": number - 1, "next": number + 1,
        "show": number > 1 or page.has_next(),
    }


@register.filter
def link_filters(form):
    """(label, text) of each hidden filter in use on a list (one only a link sets, such as a
    report's drill-down), read from the validated values: an object's name, not its id."""
    from core import formatting

    cleaned = getattr(form, "cleaned_data", None) or {}
    chips = []
    for name, field in form.fields.items():
        if name == "ordering" or not field.widget.is_hidden:
            continue
        value = cleaned.get(name)
        if value in (None, "", [], ()):
            continue
        chips.append((field.label, formatting.format_value(value)))
    return chips
