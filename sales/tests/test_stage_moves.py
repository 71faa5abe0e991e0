"""The stage-move service: gates over every stage entered, won/lost rules, audited reopening,
scope, the stage history (sales.services.stages.opportunity_move_stage)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import ObjectChange
from sales.models import Opportunity, StageChange
from sales.services import opportunity_move_stage
from sales.services.stages import stages_entered
from sales.tests import stage_fixtures
from sales.tests.factories import make_pipeline

pytestmark = pytest.mark.django_db
gated = stage_fixtures.gated  # the fixture


def refused(**kwargs):
    with pytest.raises(ValidationError) as caught:
        opportunity_move_stage(**kwargs)
    return caught.value.message_dict


def audit_count(deal):
    return ObjectChange.objects.filter(object_id=deal.pk, content_type__model="opportunity").count()


def test_which_stages_a_move_enters(gated):
    g = gated
    assert stages_entered(g.first, g.quote) == [g.needs, g.quote]          # the skipped stage counts
    assert stages_entered(g.talks, g.needs) == []                         # back: nothing
    assert stages_entered(g.needs, g.won) == [g.quote, g.talks, g.won]     # won: every open stage left
    assert stages_entered(g.first, g.lost) == [g.lost]                    # lost at any point
    assert stages_entered(g.won, g.quote) == [g.first, g.needs, g.quote]  # reopened: enters afresh
    assert stages_entered(g.quote, g.quote) == []


def test_a_missing_requirement_refuses_the_move_and_names_it(gated):
    deal = gated.deal()
    before = audit_count(deal)
    errors = refused(opportunity=deal, stage=gated.needs, actor=gated.world.seller1)
    assert errors == {"stage": ["需求分析: Add a decision-maker contact."]}
    deal.refresh_from_db()
    assert deal.stage == gated.first and deal.version == 1
    assert not StageChange.objects.filter(opportunity=deal).exists()
    assert audit_count(deal) == before


def test_jumping_over_a_stage_does_not_skip_its_requirements(gated):
    deal = gated.deal()
    gated.add_line(deal)  # what 方案报价 needs, but not what 需求分析 before it needs
    errors = refused(opportunity=deal, stage=gated.quote, actor=gated.world.seller1)
    assert errors == {"stage": ["需求分析: Add a decision-maker contact."]}
    gated.add_decision_maker(deal)
    moved = opportunity_move_stage(opportunity=deal, stage=gated.quote, actor=gated.world.seller1, note="客户认可方案")
    assert moved.stage == gated.quote
    change = StageChange.objects.filter(opportunity=deal).latest("changed_at", "pk")
    assert (change.from_stage, change.to_stage, change.changed_by, change.note) == (
        gated.first, gated.quote, gated.world.seller1, "客户认可方案")
    assert change.probability == gated.quote.probability and change.amount == deal.amount


def test_every_missing_requirement_is_listed(gated):
    deal = gated.deal()
    errors = refused(opportunity=deal, stage=gated.talks, actor=gated.world.seller1)
    assert errors["stage"] == ["需求分析: Add a decision-maker contact.", "方案报价: Add at least one product line item.",
                               "商务谈判: Record at least one competitor."]


def test_moving_back_needs_nothing(gated):
    deal = gated.ready_for_talks(gated.deal())
    opportunity_move_stage(opportunity=deal, stage=gated.talks, actor=gated.world.seller1)
    deal.competitors.all().delete()
    deal.decision_makers.clear()
    moved = opportunity_move_stage(opportunity=deal, stage=gated.first, actor=gated.world.seller1)
    assert moved.stage == gated.first and moved.status == "open"


def test_won_needs_a_won_reason_and_the_gates_left(gated):
    deal = gated.ready_for_talks(gated.deal())
    errors = refused(opportunity=deal, stage=gated.won, actor=gated.world.seller1)
    assert errors == {"reason": ["Choose why the deal was won."],
                      "stage": ["赢单: Enter the expected close date."]}
    deal.expected_close_date = datetime.date(2027, 3, 31)
    deal.save()
    errors = refused(opportunity=deal, stage=gated.won, actor=gated.world.seller1, reason=gated.lost_reason)
    assert errors == {"reason": ["Choose a reason from the list for this outcome."]}
    moved = opportunity_move_stage(opportunity=deal, stage=gated.won, actor=gated.world.seller1,
                                   reason=gated.won_reason, note="签约")
    assert (moved.status, moved.close_reason, moved.close_note, moved.won_by) == ("won", gated.won_reason, "签约", None)
    assert moved.closed_at is not None


def test_won_from_the_first_stage_still_needs_every_stage_requirement(gated):
    deal = gated.deal(expected_close_date=datetime.date(2027, 3, 31))
    errors = refused(opportunity=deal, stage=gated.won, actor=gated.world.seller1, reason=gated.won_reason)
    assert errors["stage"] == ["需求分析: Add a decision-maker contact.", "方案报价: Add at least one product line item.",
                               "商务谈判: Record at least one competitor."]


def test_lost_needs_a_lost_reason_and_the_competitor_that_won_but_no_gates(gated):
    deal = gated.deal()
    errors = refused(opportunity=deal, stage=gated.lost, actor=gated.world.seller1)
    assert errors == {"reason": ["Choose why the deal was lost."], "won_by": ["Choose the competitor that won the deal."]}
    gated.rival.is_active = False
    gated.rival.save()
    errors = refused(opportunity=deal, stage=gated.lost, actor=gated.world.seller1, reason=gated.lost_reason,
                     won_by=gated.rival)
    assert errors == {"won_by": ["This competitor is no longer in the list; choose another."]}
    gated.rival.is_active = True
    gated.rival.save()
    moved = opportunity_move_stage(opportunity=deal, stage=gated.lost, actor=gated.world.seller1,
                                   reason=gated.lost_reason, won_by=gated.rival)
    assert (moved.status, moved.close_reason, moved.won_by) == ("lost", gated.lost_reason, gated.rival)


def test_an_inactive_reason_is_refused(gated):
    gated.lost_reason.is_active = False
    gated.lost_reason.save()
    errors = refused(opportunity=gated.deal(), stage=gated.lost, actor=gated.world.seller1,
                     reason=gated.lost_reason, won_by=gated.rival)
    assert errors == {"reason": ["Choose a reason from the list for this outcome."]}


def test_reopening_says_why_is_audited_and_clears_the_close(gated):
    deal = gated.deal()
    opportunity_move_stage(opportunity=deal, stage=gated.lost, actor=gated.world.seller1, reason=gated.lost_reason,
                           won_by=gated.rival, note="价格没谈拢")
    errors = refused(opportunity=deal, stage=gated.first, actor=gated.world.seller1)
    assert errors == {"note": ["Say why the deal is reopened."]}
    before = audit_count(deal)
    moved = opportunity_move_stage(opportunity=deal, stage=gated.first, actor=gated.world.seller1,
                                   note="客户重新招标")
    assert (moved.status, moved.closed_at, moved.close_reason, moved.close_note, moved.won_by) == (
        "open", None, None, "", None)
    change = StageChange.objects.filter(opportunity=deal).latest("changed_at", "pk")
    assert (change.from_stage, change.to_stage, change.note) == (gated.lost, gated.first, "客户重新招标")
    assert audit_count(deal) == before + 1
    audit = ObjectChange.objects.filter(object_id=deal.pk, content_type__model="opportunity").latest("pk")
    assert audit.user == gated.world.seller1
    assert audit.postchange_data["stage_note"] == "Reopened: 客户重新招标"
    assert audit.prechange_data["status"] == "lost" and audit.postchange_data["status"] == "open"
    assert audit.prechange_data["won_by"]["label"] == "西门子" and audit.postchange_data["won_by"] is None


def test_a_reopened_deal_enters_its_stage_afresh(gated):
    deal = gated.deal()
    opportunity_move_stage(opportunity=deal, stage=gated.lost, actor=gated.world.seller1, reason=gated.lost_reason,
                           won_by=gated.rival)
    errors = refused(opportunity=deal, stage=gated.quote, actor=gated.world.seller1, note="重新启动")
    assert errors == {"stage": ["需求分析: Add a decision-maker contact.", "方案报价: Add at least one product line item."]}


def test_who_may_view_but_not_change_cannot_move(gated):
    deal = gated.deal()
    for user in (gated.world.reader, gated.world.seller2):
        with pytest.raises(PermissionDenied):
            opportunity_move_stage(opportunity=deal, stage=gated.lost, actor=user, reason=gated.lost_reason,
                                   won_by=gated.rival)
    deal.refresh_from_db()
    assert deal.stage == gated.first and not StageChange.objects.filter(opportunity=deal).exists()


def test_a_stage_of_another_pipeline_is_refused(gated):
    other = make_pipeline(name="其他流程")
    errors = refused(opportunity=gated.deal(), stage=other.stages.first(), actor=gated.world.seller1)
    assert errors == {"stage": ["The stage belongs to another pipeline."]}


def test_the_same_stage_changes_nothing(gated):
    deal = gated.deal()
    moved = opportunity_move_stage(opportunity=deal, stage=gated.first, actor=gated.world.seller1)
    assert moved.version == deal.version and not StageChange.objects.filter(opportunity=deal).exists()


def test_a_stage_change_on_the_api_save_path_goes_through_the_gates(gated):
    from sales.services import opportunity_save

    deal = gated.deal()
    deal.stage = gated.needs
    deal.name = "改名并推进"
    with pytest.raises(ValidationError) as caught:
        opportunity_save(instance=deal, actor=gated.world.seller1, fields=["name", "stage"])
    assert caught.value.message_dict == {"stage": ["需求分析: Add a decision-maker contact."]}
    stored = Opportunity.objects.get(pk=deal.pk)
    assert (stored.name, stored.stage) != ("改名并推进", gated.needs)
    assert stored.stage == gated.first and stored.name != "改名并推进"  # nothing half-written
