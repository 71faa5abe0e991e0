import django_tables2 as tables
from django.utils.translation import gettext_lazy as _


class KedaoTable(tables.Table):
    """Base table: a selection column for bulk actions; columns the user hid are left out."""

    pk = tables.CheckBoxColumn(accessor="pk", orderable=False, attrs={
        "th__input": {"class": "form-check-input", "data-select-all": "1", "aria-label": _("Select all")},
        "td__input": {"class": "form-check-input", "name": "pk", "form": "bulk-form"},
    })

    class Meta:
        attrs = {"class": "table table-hover table-sm align-middle kedao-table"}
        template_name = "core/table.html"
        order_by_field = "ordering"

    # Columns a user can never hide, and those hidden until the user picks them.
    fixed_columns = ("pk",)
    default_hidden = ()

    @classmethod
    def optional_columns(cls):
        return [(name, column.verbose_name) for name, column in cls.base_columns.items()
                if name not in cls.fixed_columns]
