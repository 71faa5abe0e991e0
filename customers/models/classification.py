"""Industry classification: GB/T 4754-2017 国民经济行业分类, sections (门类 A–T) and divisions (大类 01–97).

Shipped as customers/data/gbt4754_2017.json and loaded by a data migration; an administrator can
rename, add or deactivate entries through the generic object pages (object type
customers.industry). A customer points at a section or a division; filtering by a section includes
its divisions.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.models import KedaoModel

# The fixed list Kedao had before (customers.Customer.industry was a choice), mapped onto the
# standard by migration 0010: a section, or a division where the old choice was one.
LEGACY_INDUSTRY_CODES = {
    "manufacturing": "C", "it": "I", "telecom": "63", "finance": "J", "energy": "D", "construction": "E",
    "transport": "G", "retail": "F", "healthcare": "Q", "education": "P", "government": "S",
    # "other" has no place in the standard: such customers get no industry.
}


class Industry(KedaoModel):
    """A section (code A–T, no parent) or a division (two digits, its section as parent)."""

    # 117 entries: the customer list filters by them with a select of sections and divisions (by
    # code, a section including its divisions), not with a type-ahead picker.
    filter_as_select = True

    code = models.CharField(_("code"), max_length=12, unique=True,
                            help_text=_("GB/T 4754: a letter for a section, two digits for a division."))
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    parent = models.ForeignKey("self", verbose_name=_("section"), on_delete=models.PROTECT, null=True, blank=True,
                               related_name="divisions", limit_choices_to={"parent__isnull": True})
    is_active = models.BooleanField(_("active"), default=True,
                                    help_text=_("Inactive entries are kept on customers but no longer offered."))

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ("code",)

    def __str__(self):
        name = self.name_en if self.name_en and not (get_language() or "").startswith("zh") else self.name
        return f"{self.code} {name}"

    @property
    def is_section(self):
        return self.parent_id is None

    def clean(self):
        from django.core.exceptions import ValidationError

        self.code = (self.code or "").strip().upper()
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An entry cannot be its own section.")})
        if self.parent_id is None and not (len(self.code) == 1 and self.code.isalpha()):
            raise ValidationError({"code": _("A section's code is one letter (A–Z); a division needs a section.")})
        if self.parent_id is not None and not self.code.isdigit():
            raise ValidationError({"code": _("A division's code is made of digits.")})

    def check_delete(self):
        from django.core.exceptions import ValidationError

        if self.divisions.filter(deleted_at__isnull=True).exists():
            raise ValidationError(_("Delete or move its divisions first, or deactivate it."))


def industry_condition(industry, field="industry"):
    """A filter on `field` that matches the industry and, for a section, each of its divisions."""
    condition = Q(**{field: industry})
    if industry.parent_id is None:
        condition |= Q(**{f"{field}__parent": industry})
    return condition
