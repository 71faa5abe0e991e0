"""Leads (销售线索): a person or company that may buy, before it is a customer."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import KedaoModel, PhoneField, ScopedModel
from core.search import SearchKeyModel


class LeadSource(KedaoModel):
    """Where leads and opportunities come from (电话销售, 老客户介绍, 网站, 广告…), editable."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=50)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    reference_data = True  # anyone may pick one (core.related)

    class Meta:
        verbose_name = _("lead source")
        verbose_name_plural = _("lead sources")
        ordering = ("order", "name")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=Q(deleted_at__isnull=True),
                                    name="sales_leadsource_code_unique_live",
                                    violation_error_message=_("Another source has this code.")),
        ]

    def __str__(self):
        return self.name


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    WORKING = "working", _("Working")
    QUALIFIED = "qualified", _("Qualified")
    DISQUALIFIED = "disqualified", _("Disqualified")
    CONVERTED = "converted", _("Converted")


class Lead(ScopedModel, SearchKeyModel):
    search_text_fields = ("name", "company")
    search_person_name = False
    picker_detail_fields = ("company",)
    scope_pool = False
    # A lead without owner waits in the queue of its org unit (no assignment rule matched): whoever
    # holds the unit or subtree scope over that unit sees it (org.permissions, as any row of the
    # unit); editing it does not hand it to the editor (core.services keeps it unassigned).
    scope_queue = True

    # Nullable here only: an unassigned lead (see scope_queue) has no owner yet.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="+", null=True, blank=True)
    name = models.CharField(_("contact name"), max_length=100)
    company = models.CharField(_("company"), max_length=200, blank=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = PhoneField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    industry = models.ForeignKey("customers.Industry", verbose_name=_("industry"), on_delete=models.PROTECT,
                                 related_name="+", null=True, blank=True)
    product_line = models.ForeignKey("org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT,
                                     related_name="leads", null=True, blank=True)
    source = models.ForeignKey(LeadSource, verbose_name=_("source"), on_delete=models.PROTECT,
                               related_name="leads", null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    disqualify_reason = models.CharField(_("disqualification reason"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    # Filled by the conversion (sales.services.leads.lead_convert), never by hand.
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True, editable=False)
    converted_customer = models.ForeignKey("customers.Customer", verbose_name=_("converted to customer"),
                                           on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                           editable=False)
    converted_contact = models.ForeignKey("customers.Contact", verbose_name=_("converted to contact"),
                                          on_delete=models.PROTECT, related_name="+", null=True, blank=True,
                                          editable=False)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ("-updated_at",)
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="sales_lead_owner_upd"),
            models.Index(fields=["org_unit", "-updated_at"], name="sales_lead_unit_upd"),
            models.Index(fields=["status", "-updated_at"], name="sales_lead_status_upd"),
        ]

    def __str__(self):
        return f"{self.name} · {self.company}" if self.company else self.name

    def clean(self):
        from customers import regions

        self.name = " ".join((self.name or "").split())
        # Names as GB/T 2260 writes them (江苏 → 江苏省), so that assignment rules by province match
        # and the customer made by the conversion takes them as they are.
        self.province, self.city, _district, _code = regions.resolve(self.province, self.city, "")
        self.disqualify_reason = (self.disqualify_reason or "").strip()
        if self.status == LeadStatus.DISQUALIFIED and not self.disqualify_reason:
            raise ValidationError({"disqualify_reason": _("Say why the lead is disqualified.")})
        if self.status != LeadStatus.DISQUALIFIED:
            # A requalified lead keeps its old reason in the history only.
            self.disqualify_reason = ""


class LeadAssignmentRule(KedaoModel):
    """Who gets a new lead: the first active rule (by order) whose conditions all match; its
    assignees take turns (round robin). Empty conditions match anything."""

    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    province = models.CharField(_("province"), max_length=50, blank=True)
    industry = models.ForeignKey("customers.Industry", verbose_name=_("industry"), on_delete=models.PROTECT,
                                 related_name="+", null=True, blank=True)
    product_line = models.ForeignKey("org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT,
                                     related_name="+", null=True, blank=True)
    source = models.ForeignKey(LeadSource, verbose_name=_("source"), on_delete=models.PROTECT,
                               related_name="+", null=True, blank=True)
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("assignees"), related_name="+",
                                       help_text=_("They receive matching leads in turn."))
    # The position of the last assignee served; advanced under a row lock (round robin).
    last_index = models.IntegerField(default=-1, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("lead assignment rule")
        verbose_name_plural = _("lead assignment rules")
        ordering = ("order", "name")

    def __str__(self):
        return self.name

    def clean(self):
        from customers import regions

        self.name = " ".join((self.name or "").split())
        self.province = regions.resolve(self.province, "", "")[0]
