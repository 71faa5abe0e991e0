"""Base FilterSet: one per object, used by its list page AND its API endpoint.

Sorting goes through the `ordering` filter, an allow-list: an unknown field is a validation error
(a 400 in the API, a message beside the filter on the page), never a raw `order_by()`.
"""

import copy

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import related
from core.registry import get_object_type
from core.widgets import AutocompleteSelect

SEARCH_MAX_LENGTH = 100
TEXT_FILTER_MAX_LENGTH = 200


def related_filter(model, filter_):
    """Every foreign-key filter is an autocomplete over the rows the user may see.

    A `<select>` of every customer or employee would not load for a large company, and a number
    box (`?customer=17`) makes people type ids. So a ModelChoiceFilter, or a NumberFilter on a
    foreign key (declared or generated), becomes a ModelChoiceFilter with an AutocompleteSelect,
    its choices scoped through `visible_to` (a value outside them is a 400 naming the filter).
    """
    if isinstance(filter_, django_filters.NumberFilter) and filter_.method is None \
            and filter_.lookup_expr == "exact":
        field = _model_field(model, filter_.field_name)
        if field is None or not field.many_to_one:
            return filter_
        filter_ = django_filters.ModelChoiceFilter(
            field_name=field.name, label=filter_.label, queryset=field.related_model._default_manager.all(),
            distinct=filter_.distinct, exclude=filter_.exclude,
        )
    if not isinstance(filter_, django_filters.ModelChoiceFilter) or getattr(filter_.queryset, "kedao_scoped", False):
        return filter_
    base = filter_.queryset
    related_model = base.model if hasattr(base, "model") else None
    if related_model is None:
        return filter_
    filter_.queryset = scoped_choices(base)
    filter_.related_model = related_model
    return filter_


def autocomplete_widgets(filters):
    """Give each related filter its picker (when the filterset is built: object types register
    after their filtersets are imported)."""
    for filter_ in filters.values():
        model = getattr(filter_, "related_model", None)
        if model is None or isinstance(filter_.extra.get("widget"), AutocompleteSelect):
            continue
        object_type = get_object_type(model)
        if object_type is not None:
            filter_.extra["widget"] = AutocompleteSelect(object_type.key)


def scoped_choices(base):
    """The choices of a related filter as a callable of the request: what the user may view
    (core.related, as for the related fields of forms and serializers)."""

    def choices(request):
        queryset = base(request) if callable(base) else base.all()
        user = getattr(request, "user", None)
        if user is None:
            return queryset.none()  # no request, no user: nothing to choose from (fail closed)
        return related.related_queryset(queryset, user, "view")

    choices.kedao_scoped = True
    return choices


def unused_choices(filterset):
    """A related filter the request gives no value has nothing to validate, and its autocomplete
    renders no option: its choices become no rows, so that the user's visibility condition over
    the related type (its shares, teams, account teams: 5–7 queries for a seller's activity list,
    which filters by customer and opportunity) is not worked out for nothing on every page.
    A filter that has a value keeps its scoped choices (a value outside them is still a 400)."""
    data = filterset.data if filterset.is_bound else {}
    prefix = f"{filterset.form_prefix}-" if filterset.form_prefix else ""
    for name, filter_ in filterset.filters.items():
        model = getattr(filter_, "related_model", None)
        if model is None or not getattr(filter_.queryset, "kedao_scoped", False):
            continue
        values = data.getlist(prefix + name) if hasattr(data, "getlist") else [data.get(prefix + name)]
        if not any(value not in (None, "") for value in values):
            filter_.queryset = model._default_manager.none()


def _model_field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


class _Filters(dict):
    """A filterset class's filters (its `base_filters`), copied for each request the way the
    request uses them. django-filter deep-copies every filter for each filterset made (querysets,
    widgets, choices, labels…): 3 ms of an opportunity list's request. A filter's own attributes
    are what a request changes (its queryset in unused_choices, its `extra` in
    autocomplete_widgets and bound_number_filter, model and parent): each filter is copied with
    its own `extra`, its method bound to the copy, and without a form field built earlier (built
    from the class's filters, it would carry their unscoped choices)."""

    def __deepcopy__(self, memo):
        copied = _Filters()
        for name, filter_ in self.items():
            twin = copy.copy(filter_)
            twin.extra = dict(filter_.extra)
            twin.__dict__.pop("_field", None)
            if filter_.method is not None:
                twin.method = filter_.method  # its FilterMethod, bound to the copy (and its parent)
            copied[name] = twin
        return copied


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
        if cls._meta.model is not None:
            for name, filter_ in list(filters.items()):
                filters[name] = related_filter(cls._meta.model, filter_)
        pairs = [f if isinstance(f, tuple) else (f, f) for f in (cls.ordering_fields or ("id",))]
        filters["ordering"] = django_filters.OrderingFilter(fields=pairs, label=_("Sort by"))
        return _Filters(filters)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        autocomplete_widgets(self.filters)
        unused_choices(self)
        for flt in self.filters.values():
            if isinstance(flt, django_filters.NumberFilter):
                bound_number_filter(flt, self._meta.model)
            elif isinstance(flt, django_filters.CharFilter) and flt.method is None:
                # SQLite refuses a LIKE pattern of 50,000 characters ("pattern too complex").
                flt.extra.setdefault("max_length", TEXT_FILTER_MAX_LENGTH)

    @classmethod
    def ordering_params(cls):
        """The names `?ordering=` accepts (a table header may only link to these)."""
        return {f[1] if isinstance(f, tuple) else f for f in (cls.ordering_fields or ("id",))}

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_kedao_styled", False):
            from core.forms import bound_input, style_fields

            bound_input(form)
            for field in form.fields.values():
                prepare_filter_field(field)
            style_fields(form, small=True)
            form._kedao_styled = True
        return form

    def search(self, queryset, name, value):
        # As global search: the first 100 characters (a longer LIKE pattern is an error on SQLite).
        value = value.strip()[:SEARCH_MAX_LENGTH]
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


def prepare_filter_field(field):
    """How a filter reads: "All" for "no filter" on every select (never Django's "---------"),
    yes/no filters as All / Yes / No (not "Unknown"), dates with the browser's date picker."""
    if isinstance(field, forms.NullBooleanField):
        field.widget = forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))])
    elif getattr(field, "empty_label", None) is not None:
        field.empty_label = _("All")
        # The widget was copied with the class's field and still reads the old label from it.
        field.widget.choices = field.choices
    elif isinstance(field, forms.ChoiceField) and field.choices and field.choices[0][0] == "":
        field.choices = [("", _("All")), *field.choices[1:]]
    if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
        field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def search_condition(fields, value):
    """What `q` means for an object type: any of its search fields contains the text. One
    definition for the list filter, the API, global search and autocomplete."""
    condition = Q()
    for field in fields:
        exact = field.endswith("__iexact") or field.endswith("__exact")
        condition |= Q(**{field: value}) if exact else Q(**{f"{field}__icontains": value})
    return condition


def bound_number_filter(flt, model):
    """A number filter on an integer column (an id such as ?customer=) takes only whole numbers the
    column can hold: "99999999999999999999" was an OverflowError on SQLite and "12.5" matched 12."""
    from django.core.exceptions import FieldDoesNotExist

    from core import limits

    try:
        field = model._meta.get_field(flt.field_name.split("__")[0])
    except FieldDoesNotExist:
        return
    if flt.field_name.count("__") or flt.lookup_expr not in ("exact", "gt", "gte", "lt", "lte"):
        return
    bounds = limits.id_range(field)
    if bounds is not None:
        flt.extra.update(min_value=bounds[0], max_value=bounds[1], decimal_places=0)


def list_count_limit():
    return settings.KEDAO["LIST_COUNT_LIMIT"]
