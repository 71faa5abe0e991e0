"""Pipelines per product line: ordered stages with probability, forecast category, kind and gates."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import KedaoModel, WebsiteField


class Pipeline(KedaoModel):
    name = models.CharField(_("name"), max_length=100)
    product_line = models.ForeignKey("org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT,
                                     related_name="pipelines", null=True, blank=True,
                                     help_text=_("Empty: the default pipeline, for lines without their own."))
    stall_days = models.PositiveSmallIntegerField(
        _("stalled after (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("An open opportunity with no activity and no stage change for this long is stalled."))
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)

    reference_data = True  # anyone may pick one (core.related)

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=["product_line"], condition=Q(deleted_at__isnull=True, is_active=True),
                                    name="sales_pipeline_one_active_per_line",
                                    violation_error_message=_("This product line already has an active pipeline.")),
        ]

    def __str__(self):
        return self.name


class StageKind(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class ForecastCategory(models.TextChoices):
    PIPELINE = "pipeline", _("Pipeline")
    BEST_CASE = "best_case", _("Best case")
    COMMIT = "commit", _("Commit")
    CLOSED = "closed", _("Closed")
    OMITTED = "omitted", _("Omitted")


class Stage(KedaoModel):
    pipeline = models.ForeignKey(Pipeline, verbose_name=_("pipeline"), on_delete=models.PROTECT,
                                 related_name="stages")
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=10)
    probability = models.PositiveSmallIntegerField(_("probability %"), default=10,
                                                   validators=[MaxValueValidator(100)])
    forecast_category = models.CharField(_("forecast category"), max_length=20, choices=ForecastCategory.choices,
                                         default=ForecastCategory.PIPELINE)
    kind = models.CharField(_("type"), max_length=10, choices=StageKind.choices, default=StageKind.OPEN)
    # Gate: keys of sales.gates requirements an opportunity must meet before it may enter the stage.
    requirements = models.JSONField(_("requirements to enter"), default=list, blank=True)
    approval_threshold = models.DecimalField(
        _("approval above amount"), max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("An opportunity of at least this amount needs a manager's approval to enter this stage. "
                    "Empty: never."))
    description = models.TextField(_("description"), blank=True, help_text=_("What happens in this stage."))

    reference_data = True  # anyone may pick one (core.related)
    money_fields = ("approval_threshold",)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ("pipeline", "order", "pk")
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "name"], condition=Q(deleted_at__isnull=True),
                                    name="sales_stage_name_unique_live",
                                    violation_error_message=_("This pipeline already has a stage of this name.")),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == StageKind.WON and self.probability != 100:
            raise ValidationError({"probability": _("A won stage has probability 100 %.")})
        if self.kind == StageKind.LOST and self.probability != 0:
            raise ValidationError({"probability": _("A lost stage has probability 0 %.")})
        if not isinstance(self.requirements, list) or not all(isinstance(key, str) for key in self.requirements):
            raise ValidationError({"requirements": _("A list of requirement keys.")})

    @property
    def is_closed(self):
        return self.kind != StageKind.OPEN


class CloseKind(models.TextChoices):
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class WinLossReason(KedaoModel):
    """Why a deal was won or lost (configurable lists, 赢单/丢单原因)."""

    kind = models.CharField(_("for"), max_length=10, choices=CloseKind.choices)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)

    reference_data = True  # anyone may pick one (core.related)

    class Meta:
        verbose_name = _("win/loss reason")
        verbose_name_plural = _("win/loss reasons")
        ordering = ("kind", "order", "name")

    def __str__(self):
        return self.name


class Competitor(KedaoModel):
    name = models.CharField(_("name"), max_length=200)
    website = WebsiteField(_("website"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    reference_data = True  # anyone may pick one (core.related)

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=Q(deleted_at__isnull=True),
                                    name="sales_competitor_name_unique_live",
                                    violation_error_message=_("A competitor of this name exists.")),
        ]

    def __str__(self):
        return self.name
