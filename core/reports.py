"""Report pages: the standard filters (period, org unit, product line) and helpers for selectors.

A report registers with `core.registry.register_report(key, label, selector, model, columns=...,
chart=...)` (docs/development/reports.md); `core.views.reports` renders every such report the same
way: this filter form, the selector's rows as a chart and a table whose numbers link to the
filtered list of the records they count, and an Excel / CSV export of the table.

core imports no app: the org unit and product line models are named here by label, as
`core.models.ScopedModel` names the org unit it points at.
"""

import datetime
import functools
from urllib.parse import urlencode

from django import forms
from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.widgets import AutocompleteSelect

ORG_UNIT_MODEL = "org.OrgUnit"
PRODUCT_LINE_MODEL = "org.ProductLine"

PERIODS = (
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("this_quarter", _("This quarter")),
    ("last_quarter", _("Last quarter")),
    ("this_year", _("This year")),
    ("last_year", _("Last year")),
    ("all", _("All time")),
    ("custom", _("Custom dates")),
)
STANDARD_FILTERS = ("period", "org_unit", "product_line")


def _quarter_start(day):
    return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)


def _add_months(day, months):
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def period_range(period, today=None):
    """(first day, last day) of a named period in the company's calendar; (None, None) for "all"."""
    today = today or timezone.localdate()
    if period in ("this_month", "last_month"):
        start = _add_months(today.replace(day=1), -1 if period == "last_month" else 0)
        months = 1
    elif period in ("this_quarter", "last_quarter"):
        start = _add_months(_quarter_start(today), -3 if period == "last_quarter" else 0)
        months = 3
    elif period in ("this_year", "last_year"):
        start = today.replace(year=today.year - (period == "last_year"), month=1, day=1)
        months = 12
    else:
        return None, None
    return start, _add_months(start, months) - datetime.timedelta(days=1)


def day_bounds(date_from=None, date_to=None):
    """The aware datetimes [start, end) covering the days `date_from`..`date_to` in the current time
    zone (the company's): `created_at >= start AND created_at < end` uses the column's index, where
    `created_at__date` would not. Either side may be None (open)."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz) if date_from else None
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz) \
        if date_to else None
    return start, end


def in_days(field, date_from=None, date_to=None):
    """A Q keeping rows whose datetime `field` falls on the days `date_from`..`date_to`."""
    start, end = day_bounds(date_from, date_to)
    condition = models.Q()
    if start is not None:
        condition &= models.Q(**{f"{field}__gte": start})
    if end is not None:
        condition &= models.Q(**{f"{field}__lt": end})
    return condition


def list_url(base, **filters):
    """`base` with the filters that reproduce a report's figure on a list page (drill-down):
    model instances become their ids, dates ISO dates; None and "" are left out."""
    query = []
    for name, value in filters.items():
        if value is None or value == "":
            continue
        if isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        # Plain ids and words are encoded once (below); anything else (a list…) each time.
        query.append(_pair(name, value) if type(value) in (int, str) else urlencode([(name, value)]))
    return f"{base}?{'&'.join(query)}" if query else base


def list_page(name):
    """reverse(name) of a list page (no arguments), kept per URL configuration and script prefix: a
    report's links name the same few list pages thousands of times."""
    from django.urls import get_script_prefix, get_urlconf

    return _reversed(name, get_urlconf(), get_script_prefix())


@functools.lru_cache(maxsize=256)
def _reversed(name, urlconf, _prefix):
    from django.urls import reverse

    return reverse(name, urlconf=urlconf)


@functools.lru_cache(maxsize=8192)
def _pair(name, value):
    """One `name=value` of a query string, encoded once: a report of a thousand rows builds six
    links a row from the same few filters (urlencode was a third of the page's time)."""
    return urlencode([(name, value)])


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ReportFilterForm(forms.Form):
    """The standard filters of a report page. A report with further filters passes a subclass as
    `form=` (its fields come after these); `params()` is what the selector receives."""

    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    date_from = forms.DateField(label=pgettext_lazy("period", "From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=pgettext_lazy("period", "To"), required=False, widget=DateInput)
    org_unit = forms.ModelChoiceField(label=_("Org unit"), queryset=None, required=False, empty_label=_("All"),
                                      help_text=_("With every unit below it."))
    product_line = forms.ModelChoiceField(label=_("Product line"), queryset=None, required=False,
                                          empty_label=_("All"))

    def __init__(self, data=None, *, report, user=None, **kwargs):
        self.report, self.user = report, user
        super().__init__(data, **kwargs)
        filters = report.filters
        if "period" not in filters:
            for name in ("period", "date_from", "date_to"):
                del self.fields[name]
        else:
            self.fields["period"].initial = report.default_period
        if "org_unit" in filters:
            self.fields["org_unit"].queryset = apps.get_model(ORG_UNIT_MODEL).objects.all()
            self.fields["org_unit"].widget = AutocompleteSelect(ORG_UNIT_MODEL.lower())
            self.fields["org_unit"].widget.choices = self.fields["org_unit"].choices
        else:
            del self.fields["org_unit"]
        if "product_line" in filters:
            self.fields["product_line"].queryset = apps.get_model(PRODUCT_LINE_MODEL).objects.order_by("name")
        else:
            del self.fields["product_line"]
        from core.forms import bound_input

        bound_input(self)  # ids within range, text cleaned: as every Kedao form
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm"
                                          if isinstance(field.widget, forms.Select) else "form-control form-control-sm")

    def clean(self):
        data = super().clean()
        if "period" not in self.fields:
            return data
        if not data.get("period"):
            # Dates typed without choosing "custom" mean custom; nothing at all, the default period.
            data["period"] = "custom" if data.get("date_from") or data.get("date_to") else self.report.default_period
        if data["period"] == "custom":
            if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
                self.add_error("date_to", _("The end is before the start."))
        return data

    def params(self):
        """The selector's keyword arguments: date_from, date_to, org_unit, product_line and any
        further field of a subclass, by name."""
        data = dict(self.cleaned_data) if self.is_bound else {name: field.initial for name, field in self.fields.items()}
        params = {}
        if "period" in self.fields:
            period = data.pop("period", None) or self.report.default_period
            if period == "custom":
                params["date_from"], params["date_to"] = data.get("date_from"), data.get("date_to")
            else:
                params["date_from"], params["date_to"] = period_range(period)
        data.pop("date_from", None)
        data.pop("date_to", None)
        params.update(data)
        return params

    def query(self):
        """The filters in use, as a query string (kept by the export links)."""
        if not self.is_bound:
            return ""
        return urlencode([(name, value) for name, value in self.data.items()
                          if name in self.fields and value not in ("", None)])
