"""Saving an opportunity: the page's and the API's writes both come here (save_service)."""

from django.db import transaction
from django.utils import timezone

from core.services import object_save

from ..hooks import opportunity_create_hooks
from ..models import Opportunity, StageChange
from ..models.opportunities import OpportunityStatus


def status_for(stage):
    return {"won": OpportunityStatus.WON, "lost": OpportunityStatus.LOST}.get(stage.kind, OpportunityStatus.OPEN)


def opportunity_save(*, instance, actor, expected_version=None, save_m2m=None, fields=None):
    """Create or update an opportunity as `actor`.

    A new one starts its stage history and runs the create hooks (collision registration). On an
    update, a different stage goes through `opportunity_move_stage` — the gates, the approvals and
    the won/lost rules apply whether the stage changes on the form, on the kanban or in the API."""
    from .stages import opportunity_move_stage

    with transaction.atomic():
        if instance._state.adding or instance.pk is None:
            now = timezone.now()
            instance.status = status_for(instance.stage)
            instance.stage_changed_at = now
            saved = object_save(instance=instance, actor=actor, save_m2m=save_m2m)
            # The history starts when the deal was created (created_at is stamped inside the save,
            # a moment after `now`): never before it.
            if saved.created_at and saved.created_at != now:
                now = saved.stage_changed_at = saved.created_at
                Opportunity._base_manager.filter(pk=saved.pk).update(stage_changed_at=now)
            StageChange.objects.create(opportunity=saved, from_stage=None, to_stage=saved.stage, changed_by=actor,
                                       changed_at=now, amount=saved.amount, probability=saved.effective_probability)
            for hook in opportunity_create_hooks():
                hook(opportunity=saved, actor=actor)
            return saved
        stored = Opportunity._base_manager.get(pk=instance.pk)
        new_stage = instance.stage
        moving = new_stage.pk != stored.stage_id and (fields is None or "stage" in fields)
        if moving:
            # The stage is moved by its own service, after the other fields are saved.
            instance.stage_id = stored.stage_id
        saved = object_save(instance=instance, actor=actor, expected_version=expected_version,
                            save_m2m=save_m2m, fields=fields)
        if moving:
            result = opportunity_move_stage(opportunity=saved, stage=new_stage, actor=actor)
            saved.refresh_from_db()
            # A big deal's move waits for approval: the caller (the API's 202) says so.
            saved.stage_approval = None if isinstance(result, Opportunity) else result
        return saved
