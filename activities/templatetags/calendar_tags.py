"""One calendar entry as HTML, built in Python: a week of a team holds hundreds of entries, and an
{% include %} per entry cost most of the page's time (bench/activities.py, docs/benchmarks.md)."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@register.simple_tag
def calendar_entry(entry, team=False):
    a = entry.activity
    attrs = [("class", f"kd-entry {entry.css}{' kd-movable' if entry.movable else ''}"), ("data-entry", a.pk)]
    if entry.movable:
        attrs += [("data-move-url", reverse("activities:calendar_move", args=[a.pk])), ("data-version", a.version),
                  ("data-mode", entry.mode)]
        for name, value in (("data-starts", a.starts_at), ("data-ends", a.ends_at), ("data-due", a.due_at)):
            if value:
                attrs.append((name, _local(value)))
    kind = a.get_kind_display()
    title = f"{kind} · {a.subject}" + (f" · {a.owner}" if team else "")
    attrs += [("data-testid", f"entry-{a.pk}"), ("title", title)]
    label = format_html('<span class="kd-entry-time">{}</span> ', entry.label) if entry.label else ""
    owner = format_html(' <span class="kd-entry-owner">{}</span>', a.owner) if team else ""
    resize = mark_safe('<span class="kd-resize" data-resize aria-hidden="true"></span>') \
        if entry.movable and entry.section == "grid" else ""
    return format_html(
        '<div {}>\n  <a class="kd-entry-link" href="{}">{}<span class="kd-entry-subject">{}</span>{}'
        '<span class="visually-hidden"> · {} · {}</span></a>\n  {}\n</div>',
        format_html_join(" ", '{}="{}"', attrs), a.get_absolute_url(), label, a.subject, owner, kind,
        a.get_status_display(), resize)
