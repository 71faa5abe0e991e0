"""Base FilterSet: one per object, used by its list page AND its API endpoint.

Sorting goes through the `ordering` filter, an allow-list: an unknown field is a validation error
(a 400 in the API, a message beside the filter on the page), never a raw `order_by()`.
"""

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class KedaoFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))

    # Subclasses name the fields that `q` searches and the fields one may sort by.
    search_fields: tuple = ()
    # Field names, or (field path, parameter name) pairs such as ("owner__last_name", "owner").
    ordering_fields: tuple = ()

    @classmethod
    def get_filters(cls):
        # Built with the class (not per instance), so the API schema documents `ordering` too.
        filters = super().get_filters()
        pairs = [f if isinstance(f, tuple) else (f, f) for f in (cls.ordering_fields or ("id",))]
        filters["ordering"] = django_filters.OrderingFilter(fields=pairs, label=_("Sort by"))
        return filters

    @classmethod
    def ordering_params(cls):
        """The names `?ordering=` accepts (a table header may only link to these)."""
        return {f[1] if isinstance(f, tuple) else f for f in (cls.ordering_fields or ("id",))}

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_kedao_styled", False):
            from core.forms import style_fields

            style_fields(form, small=True)
            # "All" instead of Django's "---------" for an empty filter.
            for field in form.fields.values():
                if getattr(field, "empty_label", None) is not None:
                    field.empty_label = _("All")
                elif isinstance(field, forms.ChoiceField) and field.choices and field.choices[0][0] == "":
                    field.choices = [("", _("All")), *field.choices[1:]]
            form._kedao_styled = True
        return form

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        return queryset.filter(search_condition(self.search_fields, value))

    @property
    def qs(self):
        queryset = super().qs
        if not queryset.query.order_by:
            queryset = queryset.order_by(*self.default_ordering())
        elif "pk" not in queryset.query.order_by and "-pk" not in queryset.query.order_by:
            # A unique tie-breaker keeps pages stable when many rows share the sort value.
            queryset = queryset.order_by(*queryset.query.order_by, "-pk")
        return queryset

    def default_ordering(self):
        ordering = list(self._meta.model._meta.ordering or ["-pk"])
        if "pk" not in ordering and "-pk" not in ordering and "id" not in ordering and "-id" not in ordering:
            ordering.append("-pk")
        return ordering


def search_condition(fields, value):
    """What `q` means for an object type: any of its search fields contains the text. One
    definition for the list filter, the API, global search and autocomplete."""
    condition = Q()
    for field in fields:
        exact = field.endswith("__iexact") or field.endswith("__exact")
        condition |= Q(**{field: value}) if exact else Q(**{f"{field}__icontains": value})
    return condition


def list_count_limit():
    return settings.KEDAO["LIST_COUNT_LIMIT"]
