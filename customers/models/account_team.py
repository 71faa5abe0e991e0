"""Account teams by product line, and the customer strategy of each line (seed 000: 同一顾客、
多客户经理管理…互不干预; 个性化的客户策略).

A membership row says: this employee works on this customer for this product line, in this role.
A customer has at most one live account manager per product line (a database constraint). Every
member sees the customer (org.permissions, through the access rule customers/access.py registers);
changing the customer itself stays with its owner's scope and "may edit" shares — each account
manager manages their own line (its strategy, later its opportunities), not the others'.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import KedaoModel

from .customer import Customer


def _constraint_errors_on_product_line(validate, exclude):
    """A "one per product line" refusal is shown next to the product line, on the form and in the
    API ({"product_line": [...]}), rather than as a form-wide error."""
    try:
        validate(exclude=exclude)
    except ValidationError as error:
        errors = error.message_dict
        moved = errors.pop(NON_FIELD_ERRORS, [])
        if moved:
            errors.setdefault("product_line", []).extend(moved)
        raise ValidationError(errors) from error


class TeamRole(models.TextChoices):
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    PRESALES = "presales", _("Pre-sales engineer")
    SERVICE = "service", _("Service engineer")
    SPONSOR = "sponsor", _("Executive sponsor")
    OTHER = "other", _("Other")


class AccountTeamMember(KedaoModel):
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="account_team")
    employee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.PROTECT,
                                 related_name="account_places")
    product_line = models.ForeignKey("org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT,
                                     related_name="account_team_members")
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices, default=TeamRole.ACCOUNT_MANAGER)
    start_date = models.DateField(_("start date"), default=timezone.localdate)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    scope_kind = "parent"
    scope_parent = "customer"

    class Meta:
        verbose_name = _("account team member")
        verbose_name_plural = _("account team members")
        ordering = ("-updated_at",)
        indexes = [
            models.Index(fields=["customer", "-updated_at"], name="account_member_customer"),
            # The access rule: "customers where this person is a live member".
            models.Index(fields=["employee", "customer"], name="account_member_employee"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "product_line"], name="account_manager_one_per_line",
                condition=Q(deleted_at__isnull=True, role="account_manager"),
                violation_error_message=_("This customer already has an account manager for this product line."),
            ),
            models.UniqueConstraint(
                fields=["customer", "product_line", "employee"], name="account_member_once_per_line",
                condition=Q(deleted_at__isnull=True),
                violation_error_message=_("This person is already in the account team for this product line."),
            ),
        ]

    def __str__(self):
        return f"{self.employee} · {self.product_line}"

    def clean(self):
        if self.employee_id and not self.employee.is_active:
            raise ValidationError({"employee": _("This person no longer works here.")})
        if self.product_line_id and not self.product_line.is_active and self._state.adding:
            raise ValidationError({"product_line": _("This product line is no longer active.")})

    def validate_constraints(self, exclude=None):
        _constraint_errors_on_product_line(super().validate_constraints, exclude)


class CustomerStrategy(KedaoModel):
    """How we win and keep one customer for one product line."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="strategies")
    product_line = models.ForeignKey("org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT,
                                     related_name="customer_strategies")
    title = models.CharField(_("title"), max_length=100)
    needs = models.TextField(_("customer needs"), blank=True)
    strengths = models.TextField(_("our strengths"), blank=True)
    competitors = models.TextField(_("competitors present"), blank=True)
    plan = models.TextField(_("plan"), blank=True)

    scope_kind = "parent"
    scope_parent = "customer"
    # Product-line isolation (seed 000, issue 9): seeing the customer through its account team does
    # not show every line's strategy — customers.access adds back the member's own line.
    scope_parent_skip_rules = ("account_team",)

    class Meta:
        verbose_name = _("customer strategy")
        verbose_name_plural = _("customer strategies")
        ordering = ("-updated_at",)
        indexes = [models.Index(fields=["customer", "-updated_at"], name="strategy_customer_updated")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "product_line"], name="strategy_one_per_line",
                condition=Q(deleted_at__isnull=True),
                violation_error_message=_("This customer already has a strategy for this product line."),
            ),
        ]

    def __str__(self):
        return self.title

    def validate_constraints(self, exclude=None):
        _constraint_errors_on_product_line(super().validate_constraints, exclude)
