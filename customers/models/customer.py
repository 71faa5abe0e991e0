from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from taggit.managers import TaggableManager

from core.models import KedaoModel, PhoneField, ScopedModel, WebsiteField
from core.search import SearchKeyModel

from .. import regions
from ..fields import CreditCodeField
from ..validators import normalize_credit_code, validate_credit_code
from .classification import Industry
from .matching import MatchKeyModel


class Level(models.TextChoices):
    """The customer pyramid: 潜在客户 → 准客户 → 现实客户."""

    POTENTIAL = "potential", _("Potential customer")
    PROSPECT = "prospect", _("Prospect")
    CUSTOMER = "customer", pgettext_lazy("customer level", "Customer")


class Source(models.TextChoices):
    TELEMARKETING = "telemarketing", _("Telemarketing")
    REFERRAL = "referral", _("Referral by a customer")
    WEBSITE = "website", _("Website")
    ADVERTISING = "advertising", _("Advertising")
    TRADE_SHOW = "trade_show", _("Trade show")
    PARTNER = "partner", _("Partner")
    OTHER = "other", _("Other")


class Customer(ScopedModel, SearchKeyModel, MatchKeyModel):
    # What a list reads of a customer it names (core.models.KedaoQuerySet.narrow_related): __str__.
    display_fields = ("name",)
    # A customer without an owner sits in the public pool (公海) of its org unit (customers/pool.py);
    # org.permissions shows pool customers to the people of that unit's subtree.
    scope_pool = True

    # Everything `q` matches, in one column: one LIKE that the trigram index serves (a CEO's search
    # over 200,000 customers for a name that is not there: 5 ms instead of 400 ms, docs/benchmarks.md).
    search_text_fields = ("name", "short_name", "credit_code", "phone")

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        PERSON = "person", _("Person")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    credit_code = CreditCodeField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code],
        help_text=_("18 characters, GB 32100; the last one is a check digit."),
    )
    # GB/T 4754 section or division (customers.models.classification); reference data that every
    # user may pick, whatever their grants on the classification itself (see forms, serializer).
    industry = models.ForeignKey(Industry, verbose_name=_("industry"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="customers")
    # Names as GB/T 2260 writes them, checked against each other by clean() (customers/regions.py);
    # region_code is the code of the most precise one (district, else city, else province).
    province = models.CharField(_("province"), max_length=50, blank=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True, editable=False, db_index=True,
                                   help_text=_("GB/T 2260 code of the district, city or province."))
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = PhoneField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    website = WebsiteField(_("website"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.POTENTIAL)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = TaggableManager(_("tags"), blank=True)
    # Nullable here only: a customer in the public pool has no owner (ScopedModel's owner is required).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+",
        null=True, blank=True,
    )
    # Set by customers.services.customer_touch (a logged contact; activities later).
    last_contacted_at = models.DateTimeField(_("last contacted"), null=True, blank=True, editable=False,
                                             db_index=True)
    # When the current owner got it (claim, assignment, handover): the return-to-pool clock starts
    # here when nobody has contacted the customer since.
    owned_since = models.DateTimeField(_("owned since"), null=True, blank=True, editable=False)
    # The owner was warned that it returns to the pool soon (reset by a contact or a new owner).
    return_warned_at = models.DateTimeField(null=True, blank=True, editable=False)

    audit_exclude = (*ScopedModel.audit_exclude, "return_warned_at")
    # Set when this customer was merged into another (customers/merge.py): the recycle bin says so.
    merged_into = models.ForeignKey("self", verbose_name=_("merged into"), on_delete=models.SET_NULL,
                                    null=True, blank=True, editable=False, related_name="+")

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ("-updated_at",)
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="customer_owner_updated"),
            models.Index(fields=["org_unit", "-updated_at"], name="customer_unit_updated"),
            # A bounded count asks a manager's units or a seller's own rows first (core.models.
            # KedaoQuerySet.count): live rows only, read from the index alone (13.7 → 0.2 ms for a branch).
            models.Index(fields=["org_unit"], condition=models.Q(deleted_at__isnull=True), name="customer_unit_live"),
            models.Index(fields=["owner"], condition=models.Q(deleted_at__isnull=True), name="customer_owner_live"),
            models.Index(fields=["name"], name="customer_name"),
            # What was entered on a day (daily reports' new customers; lists sorted by creation).
            models.Index(fields=["created_at"], name="customer_created"),
            # The pool page: pool customers of a unit, newest first.
            models.Index(fields=["org_unit", "-updated_at"], name="customer_pool_unit",
                         condition=Q(owner__isnull=True)),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], name="customer_credit_code_unique_live",
                condition=Q(deleted_at__isnull=True) & ~Q(credit_code=""),
                violation_error_message=_("Another customer already has this credit code."),
            )
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def handover_updates(now):
        """Columns a handover (org/handover.py) sets besides owner and unit: the new owner's
        return-to-pool clock starts now."""
        return {"owned_since": now, "return_warned_at": None}

    def clean(self):
        self.credit_code = normalize_credit_code(self.credit_code)
        self.name = " ".join(self.name.split())
        self.province, self.city, self.district, self.region_code = regions.resolve(
            self.province, self.city, self.district)


class DecisionRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    TECHNICAL = "technical", _("Technical evaluator")
    FINANCIAL = "financial", _("Financial approver")
    USER = "user", _("User")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    OTHER = "other", _("Other")


class Contact(KedaoModel, SearchKeyModel):
    """A person at a customer. Visible to whoever may see the customer."""

    search_text_fields = ("name",)
    search_person_name = True
    picker_detail_fields = ("customer", "title")

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    mobile = PhoneField(_("mobile"), max_length=30, blank=True)
    phone = PhoneField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    wechat = models.CharField(_("WeChat"), max_length=50, blank=True)
    decision_role = models.CharField(_("role in the buying decision"), max_length=20,
                                     choices=DecisionRole.choices, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    scope_kind = "parent"
    scope_parent = "customer"

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ("-updated_at",)
        indexes = [models.Index(fields=["customer", "-updated_at"], name="contact_customer_updated"),
                   # What was entered on a day (daily reports' new contacts): 3,000,000 rows read
                   # for today's few hundred without it (170 ms on every "Recount now").
                   models.Index(fields=["created_at"], name="contact_created")]

    def __str__(self):
        return self.name
