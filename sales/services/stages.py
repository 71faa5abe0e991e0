"""Moving an opportunity between the stages of its pipeline."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import ObjectChange
from core.services import check_allowed, log_change, serialize_object

from ..models import Opportunity, StageChange
from ..models.opportunities import OpportunityStatus


@transaction.atomic
def opportunity_move_stage(*, opportunity, stage, actor, reason=None, note="", won_by=None):
    """Move `opportunity` to `stage` as `actor` (the stage history records who and when).

    Raises ValidationError({"stage": ...}) when the stage is not of the opportunity's pipeline."""
    check_allowed(instance=opportunity, actor=actor, action="change")
    current = Opportunity._base_manager.select_for_update().get(pk=opportunity.pk)
    if stage.pipeline_id != current.pipeline_id:
        raise ValidationError({"stage": _("The stage belongs to another pipeline.")})
    if stage.pk == current.stage_id:
        return current
    prechange = serialize_object(current)
    now = timezone.now()
    from_stage = current.stage
    current.stage = stage
    current.stage_changed_at = now
    current.status = {"won": OpportunityStatus.WON, "lost": OpportunityStatus.LOST}.get(stage.kind,
                                                                                     OpportunityStatus.OPEN)
    current.closed_at = now if stage.kind != "open" else None
    if stage.kind == "open":
        current.close_reason = None
        current.close_note = ""
        current.won_by = None
    else:
        current.close_reason = reason
        current.close_note = note
        current.won_by = won_by if stage.kind == "lost" else None
    current.updated_by = actor
    current.version += 1
    current.save()
    StageChange.objects.create(opportunity=current, from_stage=from_stage, to_stage=stage, changed_by=actor,
                               changed_at=now, amount=current.amount, probability=current.effective_probability,
                               note=note[:500])
    log_change(instance=current, action=ObjectChange.Action.UPDATE, actor=actor, prechange=prechange,
               postchange=serialize_object(current))
    return current
