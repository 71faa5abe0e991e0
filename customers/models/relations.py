"""The relationship map: who reports to / influences whom at a customer, and who of ours knows whom.

Both follow their contact (scope kind "parent": relation → contact → customer), so whoever may
see the customer sees its map, and whoever may change the customer may edit it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import KedaoModel

from .customer import Contact


class RelationKind(models.TextChoices):
    REPORTS_TO = "reports_to", _("reports to")
    INFLUENCES = "influences", _("influences")
    ADVISES = "advises", _("advises")
    OPPOSES = "opposes", _("opposes")
    ALLIED = "allied", _("is allied with")


class ContactRelation(KedaoModel):
    """`from_contact` <kind> `to_contact`, both contacts of the same customer."""

    from_contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.PROTECT,
                                     related_name="relations_out")
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices,
                            default=RelationKind.REPORTS_TO)
    to_contact = models.ForeignKey(Contact, verbose_name=_("other contact"), on_delete=models.PROTECT,
                                   related_name="relations_in")
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_kind = "parent"
    scope_parent = "from_contact"

    class Meta:
        verbose_name = _("contact relation")
        verbose_name_plural = _("contact relations")
        ordering = ("-updated_at",)
        indexes = [models.Index(fields=["from_contact", "-updated_at"], name="contactrel_from_updated"),
                   models.Index(fields=["to_contact"], name="contactrel_to")]
        constraints = [
            models.UniqueConstraint(fields=["from_contact", "to_contact", "kind"], name="contactrel_unique_live",
                                    condition=Q(deleted_at__isnull=True),
                                    violation_error_message=_("This relation is already recorded.")),
        ]

    def __str__(self):
        return f"{self.from_contact} {self.get_kind_display()} {self.to_contact}"

    def clean(self):
        super().clean()
        if self.from_contact_id and self.to_contact_id:
            if self.from_contact_id == self.to_contact_id:
                raise ValidationError({"to_contact": _("A contact cannot be related to themselves.")})
            customers = dict(Contact.all_objects.filter(pk__in=[self.from_contact_id, self.to_contact_id])
                             .values_list("pk", "customer_id"))
            if customers.get(self.from_contact_id) != customers.get(self.to_contact_id):
                raise ValidationError({"to_contact": _("Both contacts must belong to the same customer.")})


class ContactEmployeeRelation(KedaoModel):
    """One of our employees knows a contact, with a strength from 1 (met once) to 5 (close)."""

    contact = models.ForeignKey(Contact, verbose_name=_("contact"), on_delete=models.PROTECT,
                                related_name="employee_relations")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT,
                                 related_name="contact_relations")
    strength = models.PositiveSmallIntegerField(
        _("strength"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1: met once … 5: close, trusted relationship."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    scope_kind = "parent"
    scope_parent = "contact"

    class Meta:
        verbose_name = _("contact–employee relation")
        verbose_name_plural = _("contact–employee relations")
        ordering = ("-updated_at",)
        indexes = [models.Index(fields=["contact", "-updated_at"], name="contactemp_contact_updated"),
                   models.Index(fields=["employee"], name="contactemp_employee")]
        constraints = [
            models.UniqueConstraint(fields=["contact", "employee"], name="contactemp_unique_live",
                                    condition=Q(deleted_at__isnull=True),
                                    violation_error_message=_("This employee's relation to the contact is "
                                                              "already recorded.")),
            models.CheckConstraint(condition=Q(strength__gte=1) & Q(strength__lte=5), name="contactemp_strength_1_5"),
        ]

    def __str__(self):
        return f"{self.employee} – {self.contact}"
