import json
from urllib.parse import urlencode

from django import forms
from django.urls import reverse

from core import limits

EMPTY_LABEL = "—"  # "nothing chosen" in forms (filters say "All")


def picker_queryset(queryset):
    """Rows for a picker, with what `option_label` reads from related rows in the same query."""
    related = [name for name in getattr(queryset.model, "picker_detail_fields", ())
               if getattr(queryset.model._meta.get_field(name), "many_to_one", False)]
    return queryset.select_related(*related) if related else queryset


def option_details(obj):
    """The details that tell two namesakes apart (a model lists them in `picker_detail_fields`):
    "北京销售一部 · 客户经理"; "" when there are none."""
    return " · ".join(str(value) for value in (getattr(obj, name, None)
                                                for name in getattr(obj, "picker_detail_fields", ()))
                      if value not in (None, ""))


def option_label(obj):
    """What a picker shows for a row: its name, then its details (王伟 — 北京销售一部 · 客户经理)."""
    details = option_details(obj)
    return f"{obj} — {details}" if details else str(obj)


class AutocompleteSelect(forms.Select):
    """A select that only renders its current choice; typing in the search box above it loads
    matching options from /autocomplete/<object type>/ (scoped by visible_to). Works for tables of
    millions of rows, where a full <select> would not."""

    template_name = "core/widgets/autocomplete_select.html"

    def __init__(self, object_type, attrs=None, action="view"):
        """`action`: the search offers the rows the user may do this to, as the form field accepts
        (a contact's customer is one the user may change: action="change")."""
        super().__init__(attrs)
        self.object_type = object_type
        self.action = action

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse("core:autocomplete", args=[self.object_type])
        if self.action != "view":
            url = f"{url}?{urlencode({'action': self.action})}"
        context["widget"]["autocomplete_url"] = url
        # As tall as the fields beside it: small in filter bars, normal in forms.
        context["widget"]["small"] = "form-select-sm" in context["widget"]["attrs"].get("class", "")
        # The loaded options start with the same "nothing chosen" label as the rendered select.
        context["widget"]["search_vals"] = json.dumps({"empty": str(self.empty_label())}, ensure_ascii=False)
        return context

    def empty_label(self):
        field = getattr(self.choices, "field", None)
        label = getattr(field, "empty_label", None)
        return EMPTY_LABEL if label in (None, "---------") else label

    def optgroups(self, name, value, attrs=None):
        # Render only the selected option, not the whole queryset.
        selected = [str(v) for v in value if v not in (None, "")]
        groups = []
        if selected and hasattr(self.choices, "queryset"):
            # A re-rendered invalid form may carry anything the browser sent ("abc", an id too big
            # for the column): skip it.
            valid = limits.parse_ids(selected, self.choices.queryset.model._meta.pk)
            for index, obj in enumerate(picker_queryset(self.choices.queryset.filter(pk__in=valid))):
                groups.append((None, [self.create_option(name, obj.pk, option_label(obj), True, index)], index))
        groups.insert(0, (None, [self.create_option(name, "", self.empty_label(), not selected, 0)], 0))
        return groups
