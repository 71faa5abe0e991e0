"""Big deals: a move whose amount reaches a stage's approval threshold waits for a manager
(approvals app, kind "sales.stage_approval"); approving moves it, rejecting moves nothing."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError

from sales.models import Opportunity, StageChange
from sales.services import opportunity_move_stage
from sales.tests import stage_fixtures
from sales.tests.stage_fixtures import THRESHOLD

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(not apps.is_installed("approvals"), reason="the approvals app is not installed")]

BIG = THRESHOLD + Decimal("1")
gated = stage_fixtures.gated  # the fixture


def decide(request, actor, approve, comment=""):
    from approvals.services import approval_decide

    return approval_decide(request=request, actor=actor, approve=approve, comment=comment)


def big_deal(gated):
    return gated.ready_for_talks(gated.deal(amount=BIG))


def test_a_big_deal_waits_for_the_manager_instead_of_moving(gated):
    from approvals.models import ApprovalRequest

    deal = big_deal(gated)
    result = opportunity_move_stage(opportunity=deal, stage=gated.talks, actor=gated.world.seller1, note="大单")
    assert isinstance(result, ApprovalRequest)
    assert (result.kind, result.status, result.requested_by) == ("sales.stage_approval", "pending", gated.world.seller1)
    assert result.approver == gated.world.branch_manager  # the department has no manager: its branch's decides
    assert result.payload["stage"] == gated.talks.pk and result.target == deal
    deal.refresh_from_db()
    assert deal.stage == gated.first and not StageChange.objects.filter(opportunity=deal).exists()
    # Asking again returns the same request; another move needing approval waits for it.
    again = opportunity_move_stage(opportunity=deal, stage=gated.talks, actor=gated.world.seller1)
    assert again.pk == result.pk
    with pytest.raises(ValidationError) as caught:
        opportunity_move_stage(opportunity=deal, stage=gated.won, actor=gated.world.seller1,
                               reason=gated.won_reason)
    assert "stage" in caught.value.message_dict or "reason" in caught.value.message_dict


def test_below_the_threshold_or_backwards_no_approval_is_needed(gated):
    deal = gated.ready_for_talks(gated.deal(amount=THRESHOLD - Decimal("0.01")))
    assert isinstance(opportunity_move_stage(opportunity=deal, stage=gated.talks, actor=gated.world.seller1),
                      Opportunity)


def test_the_gates_come_before_the_approval(gated):
    deal = gated.deal(amount=BIG)
    with pytest.raises(ValidationError) as caught:
        opportunity_move_stage(opportunity=deal, stage=gated.talks, actor=gated.world.seller1)
    assert "stage" in caught.value.message_dict
    from approvals.services import pending_approvals

    assert not pending_approvals(deal).exists()


def test_approving_makes_the_move_the_seller_asked_for(gated):
    deal = big_deal(gated)
    request = opportunity_move_stage(opportunity=deal, stage=gated.talks, actor=gated.world.seller1, note="大单推进")
    decide(request, gated.world.branch_manager, True, "同意")
    deal.refresh_from_db()
    assert deal.stage == gated.talks
    change = StageChange.objects.get(opportunity=deal)
    assert (change.to_stage, change.changed_by) == (gated.talks, gated.world.seller1)
    assert "大单推进" in change.note and str(gated.world.branch_manager) in change.note


def test_approving_a_move_that_no_longer_meets_the_gates_decides_nothing(gated):
    from approvals.models import ApprovalRequest

    deal = big_deal(gated)
    request = opportunity_move_stage(opportunity=deal, stage=gated.talks, actor=gated.world.seller1)
    deal.competitors.all().delete()
    with pytest.raises(ValidationError):
        decide(request, gated.world.branch_manager, True)
    assert ApprovalRequest.objects.get(pk=request.pk).status == "pending"
    assert Opportunity.objects.get(pk=deal.pk).stage == gated.first


def test_rejecting_moves_nothing_and_tells_the_seller(gated, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    deal = big_deal(gated)
    request = opportunity_move_stage(opportunity=deal, stage=gated.talks, actor=gated.world.seller1)
    with django_capture_on_commit_callbacks(execute=True):
        decide(request, gated.world.branch_manager, False, "金额需要复核")
    deal.refresh_from_db()
    assert deal.stage == gated.first and not StageChange.objects.filter(opportunity=deal).exists()
    assert Notification.objects.filter(recipient=gated.world.seller1).exists()


def test_the_owner_hears_of_a_rejected_move_someone_else_asked_for(gated, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    deal = big_deal(gated)
    request = opportunity_move_stage(opportunity=deal, stage=gated.talks, actor=gated.world.dept_head)
    with django_capture_on_commit_callbacks(execute=True):
        decide(request, request.approver, False, "再等等")
    assert Notification.objects.filter(recipient=gated.world.seller1, event="sales.stage_approval_rejected").exists()


def test_the_api_answers_202_with_the_request(client, gated):
    deal = big_deal(gated)
    client.force_login(gated.world.seller1)
    response = client.post(f"/api/sales/opportunities/{deal.pk}/move/", {"stage": gated.talks.pk},
                           content_type="application/json")
    assert response.status_code == 202, response.content
    data = response.json()
    assert data["kind"] == "sales.stage_approval" and data["status"] == "pending"
    assert data["approver"] == gated.world.branch_manager.pk and data["stage"] == gated.talks.pk
    assert data["opportunity"]["stage"] == gated.first.pk
    # A PATCH of the stage answers the same way.
    deal2 = big_deal(gated)
    response = client.patch(f"/api/sales/opportunities/{deal2.pk}/", {"stage": gated.talks.pk},
                            content_type="application/json")
    assert response.status_code == 202 and response.json()["kind"] == "sales.stage_approval"
    assert Opportunity.objects.get(pk=deal2.pk).stage == gated.first


def test_the_page_and_the_kanban_say_it_went_for_approval(client, gated):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    deal = big_deal(gated)
    client.force_login(gated.world.seller1)
    response = client.post(f"/sales/opportunities/{deal.pk}/move/", {"stage": gated.talks.pk}, follow=True)
    assert "needs approval: sent to" in response.content.decode()
    page = client.get(f"/sales/opportunities/{deal.pk}/move/").content.decode()
    assert 'data-testid="pending-approval"' in page
    deal2 = big_deal(gated)
    response = client.post(f"/sales/opportunities/{deal2.pk}/kanban-move/", {"stage": gated.talks.pk})
    assert response.status_code == 202 and response.json()["status"] == "approval"
    assert Opportunity.objects.get(pk=deal2.pk).stage == gated.first
