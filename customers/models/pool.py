"""The public pool (公海): rules per org unit and the log of every move in and out of it."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import KedaoModel


class PoolRule(KedaoModel):
    """The pool rules of one org unit. A unit without rules follows its nearest ancestor's; the
    unit holding the rule is the pool that customers released below it go to."""

    name = models.CharField(_("name"), max_length=100)
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT,
                                 related_name="+")
    holding_cap = models.PositiveIntegerField(
        _("customers a seller may hold"), null=True, blank=True, validators=[MaxValueValidator(100000)],
        help_text=_("Empty: no limit. Claims and assignments beyond it are refused."))
    daily_claim_cap = models.PositiveIntegerField(
        _("claims per seller per day"), null=True, blank=True, validators=[MaxValueValidator(10000)],
        help_text=_("Empty: no limit."))
    return_after_days = models.PositiveIntegerField(
        _("return to the pool after (days without contact)"), null=True, blank=True,
        validators=[MaxValueValidator(3650)],
        help_text=_("Empty: customers never return by themselves. Counted from the last contact, or from "
                    "when the owner got the customer."))
    warn_days_before = models.PositiveIntegerField(
        _("warn the owner (days before)"), default=3, validators=[MaxValueValidator(365)])

    class Meta:
        verbose_name = _("pool rule")
        verbose_name_plural = _("pool rules")
        ordering = ("org_unit__path",)
        constraints = [
            models.UniqueConstraint(fields=["org_unit"], name="poolrule_unit_unique_live",
                                    condition=models.Q(deleted_at__isnull=True),
                                    violation_error_message=_("This unit already has pool rules.")),
        ]

    def __str__(self):
        return self.name


class PoolMove(models.Model):
    """One customer moving in or out of the pool (append-only). The daily claim cap counts these;
    the customer's history also gets an audit row for each."""

    class Kind(models.TextChoices):
        CLAIMED = "claimed", _("Claimed from the pool")
        ASSIGNED = "assigned", _("Assigned from the pool")
        RELEASED = "released", _("Released to the pool")
        RETURNED = "returned", _("Returned to the pool automatically")

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="pool_moves")
    kind = models.CharField(_("move"), max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("moved by"), on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="+")
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("previous owner"), on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("new owner"), on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="+")
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("pool"), on_delete=models.PROTECT,
                                 related_name="+")
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("pool move")
        verbose_name_plural = _("pool moves")
        ordering = ("-time", "-id")
        indexes = [models.Index(fields=["to_user", "kind", "time"], name="poolmove_claims")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.customer_id}"
