"""Big deals (大单): a stage move whose amount reaches a stage's approval threshold waits for a
manager's approval (approvals app, kind "sales.stage_approval").

`opportunity_move_stage` asks here instead of moving; the approver's decision comes back through
the callbacks registered below: approving moves the opportunity (as the seller who asked, with the
approved request passed on so that the move does not ask again), rejecting moves nothing (the
approvals app tells the requester; the owner is told too when someone else asked).
"""

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import format_money

KIND = "sales.stage_approval"


def approvals_available():
    return apps.is_installed("approvals")


def _pending(opportunity):
    from approvals.services import pending_approvals

    return pending_approvals(opportunity).filter(kind=KIND)


def pending_stage_approval(opportunity):
    """The open stage-approval request of `opportunity`, or None."""
    if not approvals_available():
        return None
    return _pending(opportunity).first()


def request_stage_approval(*, opportunity, stage, threshold_stage, actor, reason=None, won_by=None, note=""):
    """Ask for the approval of moving `opportunity` to `stage` (called inside the move's
    transaction); returns the pending ApprovalRequest. Asking again for the same move returns the
    request already waiting; a different move is refused while one waits."""
    if not approvals_available():
        raise ValidationError({"stage": [_("This move needs a manager's approval, and approvals are not set up.")]})
    from approvals.services import approval_request

    waiting = _pending(opportunity).first()
    if waiting is not None:
        if waiting.payload.get("stage") == stage.pk:
            return waiting
        raise ValidationError({"stage": [
            _("A move to another stage is waiting for %(name)s's approval; withdraw it first.")
            % {"name": waiting.approver}]})
    amount = format_money(opportunity.amount, opportunity.currency)
    title = _("%(deal)s → %(stage)s (%(amount)s)") % {"deal": opportunity.name, "stage": stage.name,
                                                       "amount": amount}
    summary = _("Entering %(stage)s needs a manager's approval from %(threshold)s; the deal's amount is "
                "%(amount)s.") % {"stage": threshold_stage.name, "amount": amount,
                                  "threshold": format_money(threshold_stage.approval_threshold,
                                                            opportunity.currency)}
    if note:
        summary = f"{summary}\n{note}"
    payload = {"stage": stage.pk, "from_stage": opportunity.stage_id, "reason": getattr(reason, "pk", None),
               "won_by": getattr(won_by, "pk", None), "note": note, "amount": str(opportunity.amount)}
    return approval_request(kind=KIND, target=opportunity, actor=actor, title=title[:200], summary=summary,
                            payload=payload)


def on_approved(request, actor):
    """The manager agreed: make the move the seller asked for (gates checked again: the deal may
    have changed while it waited; a refusal leaves the request undecided, with the reason)."""
    from .models import Competitor, Opportunity, Stage, WinLossReason
    from .services.stages import opportunity_move_stage

    opportunity = Opportunity.objects.filter(pk=request.target_id).first()
    stage = Stage.objects.filter(pk=request.payload.get("stage")).first()
    if opportunity is None or stage is None:
        raise ValidationError(_("The opportunity or its stage no longer exists; reject the request."))
    payload = request.payload
    reason = WinLossReason.objects.filter(pk=payload.get("reason")).first() if payload.get("reason") else None
    won_by = Competitor.objects.filter(pk=payload.get("won_by")).first() if payload.get("won_by") else None
    note = payload.get("note") or ""
    approved = _("Approved by %(name)s") % {"name": actor}
    try:
        opportunity_move_stage(opportunity=opportunity, stage=stage, actor=request.requested_by, reason=reason,
                               won_by=won_by, note=f"{note} ({approved})" if note else approved, approval=request)
    except PermissionDenied as error:
        raise ValidationError(_("%(name)s may no longer change this opportunity; reject the request.")
                              % {"name": request.requested_by}) from error


def on_rejected(request, actor):
    """Nothing moves. The requester hears it from the approvals app; the owner, if someone else
    asked for the move, is told here."""
    from notifications.services import notify

    from .models import Opportunity

    opportunity = Opportunity.objects.filter(pk=request.target_id).select_related("owner").first()
    if opportunity is None or opportunity.owner_id in (None, request.requested_by_id):
        return
    notify(recipients=[opportunity.owner], event="sales.stage_approval_rejected",
           title=_("Stage move rejected: %(title)s") % {"title": request.title}, body=request.comment,
           url=opportunity.get_absolute_url(), actor=actor, target=opportunity)


def describe(request):
    return request.summary


def register():
    """Called from SalesConfig.ready(): the approval kind and its notification event, when the
    approvals app is installed."""
    if not approvals_available():
        return
    from core.registry import register_approval_kind, register_notification_event

    from .models import Opportunity

    register_approval_kind(KIND, gettext_lazy("Big-deal stage move"), model=Opportunity, on_approved=on_approved,
                           on_rejected=on_rejected, describe=describe)
    register_notification_event("sales.stage_approval_rejected", gettext_lazy("A stage move of your deal was rejected"),
                                model=Opportunity)
