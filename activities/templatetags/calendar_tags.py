"""One calendar entry as HTML, built in Python: a week of a team holds thousands of entries, and an
{% include %} per entry cost most of the page's time (bench/activities.py, docs/benchmarks.md).
Per page, the labels and URL patterns are looked up once (not a gettext and two reverse() per
entry), and an entry drawn twice (the week grid and the phone agenda) is built once."""

from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from ..models import Activity, ActivityKind, ActivityStatus

register = template.Library()
PK = 2147483647  # a placeholder id, replaced in the reversed URL pattern


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


class _Page:
    """What every entry of one page shares."""

    def __init__(self):
        self.kinds = {key: str(label) for key, label in ActivityKind.choices}
        self.statuses = {key: str(label) for key, label in ActivityStatus.choices}
        self.move_url = reverse("activities:calendar_move", args=[PK])
        self.detail_url = Activity(pk=PK).get_absolute_url()
        self.built = {}


def _url(pattern, pk):
    return pattern.replace(str(PK), str(pk))


@register.simple_tag(takes_context=True)
def calendar_entry(context, entry, team=False):
    page = context.render_context.get("calendar_page")
    if page is None:
        page = context.render_context["calendar_page"] = _Page()
    key = (id(entry), bool(team))
    if key not in page.built:
        page.built[key] = mark_safe(_entry_html(page, entry, team))  # noqa: S308 (every value escaped below)
    return page.built[key]


def _entry_html(page, entry, team):
    a: Activity = entry.activity
    kind = page.kinds.get(a.kind, a.kind)
    attrs = [("class", f"kd-entry {entry.css}{' kd-movable' if entry.movable else ''}"), ("data-entry", a.pk)]
    if entry.movable:
        attrs += [("data-move-url", _url(page.move_url, a.pk)), ("data-version", a.version), ("data-mode", entry.mode)]
        for name, value in (("data-starts", a.starts_at), ("data-ends", a.ends_at), ("data-due", a.due_at)):
            if value:
                attrs.append((name, _local(value)))
    owner = str(a.owner) if team and a.owner_id else ""
    title = f"{kind} · {a.subject}" + (f" · {owner}" if team else "")
    attrs += [("data-testid", f"entry-{a.pk}"), ("title", title)]
    label = f'<span class="kd-entry-time">{escape(entry.label)}</span> ' if entry.label else ""
    owner_html = f' <span class="kd-entry-owner">{escape(owner)}</span>' if team else ""
    resize = '<span class="kd-resize" data-resize aria-hidden="true"></span>' \
        if entry.movable and entry.section == "grid" else ""
    attributes = " ".join(f'{name}="{escape(str(value))}"' for name, value in attrs)
    return (f'<div {attributes}>\n  <a class="kd-entry-link" href="{_url(page.detail_url, a.pk)}">{label}'
            f'<span class="kd-entry-subject">{escape(a.subject)}</span>{owner_html}'
            f'<span class="visually-hidden"> · {escape(kind)} · {escape(page.statuses.get(a.status, a.status))}'
            f'</span></a>\n  {resize}\n</div>')
