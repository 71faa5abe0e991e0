import datetime
import weakref

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.encoding import force_str
from django.utils.formats import date_format
from django.utils.hashable import make_hashable
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig
from django_tables2.columns import library
from django_tables2.rows import BoundRow, BoundRows
from django_tables2.utils import OrderBy, OrderByTuple, signature

from core import formatting
from core.links import phone_link
from core.tagging import tag_names

_signatures = weakref.WeakKeyDictionary()


def _call_with_appropriate(fn, kwargs):
    """django_tables2.utils.call_with_appropriate, with the signature of `fn` looked up once.

    django-tables2 runs inspect.signature() on a column's render() for every cell: a quarter of
    the time of a 50-row list page (bench/scoped_list.py). The arguments a function takes do not
    change, so they are kept per function. (To offer upstream.)
    """
    key = getattr(fn, "__func__", fn)
    try:
        args, kwargs_name = _signatures[key]
    except (KeyError, TypeError):
        args, kwargs_name = signature(fn)
        try:
            _signatures[key] = (args, kwargs_name)
        except TypeError:  # not weak-referenceable: look it up each time
            pass
    if not kwargs_name:
        kwargs = {name: kwargs[name] for name in args if name in kwargs}
        if len(kwargs) != len(args):
            return None
    return fn(**kwargs)


_PLAIN_RENDER = tables.Column.render
_PLAIN_VALUE = tables.Column.value


_GENERAL = object()  # _Row._direct_value: this column takes django-tables2's general path


class _Row(BoundRow):
    def get_cell(self, name):
        return self.cell(self._table.columns[name])

    def cell(self, bound_column):
        """The cell's HTML. A column that reads one attribute of the record (most of them) takes a
        direct path: django-tables2 re-resolves the accessor, the model field and its choices for
        every cell, a third of a list page's rendering time. Same result as the general path,
        which every other column still takes."""
        value = self._direct_value(bound_column)
        if value is _GENERAL:
            return super().get_cell(bound_column.name)
        if value in bound_column.column.empty_values:
            return bound_column.default
        return self._call_render(bound_column, value)

    def get_cell_value(self, name):
        return self.cell_value(self._table.columns[name])

    def cell_value(self, bound_column):
        """The cell for exports, by the same direct path as cell() (an export reads every cell of
        up to 100,000 rows)."""
        value = self._direct_value(bound_column)
        if value is _GENERAL:
            return super().get_cell_value(bound_column.name)
        if value in bound_column.column.empty_values:
            return None
        return self._call_value(bound_column, value)

    def _direct_value(self, bound_column):
        """The record's value for a plain column (its choice label for a field with choices), or
        _GENERAL when the column needs django-tables2's general path."""
        plan = self._table.cell_plan(bound_column, self._record)
        if plan is None:
            return _GENERAL
        value = getattr(self._record, plan[1])
        if plan[0] == "display":
            # Model.get_FOO_display(), with the field's labels read once per table, not per cell.
            return self._table.choice_label(bound_column.name, plan[2], value)
        if callable(value):  # a method or a manager: the general path knows when to call it
            return _GENERAL
        return value

    def _call_render(self, bound_column, value=None):
        render_kwargs = self._optional_cell_arguments(bound_column, value)
        column = bound_column.column
        if self.table.hides_related(bound_column.name, self.record):
            return formatting.hidden_record_label()
        if isinstance(column, tables.BooleanColumn):
            content = formatting.yes_no(column._get_bool_value(self.record, value, bound_column))
        elif getattr(bound_column.render, "__func__", None) is _PLAIN_RENDER and not isinstance(value, str):
            # A column that does not render its value itself: the value reads as on every other
            # page (core.formatting) instead of the template's str() ("True", a UTC time...).
            content = formatting.format_value(value)
        else:
            content = _call_with_appropriate(bound_column.render, render_kwargs)
        return bound_column.link(content, **render_kwargs) if bound_column.link else content

    def _call_value(self, bound_column, value=None):
        """The cell for exports: the typed value (core.exports.typed_cell turns it into a cell)."""
        column = bound_column.column
        if self.table.hides_related(bound_column.name, self.record):
            return str(formatting.hidden_record_label())
        if isinstance(column, tables.BooleanColumn):
            return column._get_bool_value(self.record, value, bound_column)
        if isinstance(column, tables.ManyToManyColumn):
            return value  # the manager; its value() would be escaped HTML
        if getattr(bound_column.value, "__func__", None) is _PLAIN_VALUE and \
                getattr(bound_column.render, "__func__", None) is _PLAIN_RENDER:
            return value  # Column.value() would return render(value), i.e. value, at a signature look-up
        return _call_with_appropriate(bound_column.value, self._optional_cell_arguments(bound_column, value))


class _Rows(BoundRows):
    def __iter__(self):
        yield from self.generator_pinned_row(self.pinned_data.get("top"))
        for record in self.data:
            yield _Row(record, table=self.table)
        yield from self.generator_pinned_row(self.pinned_data.get("bottom"))

    def __getitem__(self, key):
        if isinstance(key, slice):
            return _Rows(data=self.data[key], table=self.table, pinned_data=self.pinned_data)
        return _Row(record=self.data[key], table=self.table)


class TagsColumn(tables.Column):
    """Tag names, comma-separated; reads tags prefetched with core.tagging.prefetch_tags()."""

    def render(self, value):
        return ", ".join(tag_names(value))

    def value(self, value):
        return self.render(value)


class SelectColumn(tables.CheckBoxColumn):
    """Each row's box for the bulk actions (form "bulk-form", field "pk"). The markup of
    django-tables2's CheckBoxColumn, written directly: its attribute dictionaries cost a tenth
    of a list page's rendering."""

    def render(self, value, record):
        # A checkbox with no visible label names its row for screen readers.
        return format_html('<input type="checkbox" name="pk" value="{}" class="form-check-input" '
                           'form="bulk-form" aria-label="{}" />', value, _("Select %(name)s") % {"name": record})


class KedaoTable(tables.Table):
    """Base table: a selection column for bulk actions; columns the user hid are left out."""

    pk = SelectColumn(accessor="pk", orderable=False, attrs={
        "th__input": {"class": "form-check-input", "data-select-all": "1", "aria-label": _("Select all")},
    })

    class Meta:
        attrs = {"class": "table table-hover table-sm align-middle kedao-table"}
        template_name = "core/table.html"
        order_by_field = "ordering"

    # Columns a user can never hide, and those hidden until the user picks them.
    fixed_columns = ("pk",)
    default_hidden = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Headers (and the column chooser) start with a capital: English verbose names are
        # lowercase ("name"); django-tables2 capitalises only the names it finds itself.
        for column in cls.base_columns.values():
            if column.verbose_name:
                column.verbose_name = capfirst(column.verbose_name)

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = _Rows(data=self.data, table=self, pinned_data=self.pinned_data)
        if request is not None:
            # Without pagination: an export takes every row, and django-tables2 would count them all
            # and read ?page=/?per_page= from the list's query ("?per_page=-5" was a 500).
            RequestConfig(request, paginate=False).configure(self)

    def cell_plan(self, bound_column, record):
        """How the direct path of _Row.get_cell reads a column: ("display", "get_x_display") for a
        field with choices, ("attr", "x") for any other single attribute, None for the rest
        (a path such as "owner__name", many-to-many columns, records that are not model rows)."""
        plans = self.__dict__.setdefault("_cell_plans", {})
        try:
            return plans[bound_column.name]
        except KeyError:
            pass
        plan = None
        accessor = str(bound_column.accessor)
        if isinstance(record, models.Model) and "__" not in accessor and "." not in accessor and \
                not isinstance(bound_column.column, tables.ManyToManyColumn):
            try:
                field = record._meta.get_field(accessor)
            except FieldDoesNotExist:
                field = None
            if getattr(field, "choices", None) and hasattr(record, f"get_{accessor}_display"):
                plan = ("display", field.attname, field)
            else:
                plan = ("attr", accessor)
        plans[bound_column.name] = plan
        return plan

    def choice_label(self, name, field, value):
        """What Model.get_FOO_display() returns for `value` of `field`, its labels (in the
        request's language) read once per table."""
        labels = self.__dict__.setdefault("_choice_labels", {})
        if name not in labels:
            labels[name] = {make_hashable(key): force_str(label, strings_only=True)
                            for key, label in field.flatchoices}
        key = make_hashable(value)
        return labels[name][key] if key in labels[name] else force_str(value, strings_only=True)

    def hides_related(self, name, record):
        """Whether the cell of foreign-key column `name` names a record outside the user's view
        scope (a shared project on a customer one may not see): it then says so instead. The
        rows' related ids are checked in one query per column and page, not per row."""
        field = self._related_fields().get(name)
        if field is None:
            return False
        related_id = getattr(record, field.attname, None)
        if related_id is None:
            return False
        hidden = self._hidden_related.get(name)
        if hidden is None:
            hidden = self._hidden_related[name] = self._hidden_ids(field)
        return related_id in hidden

    def _related_fields(self):
        if not hasattr(self, "_kedao_related_fields"):
            self._hidden_related = {}
            model = getattr(self._meta, "model", None)
            user = getattr(getattr(self, "request", None), "user", None)
            fields = {}
            if model is not None and user is not None:
                for name, column in self.base_columns.items():
                    try:
                        field = model._meta.get_field(str(column.accessor or name))
                    except FieldDoesNotExist:
                        field = None  # not a model field: a computed column
                    # Reference data (lead sources, stages) is anyone's to pick, so anyone's to read.
                    if getattr(field, "many_to_one", False) and \
                            hasattr(field.related_model._base_manager, "visible_to") and \
                            not getattr(field.related_model, "reference_data", False):
                        fields[name] = field
            self._kedao_related_fields = fields
        return self._kedao_related_fields

    def _hidden_ids(self, field):
        from core.permissions import reaches_by_scope, scope_filter

        user = self.request.user
        page = getattr(self, "page", None)
        reached = set()
        if page is not None:
            # The page holds the table's rows (django-tables2 paginates them), each with its record.
            records = [getattr(row, "record", row) for row in page.object_list]
            ids = {getattr(record, field.attname) for record in records}
            # A related record the page already loaded, owned by the user or in a unit they reach
            # (org.permissions.reaches_by_scope), needs no look-up: a seller's opportunities name
            # their own customers, a branch manager's their branch's. No condition to build
            # (shares, account teams, pools: four queries a page) and no query. Owner and unit
            # are read from the instance's dict: deferred, they would cost a query per row.
            for related in (field.get_cached_value(record) for record in records if field.is_cached(record)):
                if related is not None and "owner_id" in related.__dict__ and reaches_by_scope(
                        user, field.related_model, "view", related.__dict__["owner_id"],
                        related.__dict__.get("org_unit_id")):
                    reached.add(related.pk)
        else:  # an export: the ids alone, not the rows a second time
            rows = getattr(self.data, "data", self.data)
            ids = set(rows.values_list(field.attname, flat=True)) if hasattr(rows, "values_list") \
                else {getattr(record, field.attname) for record in rows}
        ids.discard(None)
        ids -= reached
        if not ids or scope_filter(user, field.related_model, "view") is None:
            return set()  # nothing left to check, or the user sees every row of that type: no query
        visible = set()
        ordered = sorted(ids)
        manager = field.related_model._base_manager.visible_to(user, "view")
        for start in range(0, len(ordered), 1000):  # an export: bounded IN lists
            visible |= set(manager.filter(pk__in=ordered[start:start + 1000]).values_list("pk", flat=True))
        return ids - visible

    @property
    def order_by(self):
        return self._order_by

    @order_by.setter
    def order_by(self, value):
        """Marks the sorted column in the header, and only that: rows arrive sorted by the filterset
        (allow-list plus a unique tie-breaker). django-tables2 would re-sort them by the column
        alone, dropping the tie-breaker, so rows with equal values could move between pages."""
        aliases = value.split(",") if isinstance(value, str) else (value or ())
        self._order_by = OrderByTuple(
            alias for alias in aliases
            if OrderBy(alias).bare in self.columns and self.columns[OrderBy(alias).bare].orderable
        )

    @classmethod
    def optional_columns(cls):
        """[(name, label)] of the columns a user may hide, labelled as their headers are."""
        return [(name, cls.column_label(name, column)) for name, column in cls.base_columns.items()
                if name not in cls.fixed_columns]

    @classmethod
    def column_label(cls, name, column):
        # A column declared on the table (for a link or a sort) has no verbose_name of its own
        # until it is bound: its header comes from the model field, and so must its menu label.
        if column.verbose_name:
            return column.verbose_name
        model = getattr(cls._meta, "model", None)
        try:
            return capfirst(model._meta.get_field(column.accessor or name).verbose_name)
        except Exception:  # noqa: BLE001 — a computed column: its name is the best label
            return capfirst(name.replace("_", " "))


@library.register
class DateTimeColumn(tables.Column):
    """A date and time in the current time zone, as core.formatting writes it everywhere.

    django-tables2's DateTimeColumn renders a template for every cell: a tenth of the time of a
    50-row list page (bench/scoped_list.py). This one formats directly. Exports get the datetime
    itself, written as a typed spreadsheet cell in local time (core.exports).
    """

    def __init__(self, *args, format=None, **kwargs):
        self.format = format  # None: formatting.DATETIME_FORMAT, the one used on every page
        super().__init__(*args, **kwargs)

    def render(self, value):
        if self.format in (None, formatting.DATETIME_FORMAT) or not isinstance(value, datetime.datetime):
            return formatting.format_value(value)
        return date_format(formatting.local_datetime(value), self.format)

    def value(self, value):
        return value

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None


@library.register
class DateColumn(tables.Column):
    """A date as core.formatting writes it everywhere ("2026-11-28"), chosen for every DateField.
    django-tables2's own renders a template per cell and a locale's long form ("2026年11月28日")
    that no other page uses."""

    def render(self, value):
        return formatting.format_value(value)

    def value(self, value):
        return value  # exports: a typed date cell

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None


@library.register
class PhoneColumn(tables.Column):
    """A phone number (core.models.PhoneField) as a tel: link: one tap calls it on a phone.
    Chosen automatically for every PhoneField column, as django-tables2 does for e-mail and URLs."""

    def render(self, value):
        return phone_link(value)

    def value(self, value):
        return value  # exports: the number as typed, not the link

    @classmethod
    def from_field(cls, field, **kwargs):
        from core.models import PhoneField

        if isinstance(field, PhoneField):
            return cls(**kwargs)
        return None


def _has_callable(attrs):
    if callable(attrs):
        return True
    if isinstance(attrs, dict):
        return any(_has_callable(value) for value in attrs.values())
    return False


def _static_td_attrs(table, bound_column):
    """The cell attributes of a column as HTML when they do not depend on the row (the common
    case): computed once per page instead of once per cell. None when a callable is involved."""
    for attrs in (table.attrs, bound_column.column.attrs):
        if _has_callable(attrs.get("td")) or _has_callable(attrs.get("cell")):
            return None
    bound_column.current_record = bound_column.current_value = None
    return bound_column.attrs["td"].as_html()


def render_body(table, context):
    """The table's <tbody>, written in Python: the same markup as django-tables2's
    bootstrap5 template, without a template render per row and per cell (those were half the
    CPU time of a 50-row list page: docs/benchmarks.md, "Fast generic pages")."""
    from django.template.base import render_value_in_context
    from django.templatetags.l10n import localize, unlocalize
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    columns = list(table.columns)
    static = {column.name: _static_td_attrs(table, column) for column in columns}
    parts = [f"<tbody {table.attrs['tbody'].as_html()}>"]
    any_row = False
    for row in table.paginated_rows:
        any_row = True
        parts.append(f"<tr {row.attrs.as_html()}>")
        for column in columns:
            # As BoundRow.items(): a column's attrs may be computed from its current cell.
            column.current_value = cell = row.cell(column)
            column.current_record = row.record
            td = static[column.name]
            if td is None:
                td = column.attrs["td"].as_html()
            if column.localize is None:
                content = render_value_in_context(cell, context)
            else:
                content = conditional_escape(localize(cell) if column.localize else unlocalize(cell))
            parts.append(f"<td {td}>{content}</td>")
        parts.append("</tr>")
    if not any_row and table.empty_text:
        parts.append(f'<tr><td colspan="{len(columns)}">{conditional_escape(table.empty_text)}</td></tr>')
    parts.append("</tbody>")
    return mark_safe("".join(parts))  # noqa: S308 — every value above is escaped or already safe HTML
