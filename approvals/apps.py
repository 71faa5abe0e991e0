from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        from django.urls import reverse

        from core.registry import (
            register_handover_hook,
            register_home_slot,
            register_menu_item,
            register_notification_event,
            register_object_type,
            register_scheduled_job,
        )

        from . import panels, services
        from .models import ApprovalPolicy, ApprovalRequest
        from .policies import ApprovalPolicyFilterSet

        register_object_type(ApprovalPolicy, filterset=ApprovalPolicyFilterSet)
        register_menu_item(_("Organisation"), _("Approval policies"), "approvals:approvalpolicy_list", ApprovalPolicy,
                           order=860)
        register_notification_event(
            "approvals.requested", _("Approval requested from me"), model=ApprovalRequest, email=True,
            description=_("Someone asks you to approve something, or a request reaches you."))
        register_notification_event(
            "approvals.escalated", _("Approval escalated"), model=ApprovalRequest, email=True,
            description=_("A request was not decided in time and moved up to the next manager (to you, or "
                          "your own request)."))
        register_notification_event(
            "approvals.decided", _("Approval decided"), model=ApprovalRequest,
            description=_("Your request was approved or rejected, or a request you were to decide was withdrawn."))
        panels.register()
        register_scheduled_job("approvals.escalate", _("Move overdue approval requests up to the next manager"),
                               services.run_escalation_job, every=15 * 60)
        # A leaver's pending decisions go to whoever takes over their work (org/handover.py).
        register_handover_hook("approvals.waiting", _("Approval requests waiting for their decision"),
                               services.approvals_handover_count, services.approvals_handover_apply)
        register_home_slot(
            "approvals.waiting", _("Waiting for my approval"),
            lambda user: ApprovalRequest.objects.waiting_for(user).order_by("created_at", "pk")[:6],
            icon="check2-square", order=5, more_url=lambda user: reverse("approvals:inbox"),
            hint=_("Approve or reject, with a comment."))
