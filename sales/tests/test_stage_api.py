"""Moving a stage through the API: POST …/move/ and PATCH stage apply the same gates and rules as
the page (400 naming what is missing, never a 500)."""

import datetime

import pytest

from sales.models import Opportunity, StageChange
from sales.services import opportunity_move_stage
from sales.tests import stage_fixtures

pytestmark = pytest.mark.django_db
gated = stage_fixtures.gated  # the fixture

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def move(client, deal, **body):
    return client.post(f"/api/sales/opportunities/{deal.pk}/move/", body, content_type="application/json", **EN)


def patch(client, deal, **body):
    return client.patch(f"/api/sales/opportunities/{deal.pk}/", body, content_type="application/json", **EN)


def test_a_move_missing_a_requirement_is_a_400_naming_it(client, gated):
    deal = gated.deal()
    client.force_login(gated.world.seller1)
    response = move(client, deal, stage=gated.quote.pk)
    assert response.status_code == 400
    assert response.json() == {"stage": ["需求分析: Add a decision-maker contact.",
                                         "方案报价: Add at least one product line item."]}
    assert Opportunity.objects.get(pk=deal.pk).stage == gated.first


def test_a_move_answers_the_moved_opportunity(client, gated):
    deal = gated.deal()
    gated.add_decision_maker(deal)
    client.force_login(gated.world.seller1)
    response = move(client, deal, stage=gated.needs.pk, note="API推进")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["id"], data["stage"], data["stage_name"], data["status"]) == (deal.pk, gated.needs.pk, "需求分析", "open")
    assert response["ETag"] == Opportunity.objects.get(pk=deal.pk).etag
    assert StageChange.objects.get(opportunity=deal).note == "API推进"


def test_won_and_lost_rules_on_the_api(client, gated):
    deal = gated.ready_for_talks(gated.deal(expected_close_date=datetime.date(2027, 5, 1)))
    client.force_login(gated.world.seller1)
    assert move(client, deal, stage=gated.won.pk).json() == {"reason": ["Choose why the deal was won."]}
    response = move(client, deal, stage=gated.lost.pk, reason=gated.lost_reason.pk)
    assert response.status_code == 400 and response.json() == {"won_by": ["Choose the competitor that won the deal."]}
    response = move(client, deal, stage=gated.won.pk, reason=gated.won_reason.pk)
    assert response.status_code == 200
    assert response.json()["status"] == "won" and response.json()["close_reason"] == gated.won_reason.pk
    # Reopening needs the why.
    response = move(client, deal, stage=gated.talks.pk)
    assert response.status_code == 400 and list(response.json()) == ["note"]
    response = move(client, deal, stage=gated.talks.pk, note="合同取消，重新谈")
    assert response.status_code == 200 and response.json()["close_reason"] is None


def test_bad_move_bodies_are_400s_by_field(client, gated):
    deal = gated.deal()
    client.force_login(gated.world.seller1)
    assert list(move(client, deal).json()) == ["stage"]
    assert list(move(client, deal, stage=99999999).json()) == ["stage"]
    assert list(move(client, deal, stage="x").json()) == ["stage"]
    assert list(move(client, deal, stage=gated.lost.pk, reason=99999999, won_by=gated.rival.pk).json()) == ["reason"]
    assert list(move(client, deal, stage=gated.first.pk, note="长" * 501).json()) == ["note"]
    assert StageChange.objects.filter(opportunity=deal).count() == 0


def test_patch_stage_goes_through_the_gates_as_a_400_not_a_500(client, gated):
    deal = gated.deal()
    client.force_login(gated.world.seller1)
    response = patch(client, deal, stage=gated.needs.pk, name="改了名字")
    assert response.status_code == 400
    assert response.json() == {"stage": ["需求分析: Add a decision-maker contact."]}
    stored = Opportunity.objects.get(pk=deal.pk)
    assert (stored.stage, stored.name) == (gated.first, deal.name)  # nothing half-written
    response = patch(client, deal, stage=gated.won.pk)
    assert response.status_code == 400 and "reason" in response.json()
    gated.add_decision_maker(deal)
    response = patch(client, deal, stage=gated.needs.pk)
    assert response.status_code == 200 and response.json()["stage"] == gated.needs.pk


def test_moves_keep_to_the_scope_on_the_api(client, gated):
    deal = gated.deal()
    gated.add_decision_maker(deal)
    client.force_login(gated.world.reader)
    assert move(client, deal, stage=gated.needs.pk).status_code == 403
    client.force_login(gated.world.seller2)
    assert move(client, deal, stage=gated.needs.pk).status_code == 404
    client.force_login(gated.world.seller1)
    opportunity_move_stage(opportunity=deal, stage=gated.needs, actor=gated.world.seller1)
    response = client.post(f"/api/sales/opportunities/{deal.pk}/move/", {"stage": gated.first.pk},
                           content_type="application/json", HTTP_IF_MATCH='"stale"')
    assert response.status_code == 412
    assert Opportunity.objects.get(pk=deal.pk).stage == gated.needs
