"""Collisions (撞单): an opportunity registered while another seller's open one is after the same deal.

One row per pair (the opportunity registered later, the earlier one), written when the later one
is created (sales.collisions) and decided with the review (an approval of kind "sales.collision").

A collision is NOT an object type of the registry: who sees one is not a data scope a role grants
but follows the two deals and the review — see `CollisionQuerySet.visible_to`.
"""

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .opportunities import Opportunity

APPROVAL_KIND = "sales.collision"


class CollisionStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Both proceed")
    REJECTED = "rejected", _("First registered keeps the deal")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MatchReason(models.TextChoices):
    SAME_CUSTOMER = "same_customer", _("Same customer")
    DUPLICATE_CUSTOMER = "duplicate_customer", _("Duplicate customer")
    SAME_PRODUCT_LINE = "same_product_line", _("Same product line")
    SAME_PRODUCTS = "same_products", _("Overlapping products")


STATUS_STYLES = {CollisionStatus.PENDING: "warning", CollisionStatus.APPROVED: "success",
                 CollisionStatus.REJECTED: "danger", CollisionStatus.WITHDRAWN: "secondary"}


def _reviewer_condition(user):
    """The collisions whose review `user` takes part in as an approver: the current approver, one it
    escalated from, or whoever approved or rejected it (not a requester who withdrew it)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    try:
        request_model = apps.get_model("approvals", "ApprovalRequest")
        event_model = apps.get_model("approvals", "ApprovalEvent")
    except LookupError:  # the approvals app is not installed: nobody reviews
        return Q(pk__in=[])
    was_approver = event_model.objects.filter(request_id=OuterRef("pk"), approver_id=user.pk)
    reviews = request_model.objects.filter(
        kind=APPROVAL_KIND, target_type=ContentType.objects.get_for_model(Opportunity),
        target_id=OuterRef("opportunity_id"),
    ).filter(Q(approver_id=user.pk) | Q(decided_by_id=user.pk, status__in=("approved", "rejected"))
             | Exists(was_approver))
    return Q(Exists(reviews))


def _flag(condition):
    return ExpressionWrapper(condition, output_field=BooleanField())


class CollisionQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        """The collisions `user` may see ("view", "export"), each annotated with what they may see of
        its two deals: `opportunity_shown` / `existing_shown` (its details) and `opportunity_open` /
        `existing_open` (a link: the deal is in their view scope).

        - superusers: every collision, both deals;
        - a reviewer of the collision (the approver it was routed or escalated to, or who decided
          it): the collision and both deals' details, so that they can decide;
        - anyone else: the collisions involving an opportunity they may view; of the other deal only
          that it exists, its owner and the owner's unit (as the customers duplicate check tells of
          a customer outside one's scope).
        """
        if not user or not user.is_authenticated or not user.is_active or action not in ("view", "export"):
            return self.none()
        if user.is_superuser:
            every = _flag(Q(pk__isnull=False))
            return self.annotate(opportunity_shown=every, existing_shown=every, opportunity_open=every,
                                 existing_open=every)
        deals = Opportunity.objects.visible_to(user, "view").values("pk")
        reviewer = _reviewer_condition(user)
        own_new, own_existing = Q(opportunity__in=deals), Q(existing__in=deals)
        return self.filter(own_new | own_existing | reviewer).annotate(
            opportunity_shown=_flag(own_new | reviewer), existing_shown=_flag(own_existing | reviewer),
            opportunity_open=_flag(own_new), existing_open=_flag(own_existing),
        )


class Collision(models.Model):
    """The later opportunity (`opportunity`) met an earlier open one of another seller (`existing`)."""

    Status = CollisionStatus

    opportunity = models.ForeignKey(Opportunity, verbose_name=_("registered opportunity"),
                                    on_delete=models.PROTECT, related_name="collisions")
    existing = models.ForeignKey(Opportunity, verbose_name=_("earlier opportunity"), on_delete=models.PROTECT,
                                 related_name="collided_by")
    reasons = models.JSONField(_("match"), default=list, blank=True)
    customer_score = models.FloatField(_("customer match score"), default=100.0)
    # As they were when the collision was found: the log and the report count by them, and a later
    # handover of either deal does not move an old collision to another unit.
    product_line = models.ForeignKey("org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT,
                                     related_name="+")
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    existing_org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("org unit of the earlier opportunity"),
                                          on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=CollisionStatus.choices,
                              default=CollisionStatus.PENDING)
    created_at = models.DateTimeField(_("found at"), db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"),
                                   on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = CollisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("collision")
        verbose_name_plural = _("collisions")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="sales_collision_status_at"),
            models.Index(fields=["product_line", "-created_at"], name="sales_collision_line_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "existing"], name="sales_collision_pair_unique"),
        ]

    def __str__(self):
        return f"{self.opportunity_id} × {self.existing_id}"

    @property
    def status_style(self):
        """Bootstrap colour of the status badge."""
        return STATUS_STYLES.get(self.status, "secondary")

    @property
    def is_pending(self):
        return self.status == CollisionStatus.PENDING

    def reason_labels(self):
        labels = dict(MatchReason.choices)
        return [labels.get(key, key) for key in self.reasons or ()]
