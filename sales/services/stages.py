"""Moving an opportunity between the stages of its pipeline: THE one place where the gates, the
won/lost rules, reopening and big-deal approvals apply (the move page, the kanban, the form's stage
field and the API all call `opportunity_move_stage`).

Which stages a move must pass (`stages_entered`):
- forward between open stages: every open stage after the current one up to the target, inclusive
  (a seller must not skip a stage's required information by jumping over it);
- to won: every open stage after the current one, then the won stage;
- to lost: the lost stage only (a deal may be lost at any point);
- back to an earlier open stage: none (moving back needs nothing);
- reopening (out of a won or lost stage): the deal enters its stage afresh, so every open stage up
  to the target and the target itself.
Each stage passed contributes its requirements (sales.gates) and its approval threshold.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import services as core_services
from core.models import ObjectChange
from core.services import log_change, serialize_object
from core.text import clean_text

from ..gates import get_requirement
from ..models import Opportunity, Stage, StageChange
from ..models.opportunities import OpportunityStatus, RegistrationStatus
from ..models.pipelines import StageKind

NOTE_MAX = 500
STATUS_FOR_KIND = {StageKind.WON: OpportunityStatus.WON, StageKind.LOST: OpportunityStatus.LOST}


def pipeline_stages(pipeline_id):
    return list(Stage.objects.filter(pipeline_id=pipeline_id).order_by("order", "pk"))


def stages_entered(current, target, stages=None):
    """The stages (of `stages`, the pipeline's in order) a move from `current` to `target` passes
    into; their gates and approval thresholds apply. See the module docstring for the rules."""
    if target.pk == current.pk:
        return []
    if target.kind == StageKind.LOST:
        return [target]
    stages = stages if stages is not None else pipeline_stages(target.pipeline_id)
    position = {stage.pk: index for index, stage in enumerate(stages)}
    target_at = position.get(target.pk, len(stages))
    if current.kind != StageKind.OPEN:
        # Reopening (or turning a lost deal into a won one): it enters its stage afresh.
        after = -1
    else:
        after = position.get(current.pk, -1)
        if target.kind == StageKind.OPEN and target_at < after:
            return []  # moving back needs nothing
    passed = [stage for index, stage in enumerate(stages)
              if stage.kind == StageKind.OPEN and index > after
              and (target.kind == StageKind.WON or index < target_at)]
    return [*passed, target]


def missing_for(opportunity, stages):
    """The refusals of the gates of `stages` that `opportunity` does not meet: one per requirement,
    named after the first stage that requires it ("方案报价: Add a decision-maker contact.")."""
    found, seen = [], set()
    for stage in stages:
        for key in stage.requirements or ():
            requirement = get_requirement(key)
            if key in seen or requirement is None:
                continue
            seen.add(key)
            if not requirement.check(opportunity):
                found.append(_("%(stage)s: %(missing)s") % {"stage": stage.name, "missing": requirement.missing})
    return found


def approval_threshold_for(opportunity, stages):
    """The stage among `stages` whose approval threshold the opportunity's amount reaches (the one
    with the lowest threshold), or None."""
    if opportunity.amount is None:
        return None
    reached = [stage for stage in stages
               if stage.approval_threshold is not None and opportunity.amount >= stage.approval_threshold]
    return min(reached, key=lambda stage: stage.approval_threshold) if reached else None


def _check_close_fields(target, reason, won_by, errors):
    if target.kind == StageKind.OPEN:
        return
    if reason is None:
        errors["reason"] = [_("Choose why the deal was won.") if target.kind == StageKind.WON
                            else _("Choose why the deal was lost.")]
    elif reason.kind != target.kind or not reason.is_active or reason.deleted_at is not None:
        errors["reason"] = [_("Choose a reason from the list for this outcome.")]
    if target.kind == StageKind.LOST:
        if won_by is None:
            errors["won_by"] = [_("Choose the competitor that won the deal.")]
        elif not won_by.is_active or won_by.deleted_at is not None:
            errors["won_by"] = [_("This competitor is no longer in the list; choose another.")]


def check_move(*, opportunity, stage, reason=None, won_by=None, note="", stages=None):
    """Every refusal of moving `opportunity` (its stored state) to `stage`, as a ValidationError
    naming the fields (`stage`, `reason`, `won_by`, `note`); returns the stages entered."""
    current = opportunity.stage
    errors = {}
    if stage.pipeline_id != opportunity.pipeline_id:
        raise ValidationError({"stage": [_("The stage belongs to another pipeline.")]})
    if opportunity.registration_status == RegistrationStatus.REJECTED and stage.kind != StageKind.LOST:
        # The collision review gave the deal to the seller registered first: this one may only be
        # closed as lost (it counts nowhere meanwhile, sales.collisions.counted_opportunities).
        raise ValidationError({"stage": [_("The collision review rejected this deal's registration: "
                                           "it can only be closed as lost.")]})
    entered = stages_entered(current, stage, stages)
    if current.kind != StageKind.OPEN and stage.pk != current.pk and not note:
        errors["note"] = [_("Say why the deal is reopened.") if stage.kind == StageKind.OPEN
                          else _("Say why the outcome changes.")]
    _check_close_fields(stage, reason, won_by, errors)
    missing = missing_for(opportunity, entered)
    if missing:
        errors["stage"] = missing
    if errors:
        raise ValidationError(errors)
    return entered


def _clean_note(note):
    note = clean_text(str(note or ""), multiline=True).strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": [_("At most %(n)d characters.") % {"n": NOTE_MAX}]})
    return note


@transaction.atomic
def opportunity_move_stage(*, opportunity, stage, actor, reason=None, note="", won_by=None, approval=None):
    """Move `opportunity` to `stage` as `actor` (the stage history records who, when and why).

    Returns the moved opportunity; or, when the amount reaches the approval threshold of a stage
    the move enters, the pending approval request (kind "sales.stage_approval") — the opportunity
    stays where it is until a manager approves, and then this service moves it (`approval` is the
    approved request, so that it does not ask again).

    Raises PermissionDenied unless `actor` may change the opportunity, and ValidationError naming
    the field: `stage` (another pipeline; each requirement of a stage entered that is missing),
    `reason` (won and lost need one of the configured reasons), `won_by` (lost needs the competitor
    that won), `note` (reopening says why)."""
    core_services.check_allowed(instance=opportunity, actor=actor, action="change")
    current = Opportunity._base_manager.select_for_update().select_related("stage").get(pk=opportunity.pk)
    note = _clean_note(note)
    if stage.pk == current.stage_id:
        return current
    entered = check_move(opportunity=current, stage=stage, reason=reason, won_by=won_by, note=note)
    if approval is None:
        big = approval_threshold_for(current, entered)
        if big is not None:
            from ..stage_approvals import request_stage_approval

            return request_stage_approval(opportunity=current, stage=stage, threshold_stage=big, actor=actor,
                                          reason=reason, won_by=won_by, note=note)
    return _move(current, stage, actor, reason=reason, won_by=won_by, note=note)


def _move(current, stage, actor, *, reason, won_by, note):
    prechange = serialize_object(current)
    now = timezone.now()
    from_stage = current.stage
    reopened = from_stage.kind != StageKind.OPEN
    current.stage = stage
    current.stage_changed_at = now
    current.status = STATUS_FOR_KIND.get(stage.kind, OpportunityStatus.OPEN)
    if stage.kind == StageKind.OPEN:
        # Reopening clears what the close said (the stage history and the audit keep it).
        current.closed_at = None
        current.closed_unit = None
        current.close_reason = None
        current.close_note = ""
        current.won_by = None
    else:
        current.closed_at = now
        current.closed_unit_id = current.owner.unit_id if current.owner_id and current.owner.unit_id \
            else current.org_unit_id
        current.close_reason = reason
        current.close_note = note
        current.won_by = won_by if stage.kind == StageKind.LOST else None
    current.updated_by = actor
    current.version += 1
    current.save()
    StageChange.objects.create(opportunity=current, from_stage=from_stage, to_stage=stage, changed_by=actor,
                               changed_at=now, amount=current.amount, probability=current.effective_probability,
                               note=note[:NOTE_MAX])
    postchange = serialize_object(current)
    if note:
        # The why of the move (a reopening must say it) is in the audit trail beside the change.
        prechange["stage_note"] = None
        postchange["stage_note"] = (_("Reopened: %(note)s") if reopened else "%(note)s") % {"note": note}
    log_change(instance=current, action=ObjectChange.Action.UPDATE, actor=actor, prechange=prechange,
               postchange=postchange)
    return current


def may_move(opportunity, user):
    """Whether `user` may move `opportunity` (change rights on it)."""
    try:
        core_services.check_allowed(instance=opportunity, actor=user, action="change")
    except PermissionDenied:
        return False
    return True
