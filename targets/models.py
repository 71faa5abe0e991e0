"""Target plans (M5): a fiscal year's figure for one measure (won amount, new customers, visits…)
and product line, decomposed down the org tree to each person and over the year's months or ISO
weeks. The decomposition lives in TargetCell rows; targets.services writes them."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import KedaoModel

MONEY = {"max_digits": 16, "decimal_places": 2}


class Grain(models.TextChoices):
    MONTH = "month", _("Months")
    WEEK = "week", _("ISO weeks")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LOCKED = "locked", _("Locked")


class TargetPlan(KedaoModel):
    """Seen by whoever is granted targets; which units' figures they see follows the scope of that
    grant (targets.selectors.reach), so demo roles grant it with their data scope."""

    figures_follow_scope = True

    name = models.CharField(_("name"), max_length=200)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"),
                                                   validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    measure = models.CharField(_("measure"), max_length=40, default="won_amount",
                               help_text=_("What the target counts."))
    product_line = models.ForeignKey("org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     help_text=_("Empty: all product lines together."))
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT,
                                 related_name="+", help_text=_("The unit whose figure is decomposed (usually the company)."))
    total = models.DecimalField(_("target"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    grain = models.CharField(_("time split"), max_length=10, choices=Grain.choices, default=Grain.MONTH)
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT,
                              editable=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("target plan")
        verbose_name_plural = _("target plans")
        ordering = ("-fiscal_year", "name")
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "measure", "product_line", "org_unit"],
                                    condition=models.Q(deleted_at__isnull=True), name="target_plan_unique_live",
                                    violation_error_message=_("This unit already has a plan for this year, measure "
                                                              "and product line.")),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from core.registry import get_target_measure

        self.name = " ".join((self.name or "").split())
        if self.measure and get_target_measure(self.measure) is None:
            raise ValidationError({"measure": _("Choose one of the measures offered.")})

    @property
    def locked(self):
        return self.status == PlanStatus.LOCKED

    def measure_label(self):
        from core.registry import get_target_measure

        found = get_target_measure(self.measure)
        return found.label if found else self.measure

    measure_label.short_description = _("measure")


class TargetCell(models.Model):
    """One figure of a plan: a unit's (employee empty) or a person's, for the year ("Y") or one
    period ("2027-03", "2027-W05"). A person's cells carry the unit they were given the target in."""

    plan = models.ForeignKey(TargetPlan, on_delete=models.CASCADE, related_name="cells")
    org_unit = models.ForeignKey("org.OrgUnit", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey("org.Employee", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    period = models.CharField(max_length=10)
    value = models.DecimalField(**MONEY, default=0)
    # Set by hand on the grid: a rebalance of the parent keeps it.
    manual = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "org_unit", "period"], condition=models.Q(employee__isnull=True),
                                    name="target_cell_unit_unique"),
            models.UniqueConstraint(fields=["plan", "employee", "period"], condition=models.Q(employee__isnull=False),
                                    name="target_cell_person_unique"),
        ]
        indexes = [models.Index(fields=["plan", "period"], name="target_cell_plan_period")]

    def __str__(self):
        return f"{self.employee or self.org_unit} {self.period}: {self.value}"


class ForecastEntry(models.Model):
    """A forecast someone put in for one month, kept for ever (the latest counts; the earlier ones
    are the history): a seller's own commit and best case (employee set), or a manager's adjusted
    figures for a unit (employee empty), with the reason."""

    month = models.CharField(_("month"), max_length=7)  # "2027-03"
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey("org.Employee", verbose_name=_("seller"), on_delete=models.PROTECT, related_name="+",
                                 null=True, blank=True)
    commit = models.DecimalField(_("commit"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    best_case = models.DecimalField(_("best case"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    note = models.CharField(_("note"), max_length=500, blank=True)
    author = models.ForeignKey("org.Employee", verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [models.Index(fields=["month", "org_unit", "employee", "-created_at"], name="forecast_entry_latest")]

    def __str__(self):
        return f"{self.employee or self.org_unit} {self.month}: {self.commit} / {self.best_case}"


class ForecastSnapshot(models.Model):
    """What the forecast said on one day for one node and month (the scheduled job
    `targets.forecast_snapshot`): the accuracy chart compares it with what was then won."""

    taken_on = models.DateField()
    month = models.CharField(max_length=7)
    org_unit = models.ForeignKey("org.OrgUnit", on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey("org.Employee", on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    product_line = models.ForeignKey("org.ProductLine", on_delete=models.CASCADE, related_name="+", null=True,
                                     blank=True)
    weighted = models.DecimalField(**MONEY, default=0)
    calibrated = models.DecimalField(**MONEY, default=0)
    commit = models.DecimalField(**MONEY, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["month", "org_unit", "taken_on"], name="forecast_snapshot_at")]

    def __str__(self):
        return f"{self.taken_on} {self.employee or self.org_unit} {self.month}: {self.weighted}"
