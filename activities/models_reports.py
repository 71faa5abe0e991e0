"""The daily report (销售日报) and the weekly / monthly plans (PDCA) of each seller.

A daily report is written by the system (activities.daily.daily_reports_build), never by the seller:
its owner is the seller it describes, so the one permission decision (visible_to) says which
managers see it. A plan is written by the seller; what was done against it is computed from the
activity and opportunity data of its period (activities.plans)."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ScopedModel

MONEY = {"max_digits": 16, "decimal_places": 2}


class DailyReport(ScopedModel):
    """One seller's figures for one day in the company's time zone. `figures` maps a figure key
    (core.registry.register_daily_figure) to a number; money figures are decimal strings."""

    date = models.DateField(_("date"))
    figures = models.JSONField(_("figures"), default=dict, blank=True, editable=False)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True, editable=False)
    # What the figures do not say (a seller's or the builder's remark); searched by the list.
    summary = models.CharField(_("summary"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        ordering = ("-date", "owner_id", "pk")
        constraints = [
            # The owner IS the seller: one report per seller and day, rebuilt in place.
            models.UniqueConstraint(fields=["owner", "date"], name="activities_dailyreport_owner_date"),
        ]
        indexes = [
            models.Index(fields=["date", "org_unit"], name="dailyreport_date_unit"),
        ]

    def __str__(self):
        return f"{self.owner} · {self.date.isoformat()}"


class DailyReportComment(models.Model):
    """A manager's remark on a seller's daily report (the seller is notified)."""

    report = models.ForeignKey(DailyReport, verbose_name=_("daily report"), on_delete=models.CASCADE,
                               related_name="comments")
    author = models.ForeignKey("org.Employee", verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("daily report comment")
        verbose_name_plural = _("daily report comments")
        ordering = ("created_at", "pk")

    def __str__(self):
        return self.text[:50]


class PlanPeriod(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


def period_bounds(period, start):
    """The first and last day of the week (Monday..Sunday) or month beginning on `start`."""
    if period == PlanPeriod.WEEK:
        return start, start + datetime.timedelta(days=6)
    next_month = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return start, next_month - datetime.timedelta(days=1)


class Plan(ScopedModel):
    """A seller's plan for a week or a month (PDCA's "plan"); "do" and "check" are computed."""

    period = models.CharField(_("period"), max_length=5, choices=PlanPeriod.choices, default=PlanPeriod.WEEK)
    starts_on = models.DateField(_("starts on"), help_text=_("A Monday for a week, the 1st for a month."))
    target_visits = models.PositiveIntegerField(_("visits planned"), default=0, validators=[MaxValueValidator(10000)])
    target_calls = models.PositiveIntegerField(_("calls planned"), default=0, validators=[MaxValueValidator(10000)])
    target_opportunities = models.PositiveIntegerField(_("new opportunities planned"), default=0,
                                                       validators=[MaxValueValidator(10000)])
    target_amount = models.DecimalField(_("amount planned"), **MONEY, default=0,
                                        validators=[MaxValueValidator(10 ** 13)],
                                        help_text=_("Amount of the deals won in the period."))
    notes = models.TextField(_("plan"), blank=True, help_text=_("What you mean to do and how."))
    review = models.TextField(_("review"), blank=True, help_text=_("Looking back: what worked, what to change."))

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ("-starts_on", "pk")
        constraints = [
            models.UniqueConstraint(fields=["owner", "period", "starts_on"], name="activities_plan_unique_live",
                                    condition=Q(deleted_at__isnull=True),
                                    violation_error_message=_("This seller already has a plan for this period.")),
        ]
        indexes = [
            models.Index(fields=["owner", "-starts_on"], name="plan_owner_start"),
            models.Index(fields=["org_unit", "-starts_on"], name="plan_unit_start"),
        ]

    def __str__(self):
        return f"{self.owner} · {self.get_period_display()} {self.starts_on.isoformat()}"

    @property
    def ends_on(self):
        return period_bounds(self.period, self.starts_on)[1]

    def clean(self):
        if self.starts_on is None:
            return
        if self.period == PlanPeriod.WEEK and self.starts_on.weekday() != 0:
            raise ValidationError({"starts_on": _("A week's plan starts on a Monday.")})
        if self.period == PlanPeriod.MONTH and self.starts_on.day != 1:
            raise ValidationError({"starts_on": _("A month's plan starts on the 1st.")})


class PlanComment(models.Model):
    """A manager's remark on a plan (the seller is notified)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("org.Employee", verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan comment")
        verbose_name_plural = _("plan comments")
        ordering = ("created_at", "pk")

    def __str__(self):
        return self.text[:50]
