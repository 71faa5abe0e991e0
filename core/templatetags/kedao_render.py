"""Markup that every page repeats many times, written in Python instead of a template per item:
the list tables' rows (core.tables.render_body) and a select's options. The same HTML as the
templates they replace; a list page renders in about half the time (docs/benchmarks.md,
"Fast generic pages")."""

from django import template
from django.template.base import render_value_in_context
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from core.tables import render_body

register = template.Library()

PLAIN_OPTION = "django/forms/widgets/select_option.html"


@register.simple_tag(takes_context=True)
def render_table_here(context, table):
    """django-tables2's {% render_table %} in the page's own context. That tag renders the table's
    template as a new page (`template.render(context, request)`), so every context processor ran
    a second time per list page — the menu alone, 90 URL reversals and a permission check per
    entry (about 4 ms). Here the template renders as an {% include %} does; the same markup."""
    request = context.get("request")
    table.context = context  # as django-tables2 does, for columns rendered from a template
    table.before_render(request)
    try:
        with context.push(table=table):
            return get_template(table.template_name).template.render(context)
    finally:
        del table.context


@register.simple_tag(takes_context=True)
def table_body(context, table):
    return render_body(table, context)


@register.simple_tag(takes_context=True)
def select_options(context, widget):
    """The <optgroup>s and <option>s of Django's select.html, each plain option written directly
    (Django includes select_option.html once per option: 50 µs each, 7 ms for 137 industries)."""
    parts = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{render_value_in_context(group_name, context)}">')
        for option in group_choices:
            parts.append("\n  ")
            if option["template_name"] != PLAIN_OPTION:
                parts.append(get_template(option["template_name"]).render({"widget": option}))
                continue
            attrs = "".join(
                f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
                for name, value in option["attrs"].items() if value is not False
            )
            parts.append(f'<option value="{conditional_escape(str(option["value"]))}"{attrs}>'
                         f'{render_value_in_context(option["label"], context)}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 — names, values and labels are escaped above
