"""The history of a customer's pyramid level (潜在客户 → 准客户 → 现实客户)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .customer import Customer, Level


class LevelChange(models.Model):
    """One change of a customer's level, written by customers.levels.record_level_change from the
    audit hook: every audited write (page, API, bulk edit, import, merge) passes there."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="level_changes")
    from_level = models.CharField(_("from"), max_length=20, choices=Level.choices, blank=True)
    to_level = models.CharField(_("to"), max_length=20, choices=Level.choices)
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("level change")
        verbose_name_plural = _("level changes")
        ordering = ("-changed_at", "-pk")
        indexes = [models.Index(fields=["customer", "-changed_at"], name="levelchange_customer_at")]

    def __str__(self):
        return f"{self.customer_id}: {self.from_level or '—'} → {self.to_level}"
