"""Approvals: one mechanism for every "someone else must agree first" (docs/approvals.md).

An app registers a kind (core.registry.register_approval_kind) and raises requests of it with
`approval_request()`; the approver decides with `approval_decide()`; the kind's `on_approved` /
`on_rejected` run inside the decision's transaction, so a callback that fails leaves the request
undecided and nothing written. Every status change writes an event (the request's own log), an
audit row (core.services.log_change) on the request and one on its target, and notifies the
people concerned on commit (notifications.services.notify).
"""

import datetime
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import ObjectChange
from core.registry import get_approval_kind
from core.services import log_change, serialize_object
from core.text import clean_text
from notifications.services import notify
from org.models import OrgUnit, ProductLine

from . import routing
from .models import ApprovalEvent, ApprovalRequest, Status

TITLE_MAX = 200
SUMMARY_MAX = 5000
COMMENT_MAX = 2000
PAYLOAD_MAX_BYTES = 64 * 1024


class ApprovalClosed(ValidationError):
    """The request is no longer pending (decided or cancelled): it cannot be decided again.
    A ValidationError, so pages show it as a message; the API answers 409."""


def _definition(key):
    definition = get_approval_kind(key)
    if definition is None:
        raise ValidationError(_("This kind of approval is not available (%(kind)s).") % {"kind": key})
    return definition


def _timeout_hours(definition, policy):
    if policy is not None and policy.timeout_hours is not None:
        return policy.timeout_hours
    return definition.timeout_hours


def _due(hours, now):
    return now + datetime.timedelta(hours=hours) if hours else None


def _check_target_visible(target, actor):
    rows = type(target)._base_manager.all()
    if hasattr(rows, "visible_to") and not rows.visible_to(actor, "view").filter(pk=target.pk).exists():
        raise PermissionDenied(_("You may not ask for an approval on a record you cannot see."))


def _may_change_target(target, actor):
    rows = type(target)._base_manager.all()
    return hasattr(rows, "visible_to") and rows.visible_to(actor, "change").filter(pk=target.pk).exists()


def _clean_comment(comment, *, required):
    comment = clean_text(str(comment or ""), multiline=True).strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError({"comment": _("At most %(n)d characters.") % {"n": COMMENT_MAX}})
    if required and not comment:
        raise ValidationError({"comment": _("Say why, so that the requester knows what to change.")})
    return comment


def _closed(request):
    return ApprovalClosed(_("This request is already %(status)s: it cannot be decided again.")
                          % {"status": request.get_status_display().lower()})


def _audit(request, actor, prechange, action=ObjectChange.Action.UPDATE):
    """An audit row on the request, and one on its target (its history shows the approval)."""
    log_change(instance=request, action=action, actor=actor, prechange=prechange,
               postchange=serialize_object(request))
    target = request.target
    if target is not None:
        label = f"{request.kind_label}: {request.title} ({request.get_status_display()})"
        log_change(instance=target, action=ObjectChange.Action.UPDATE, actor=actor,
                   prechange={"approval": None}, postchange={"approval": label})


def _tell(recipients, event, title, request, *, body="", actor=None):
    notify(recipients=recipients, event=event, title=title, body=body, url=request.get_absolute_url(),
           actor=actor, target=request)


def approval_request(*, kind, target, actor, title, summary="", payload=None, org_unit=None, approver=None,
                     product_line=None):
    """Ask for an approval of `kind` on `target` as `actor`; returns the pending ApprovalRequest.

    `org_unit` (default: the target's org unit, else the actor's) and `product_line` (default: the
    target's, if it has one) choose the policy and the approver (approvals.routing); `approver`
    names one directly. Raises ValidationError when nobody can approve, PermissionDenied when the
    actor cannot see the target. The approver is notified when the caller's transaction commits."""
    definition = get_approval_kind(kind)
    if definition is None:
        raise ValueError(f"Unknown approval kind {kind!r}: register it with register_approval_kind().")
    if not isinstance(target, definition.model) or target.pk is None:
        raise ValueError(f"An approval of kind {kind!r} is about a saved {definition.model.__name__}.")
    title = clean_text(str(title or "")).strip()
    summary = clean_text(str(summary or ""), multiline=True).strip()
    if not title:
        raise ValidationError({"title": _("This field is required.")})
    if len(title) > TITLE_MAX or len(summary) > SUMMARY_MAX:
        field = "title" if len(title) > TITLE_MAX else "summary"
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": TITLE_MAX if field == "title"
                                                                         else SUMMARY_MAX}})
    payload = payload or {}
    if not isinstance(payload, dict) or len(json.dumps(payload, cls=DjangoJSONEncoder)) > PAYLOAD_MAX_BYTES:
        raise ValueError("payload must be a dict of JSON values (at most 64 KB)")
    with transaction.atomic():
        _check_target_visible(target, actor)
        if org_unit is None:
            unit = getattr(target, "org_unit", None)
            org_unit = unit if isinstance(unit, OrgUnit) else actor.unit
        if product_line is None:
            line = getattr(target, "product_line", None)
            product_line = line if isinstance(line, ProductLine) else None
        policy = routing.find_policy(kind, org_unit, product_line)
        request = ApprovalRequest(
            kind=kind, target_type=ContentType.objects.get_for_model(target.__class__), target_id=target.pk,
            title=title, summary=summary, payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
            requested_by=actor, org_unit=org_unit, product_line=product_line, policy=policy,
        )
        request.target = target
        if approver is not None:
            if not approver.is_active or approver.pk == actor.pk:
                raise ValidationError({"approver": _("Choose an active colleague other than yourself.")})
            found_at = org_unit
        else:
            approver, found_at = routing.first_approver(request, definition, policy)
        if approver is None:
            raise ValidationError(_("Nobody can approve this request: the org unit and the units above it have "
                                    "no manager. Ask an administrator to set one."))
        now = timezone.now()
        request.approver, request.routing_unit = approver, found_at
        request.due_at = _due(_timeout_hours(definition, policy), now)
        request.save()
        ApprovalEvent.objects.create(request=request, action=ApprovalEvent.Action.REQUESTED, actor=actor,
                                     approver=approver)
        _audit(request, actor, None, action=ObjectChange.Action.CREATE)
        with translation.override(settings.LANGUAGE_CODE):
            message = _("%(name)s asks for your approval: %(title)s") % {"name": actor, "title": title}
        _tell([approver], "approvals.requested", message, request, body=summary, actor=actor)
    return request


def approval_decide(*, request, actor, approve, comment=""):
    """Approve or reject `request` as `actor` (its current approver, or a superuser); a rejection
    needs a comment. Runs the kind's on_approved / on_rejected in the same transaction: if it
    raises, nothing is decided. Returns the decided request (the one passed in is stale).

    Raises ApprovalClosed (a ValidationError) when it was already decided or cancelled, and
    PermissionDenied when `actor` may not decide it."""
    comment = _clean_comment(comment, required=not approve)
    with transaction.atomic():
        current = ApprovalRequest.objects.select_for_update().filter(pk=request.pk).first()
        if current is None:
            raise PermissionDenied
        if current.status != Status.PENDING:
            raise _closed(current)
        if current.requested_by_id == actor.pk:
            raise PermissionDenied(_("Nobody decides their own request."))
        if not ApprovalRequest.objects.visible_to(actor, "decide").filter(pk=current.pk).exists():
            raise PermissionDenied(_("Only %(name)s, the current approver, may decide this request.")
                                   % {"name": current.approver})
        definition = _definition(current.kind)
        prechange = serialize_object(current)
        current.status = Status.APPROVED if approve else Status.REJECTED
        current.decided_by, current.decided_at = actor, timezone.now()
        current.comment, current.due_at = comment, None
        current.save()
        ApprovalEvent.objects.create(request=current, action=current.status, actor=actor, comment=comment)
        _audit(current, actor, prechange)
        (definition.on_approved if approve else definition.on_rejected)(current, actor)
        with translation.override(settings.LANGUAGE_CODE):
            message = (_("Approved: %(title)s") if approve else _("Rejected: %(title)s")) % {"title": current.title}
        _tell([current.requested_by_id], "approvals.decided", message, current, body=comment, actor=actor)
    return current


def approval_cancel(*, request, actor, comment=""):
    """Withdraw a pending request: its requester, anyone who may change its target, or a
    superuser. Runs the kind's `on_cancelled` (if any) in the same transaction."""
    comment = _clean_comment(comment, required=False)
    with transaction.atomic():
        current = ApprovalRequest.objects.select_for_update().filter(pk=request.pk).first()
        if current is None:
            raise PermissionDenied
        if current.status != Status.PENDING:
            raise _closed(current)
        allowed = ApprovalRequest.objects.visible_to(actor, "cancel").filter(pk=current.pk).exists()
        if not allowed and (current.target is None or not _may_change_target(current.target, actor)):
            raise PermissionDenied(_("Only the requester may withdraw this request."))
        definition = get_approval_kind(current.kind)
        prechange = serialize_object(current)
        current.status = Status.CANCELLED
        current.decided_by, current.decided_at = actor, timezone.now()
        current.comment, current.due_at = comment, None
        current.save()
        ApprovalEvent.objects.create(request=current, action=ApprovalEvent.Action.CANCELLED, actor=actor,
                                     comment=comment)
        _audit(current, actor, prechange)
        if definition is not None and definition.on_cancelled is not None:
            definition.on_cancelled(current, actor)
        with translation.override(settings.LANGUAGE_CODE):
            message = _("Withdrawn: %(title)s") % {"title": current.title}
        _tell([current.approver_id, current.requested_by_id], "approvals.decided", message, current, body=comment,
              actor=actor)
    return current


def approvals_escalate(*, now=None):
    """Move every pending request whose time ran out to the next manager up (approvals.routing),
    with a new deadline; one transaction per request, so a crash loses at most one move. A request
    with nobody above keeps its approver and stops escalating. Returns how many moved."""
    now = now or timezone.now()
    due = list(ApprovalRequest.objects.filter(status=Status.PENDING, due_at__lte=now)
               .order_by("due_at", "pk").values_list("pk", flat=True)[:1000])
    moved = 0
    for pk in due:
        with transaction.atomic():
            # Checked again under the lock: another worker may have moved or decided it meanwhile.
            current = ApprovalRequest.objects.select_for_update().filter(
                pk=pk, status=Status.PENDING, due_at__lte=now).first()
            if current is None:
                continue
            previous = set(current.events.exclude(approver=None).values_list("approver_id", flat=True))
            following, found_at = routing.next_approver(current, previous | {current.approver_id})
            if following is None:
                current.due_at = None
                current.save(update_fields=["due_at", "updated_at"])
                continue
            definition = get_approval_kind(current.kind)
            prechange = serialize_object(current)
            before = current.approver
            current.approver, current.routing_unit = following, found_at
            current.escalation_level += 1
            hours = _timeout_hours(definition, current.policy) if definition else 0
            current.due_at = _due(hours, now)
            current.save()
            ApprovalEvent.objects.create(request=current, action=ApprovalEvent.Action.ESCALATED, approver=following)
            _audit(current, None, prechange)
            with translation.override(settings.LANGUAGE_CODE):
                to_approver = _("Waiting for your approval (not decided by %(name)s in time): %(title)s") \
                    % {"name": before, "title": current.title}
                to_requester = _("Your request moved up to %(name)s: %(title)s") \
                    % {"name": following, "title": current.title}
            _tell([following], "approvals.escalated", to_approver, current, body=current.summary)
            _tell([current.requested_by_id], "approvals.escalated", to_requester, current)
            moved += 1
    return moved


def _waiting_for(employee):
    return ApprovalRequest.objects.filter(status=Status.PENDING, approver_id=employee.pk)


def approvals_handover_count(from_user, customer_ids):
    """Handover (core.registry.register_handover_hook): the requests waiting for the leaver's
    decision. Only a handover of everything moves them (a selection of customers does not)."""
    return _waiting_for(from_user).count() if customer_ids is None else 0


def approvals_handover_apply(from_user, to_user, customer_ids, actor):
    """Handover: `to_user` becomes the approver of what waits for `from_user` (logged, audited and
    told as a new request); requests `to_user` made themselves stay, to escalate past the leaver."""
    if customer_ids is not None:
        return 0
    moved = 0
    for pk in _waiting_for(from_user).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            current = ApprovalRequest.objects.select_for_update().filter(
                pk=pk, status=Status.PENDING, approver_id=from_user.pk).first()
            if current is None or current.requested_by_id == to_user.pk:
                continue
            prechange = serialize_object(current)
            current.approver = to_user
            current.save()
            ApprovalEvent.objects.create(request=current, action=ApprovalEvent.Action.HANDED_OVER, actor=actor,
                                         approver=to_user)
            _audit(current, actor, prechange)
            with translation.override(settings.LANGUAGE_CODE):
                message = _("Handed over to you for approval: %(title)s") % {"title": current.title}
            _tell([to_user], "approvals.requested", message, current, body=current.summary, actor=actor)
            moved += 1
    return moved


def run_escalation_job(now):
    """The scheduled job `approvals.escalate` (manage.py run_scheduled)."""
    return f"{approvals_escalate(now=now)} overdue approval requests moved up"


def pending_approvals(target):
    """The open (pending) requests about one record, newest first. Not scoped to a user: for the
    target's own app, which has already decided that its caller may see the record."""
    content_type = ContentType.objects.get_for_model(target.__class__)
    return ApprovalRequest.objects.filter(target_type=content_type, target_id=target.pk,
                                          status=Status.PENDING).order_by("-created_at", "-pk")
