"""Opportunities (商机): a deal with one customer for one product line, moving through its pipeline."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.models import KedaoModel, ScopedModel
from core.search import SearchKeyModel

from .catalog import MONEY, Product
from .leads import Lead, LeadSource
from .pipelines import Competitor, Pipeline, Stage, WinLossReason


class OpportunityStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class RegistrationStatus(models.TextChoices):
    """Registration (商机注册): an opportunity that collides with another seller's open one waits
    for review before it counts (sales.collisions)."""

    REGISTERED = "registered", _("Registered")
    PENDING = "pending_review", _("Pending review")
    REJECTED = "rejected", _("Rejected")


class Opportunity(ScopedModel, SearchKeyModel):
    search_text_fields = ("name",)
    picker_detail_fields = ("customer", "stage")
    money_fields = ("amount",)

    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="opportunities")
    product_line = models.ForeignKey("org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT,
                                     related_name="opportunities")
    pipeline = models.ForeignKey(Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT,
                                 related_name="opportunities")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities")
    probability = models.PositiveSmallIntegerField(_("probability %"), validators=[MaxValueValidator(100)],
                                                   null=True, blank=True,
                                                   help_text=_("Empty: the stage's probability."))
    amount = models.DecimalField(_("amount"), **MONEY, null=True, blank=True,
                                 validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    source = models.ForeignKey(LeadSource, verbose_name=_("source"), on_delete=models.PROTECT,
                               related_name="opportunities", null=True, blank=True)
    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="opportunities",
                             null=True, blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    decision_makers = models.ManyToManyField("customers.Contact", verbose_name=_("decision makers"), blank=True,
                                             related_name="decided_opportunities")
    # Kept by the stage services (sales.services), not edited on the form.
    status = models.CharField(_("status"), max_length=10, choices=OpportunityStatus.choices,
                              default=OpportunityStatus.OPEN, editable=False)
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True, editable=False)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    # The owner's unit when the deal was won or lost: targets count a seller who moved mid-year in
    # the unit they were in at the time (org_unit stays the unit the deal was assigned in).
    closed_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("closed in unit"), on_delete=models.PROTECT,
                                    related_name="+", null=True, blank=True, editable=False)
    close_reason = models.ForeignKey(WinLossReason, verbose_name=_("win/loss reason"), on_delete=models.PROTECT,
                                     related_name="+", null=True, blank=True, editable=False)
    close_note = models.TextField(_("win/loss note"), blank=True, editable=False)
    won_by = models.ForeignKey(Competitor, verbose_name=_("lost to"), on_delete=models.PROTECT, related_name="+",
                               null=True, blank=True, editable=False)
    registration_status = models.CharField(_("registration"), max_length=20, choices=RegistrationStatus.choices,
                                           default=RegistrationStatus.REGISTERED, editable=False)

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ("-updated_at",)
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="sales_opp_owner_upd"),
            models.Index(fields=["org_unit", "-updated_at"], name="sales_opp_unit_upd"),
            # A bounded count asks a manager's units or a seller's own rows first (core.models.
            # KedaoQuerySet.count): live rows only, read from the index alone (13.7 → 0.2 ms for a branch).
            models.Index(fields=["org_unit"], condition=models.Q(deleted_at__isnull=True), name="sales_opp_unit_live"),
            models.Index(fields=["owner"], condition=models.Q(deleted_at__isnull=True), name="sales_opp_owner_live"),
            models.Index(fields=["customer", "product_line"], name="sales_opp_customer_line"),
            models.Index(fields=["stage", "-updated_at"], name="sales_opp_stage_upd"),
            models.Index(fields=["status", "expected_close_date"], name="sales_opp_status_close"),
            # Won and lost amounts by close time (targets' actuals, the forecast back-test).
            models.Index(fields=["status", "closed_at"], name="sales_opp_status_closed"),
            # Deals opened on a day (daily reports).
            models.Index(fields=["created_at"], name="sales_opp_created"),
            # A manager's or a seller's part of the plan (targets: won in their units this year;
            # the forecast: their people's open deals by expected month) without reading every won
            # or open deal of the company (a branch's dashboard: 81 and 39 ms before).
            models.Index(Coalesce("closed_unit", "org_unit"), F("closed_at"), name="sales_opp_won_unit",
                         condition=Q(status="won", deleted_at__isnull=True)),
            models.Index(fields=["owner", "expected_close_date"], name="sales_opp_open_owner",
                         condition=Q(status="open", deleted_at__isnull=True)),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.name = " ".join((self.name or "").split())
        errors = {}
        if self.pipeline_id and self.stage_id and self.stage.pipeline_id != self.pipeline_id:
            errors["stage"] = _("The stage belongs to another pipeline.")
        if self.pipeline_id and self.product_line_id and self.pipeline.product_line_id not in (None,
                                                                                            self.product_line_id):
            errors["pipeline"] = _("The pipeline is for another product line.")
        if errors:
            raise ValidationError(errors)

    def _effective_probability(self):
        if self.probability is not None:
            return self.probability
        return self.stage.probability if self.stage_id else 0

    # The page shows what counts (the stage's, unless overridden), not an empty override field.
    _effective_probability.short_description = _("probability %")
    effective_probability = property(_effective_probability)

    @property
    def weighted_amount(self):
        return (self.amount or Decimal("0")) * self.effective_probability / 100

    def progress(self):
        """The record header's "last progress": a stalled badge, else how long ago (sales.stalled)."""
        from ..stalled import progress_text

        return progress_text(self)

    progress.short_description = _("last progress")


class OpportunityLine(KedaoModel):
    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.PROTECT,
                                    related_name="lines")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=Decimal("1"),
                                   validators=[MinValueValidator(Decimal("0.01"))])
    unit_price = models.DecimalField(_("unit price"), **MONEY, validators=[MinValueValidator(Decimal("0"))])
    discount = models.DecimalField(_("discount %"), max_digits=5, decimal_places=2, default=Decimal("0"),
                                   validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    description = models.CharField(_("description"), max_length=200, blank=True,
                                   help_text=_("Configuration, version, service period…"))

    scope_kind = "parent"
    scope_parent = "opportunity"
    money_fields = ("unit_price",)

    class Meta:
        verbose_name = _("opportunity line")
        verbose_name_plural = _("opportunity lines")
        ordering = ("opportunity", "pk")

    def __str__(self):
        return f"{self.product} × {self.quantity}"

    @property
    def total(self):
        return (self.quantity * self.unit_price * (100 - self.discount) / 100).quantize(Decimal("0.01"))


class OpportunityCompetitor(KedaoModel):
    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.PROTECT,
                                    related_name="competitors")
    competitor = models.ForeignKey(Competitor, verbose_name=_("competitor"), on_delete=models.PROTECT,
                                   related_name="opportunities")
    product = models.CharField(_("their product"), max_length=200, blank=True)
    price = models.DecimalField(_("their price"), **MONEY, null=True, blank=True,
                                validators=[MinValueValidator(Decimal("0"))])
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)

    scope_kind = "parent"
    scope_parent = "opportunity"
    money_fields = ("price",)

    class Meta:
        verbose_name = _("competitor on a deal")
        verbose_name_plural = _("competitors on deals")
        ordering = ("opportunity", "competitor__name")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "competitor"], condition=Q(deleted_at__isnull=True),
                                    name="sales_oppcompetitor_unique_live",
                                    violation_error_message=_("This competitor is already on the deal.")),
        ]

    def __str__(self):
        return str(self.competitor)


class OpportunityTeamRole(models.TextChoices):
    SALES = "sales", _("Sales")
    PRESALES = "presales", _("Pre-sales engineer")
    TECHNICAL = "technical", _("Technical expert")
    SERVICE = "service", _("Service")
    MANAGER = "manager", _("Manager")
    OTHER = "other", _("Other")


class OpportunityTeamMember(KedaoModel):
    """A deal's team (矩阵): members from any unit; each sees the opportunity (sales.access)."""

    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.PROTECT,
                                    related_name="team")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT,
                                 related_name="opportunity_places")
    role = models.CharField(_("role"), max_length=20, choices=OpportunityTeamRole.choices,
                            default=OpportunityTeamRole.PRESALES)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    scope_kind = "parent"
    scope_parent = "opportunity"

    class Meta:
        verbose_name = _("opportunity team member")
        verbose_name_plural = _("opportunity team members")
        ordering = ("opportunity", "pk")
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "employee"], condition=Q(deleted_at__isnull=True),
                                    name="sales_oppteam_unique_live",
                                    violation_error_message=_("This person is already on the team.")),
        ]

    def __str__(self):
        return f"{self.employee} · {self.get_role_display()}"


class StageChange(models.Model):
    """One move of an opportunity between stages: who, when, from, to (the stage history)."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    changed_at = models.DateTimeField(db_index=True)
    amount = models.DecimalField(**MONEY, null=True, blank=True)
    probability = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ("opportunity", "changed_at", "pk")
        indexes = [
            models.Index(fields=["opportunity", "changed_at"], name="sales_stagechange_opp_at"),
            # The funnel's "furthest stage reached" per deal: an index-only look-up per deal instead
            # of a scan of every stage change (sales/reports/funnel.py, docs/benchmarks.md).
            models.Index(fields=["opportunity", "to_stage"], name="sales_stagechange_opp_to"),
        ]

    def __str__(self):
        return f"{self.from_stage} → {self.to_stage}"
