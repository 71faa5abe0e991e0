"""Approval requests, their event log, and the policies that route them (docs/approvals.md).

`ApprovalRequest` is deliberately NOT an object type of the registry (register_object_type). Who
sees a request is not a data scope over owners and units that a role grants: it is who takes part
in it — the person who asked, whoever was or is its approver, whoever decided it — and
administrators (superusers). The generic pages and role matrix would offer "create a request" or
"all requests of my subtree", which make no sense here: requests are raised by other apps'
workflows through approvals.services. So the model keeps the framework's one entry point,
`ApprovalRequest.objects.visible_to(user, action)`, with its own explicit rule below, and writes
its audit rows through core.services.log_change like every object.

`ApprovalPolicy` IS an object type (administrators edit it with the generic pages and API).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import KedaoModel
from core.registry import approval_kinds, get_approval_kind


def kind_label(key):
    kind = get_approval_kind(key)
    return kind.label if kind else key


class ApprovalPolicy(KedaoModel):
    """Who approves one kind of request, and how long they have, for a part of the company.

    The most specific active policy wins: one for the request's own unit over one for a unit above
    it (over one for the whole company), one naming the request's product line over one for every
    line. Without a policy a request goes to the manager of its org unit (walking up) and waits the
    kind's default time."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind of approval"), max_length=100, db_index=True)
    org_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("Applies to requests of this unit and its sub-units. Empty: the whole company."))
    product_line = models.ForeignKey(
        "org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("Empty: every product line."))
    approver_role = models.ForeignKey(
        "org.Role", verbose_name=_("approver role"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
        help_text=_("The first active employee holding this role, looking in the request's unit and then the "
                    "units above it. Empty: the unit's manager."))
    timeout_hours = models.PositiveIntegerField(
        _("escalate after (hours)"), null=True, blank=True, validators=[MaxValueValidator(24 * 365)],
        help_text=_("Undecided for this long, the request moves up to the next manager. Empty: the default of "
                    "the kind; 0: never."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")
        ordering = ("kind", "name")

    def __str__(self):
        return self.name

    @property
    def kind_label(self):
        return kind_label(self.kind)

    def kind_display(self):
        return kind_label(self.kind)

    kind_display.short_description = _("kind of approval")

    def clean(self):
        super().clean()
        if self.kind and get_approval_kind(self.kind) is None:
            known = ", ".join(kind.key for kind in approval_kinds()) or "—"
            raise ValidationError({"kind": _("Unknown kind of approval. Known kinds: %(kinds)s.") % {"kinds": known}})


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class ApprovalRequestQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        """The requests `user` may `action`:

        - "view": those they asked for, those they are or were the approver of, those they decided;
          superusers see every request;
        - "decide": pending ones waiting for them (superusers: every pending one);
        - "cancel": their own pending requests (superusers: every pending one).
        """
        if not user or not user.is_authenticated or not user.is_active:
            return self.none()
        if action == "view":
            if user.is_superuser:
                return self
            was_approver = ApprovalEvent.objects.filter(request_id=OuterRef("pk"), approver_id=user.pk)
            return self.filter(Q(requested_by_id=user.pk) | Q(approver_id=user.pk) | Q(decided_by_id=user.pk)
                               | Exists(was_approver))
        pending = self.filter(status=Status.PENDING)
        if user.is_superuser:
            return pending if action in ("decide", "cancel") else self.none()
        if action == "decide":
            return pending.filter(approver_id=user.pk)
        if action == "cancel":
            return pending.filter(requested_by_id=user.pk)
        return self.none()

    def waiting_for(self, user):
        """The inbox: pending requests whose current approver is `user`."""
        return self.filter(status=Status.PENDING, approver_id=user.pk)


class ApprovalRequest(models.Model):
    Status = Status

    kind = models.CharField(_("kind"), max_length=100, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.BigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    org_unit = models.ForeignKey("org.OrgUnit", verbose_name=_("org unit"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    product_line = models.ForeignKey("org.ProductLine", verbose_name=_("product line"), on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    # The unit whose manager (or role holder) the current approver was found at: escalation walks up
    # from here.
    routing_unit = models.ForeignKey("org.OrgUnit", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", editable=False)
    policy = models.ForeignKey(ApprovalPolicy, verbose_name=_("policy"), on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    due_at = models.DateTimeField(_("escalates at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalations"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ApprovalRequestQuerySet.as_manager()

    audit_exclude = ("updated_at", "routing_unit")

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["approver", "status"], name="approval_inbox"),
            models.Index(fields=["requested_by", "-created_at"], name="approval_requested_by"),
            models.Index(fields=["target_type", "target_id", "status"], name="approval_target"),
            models.Index(fields=["status", "due_at"], name="approval_due"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("approvals:request_detail", kwargs={"pk": self.pk})

    @property
    def kind_label(self):
        return kind_label(self.kind)

    @property
    def is_pending(self):
        return self.status == Status.PENDING

    @property
    def status_style(self):
        """Bootstrap colour of the status badge."""
        return STATUS_STYLES.get(self.status, "secondary")

    @property
    def is_overdue(self):
        from django.utils import timezone

        return self.is_pending and self.due_at is not None and self.due_at <= timezone.now()


STATUS_STYLES = {Status.PENDING: "warning", Status.APPROVED: "success", Status.REJECTED: "danger",
                 Status.CANCELLED: "secondary"}


class ApprovalEvent(models.Model):
    """The request's own log, in order: who asked, where it went, who decided and why."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ESCALATED = "escalated", _("Escalated")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        HANDED_OVER = "handed_over", _("Handed over")

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # None for the scheduled escalation (nobody acted: time ran out).
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+")
    # Who the request waits for after this event (requested, escalated): also what makes a past
    # approver still see the request.
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("approval event")
        verbose_name_plural = _("approval events")
        ordering = ("created_at", "id")
        indexes = [models.Index(fields=["approver", "request"], name="approval_event_approver")]

    def __str__(self):
        return f"{self.get_action_display()} {self.request_id}"
