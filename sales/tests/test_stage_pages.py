"""The "Move stage" / "Reopen" page, the record page's buttons, the kanban and its move endpoint."""

import datetime
import re

import pytest
from django.conf import settings

from sales import kanban
from sales.models import Opportunity, StageChange
from sales.services import opportunity_move_stage
from sales.tests import stage_fixtures

pytestmark = pytest.mark.django_db
gated = stage_fixtures.gated  # the fixture


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages are compared in English
    return client


def move_url(deal):
    return f"/sales/opportunities/{deal.pk}/move/"


def kanban_move_url(deal):
    return f"/sales/opportunities/{deal.pk}/kanban-move/"


def field_error(response, name):
    match = re.search(rf'data-field-error="{name}">([^<]*)<', response.content.decode())
    return match.group(1) if match else None


def test_the_move_page_refuses_a_missing_requirement_beside_the_stage(client, gated):
    deal = gated.deal()
    client.force_login(gated.world.seller1)
    page = client.get(move_url(deal))
    assert page.status_code == 200
    # What the next stage needs is listed, and what is missing says so.
    assert "Needed to move to 需求分析" in page.content.decode() and "(missing)" in page.content.decode()
    response = client.post(move_url(deal), {"stage": gated.quote.pk})
    assert response.status_code == 400
    assert field_error(response, "stage") == ("需求分析: Add a decision-maker contact. "
                                              "方案报价: Add at least one product line item.")
    deal.refresh_from_db()
    assert deal.stage == gated.first


def test_the_move_page_moves_and_records_the_history(client, gated):
    deal = gated.deal()
    gated.add_decision_maker(deal)
    client.force_login(gated.world.seller1)
    response = client.post(move_url(deal), {"stage": gated.needs.pk, "note": "需求调研完成"})
    assert response.status_code == 302 and response.url == deal.get_absolute_url()
    deal.refresh_from_db()
    assert deal.stage == gated.needs
    change = StageChange.objects.get(opportunity=deal)
    assert (change.to_stage, change.changed_by, change.note) == (gated.needs, gated.world.seller1, "需求调研完成")
    # The stage history panel shows it.
    panel = client.get(f"/panels/sales.opportunity/{deal.pk}/stage-history/")
    assert "需求调研完成" in panel.content.decode() and "需求分析" in panel.content.decode()


def test_won_and_lost_need_their_fields_on_the_page(client, gated):
    deal = gated.deal()
    client.force_login(gated.world.seller1)
    response = client.post(move_url(deal), {"stage": gated.lost.pk})
    assert response.status_code == 400
    assert field_error(response, "reason") == "Choose why the deal was lost."
    assert field_error(response, "won_by") == "Choose the competitor that won the deal."
    response = client.post(move_url(deal), {"stage": gated.won.pk, "reason": gated.lost_reason.pk})
    assert field_error(response, "reason") == "Choose a reason from the list for this outcome."
    response = client.post(move_url(deal), {"stage": gated.lost.pk, "reason": gated.lost_reason.pk,
                                            "won_by": gated.rival.pk, "note": "价格"})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.status, deal.won_by, deal.close_reason) == ("lost", gated.rival, gated.lost_reason)


def test_the_record_page_offers_move_for_open_deals_and_reopen_for_closed_ones(client, gated):
    deal = gated.deal()
    client.force_login(gated.world.seller1)
    page = client.get(deal.get_absolute_url()).content.decode()
    assert 'data-action="move-stage"' in page and 'data-action="reopen"' not in page
    opportunity_move_stage(opportunity=deal, stage=gated.lost, actor=gated.world.seller1, reason=gated.lost_reason,
                           won_by=gated.rival)
    page = client.get(deal.get_absolute_url()).content.decode()
    assert 'data-action="reopen"' in page and 'data-action="move-stage"' not in page
    # A reader sees neither.
    client.force_login(gated.world.reader)
    page = client.get(deal.get_absolute_url()).content.decode()
    assert 'data-action="reopen"' not in page


def test_a_seller_reads_the_stage_of_their_deal_without_a_grant_on_stages(client, gated):
    """Stages are reference data: a seller without a role on the stage pages still reads the name
    of their deal's stage on its page, in the list and in its history (not "a record you cannot see")."""
    deal = gated.deal()
    gated.add_decision_maker(deal)
    opportunity_move_stage(opportunity=deal, stage=gated.needs, actor=gated.world.seller1)
    client.force_login(gated.world.seller1)
    for url in (deal.get_absolute_url(), "/sales/opportunities/", f"/panels/sales.opportunity/{deal.pk}/history/"):
        page = client.get(url).content.decode()
        assert "需求分析" in page and "a record you cannot see" not in page, url


def test_reopening_on_the_page_needs_a_note_and_starts_from_the_stage_it_left(client, gated):
    deal = gated.ready_for_talks(gated.deal())
    opportunity_move_stage(opportunity=deal, stage=gated.needs, actor=gated.world.seller1)
    opportunity_move_stage(opportunity=deal, stage=gated.lost, actor=gated.world.seller1, reason=gated.lost_reason,
                           won_by=gated.rival)
    client.force_login(gated.world.seller1)
    page = client.get(move_url(deal)).content.decode()
    assert "Reopen" in page
    assert re.search(rf'<option value="{gated.needs.pk}"[^>]*selected', page)  # the stage it was lost in
    response = client.post(move_url(deal), {"stage": gated.needs.pk})
    assert response.status_code == 400 and field_error(response, "note") == "This field is required."
    response = client.post(move_url(deal), {"stage": gated.needs.pk, "note": "客户重新启动项目"})
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.status, deal.stage, deal.won_by) == ("open", gated.needs, None)


def test_the_move_page_is_refused_outside_the_change_scope(client, gated):
    deal = gated.deal()
    client.force_login(gated.world.reader)  # sees every deal, changes none
    assert client.get(move_url(deal)).status_code == 403
    assert client.post(move_url(deal), {"stage": gated.lost.pk}).status_code == 403
    client.force_login(gated.world.seller2)  # a colleague: does not see it
    assert client.get(move_url(deal)).status_code == 404
    client.force_login(gated.world.seller1)
    assert client.get("/sales/opportunities/99999999999999999999/move/").status_code == 404
    deal.refresh_from_db()
    assert deal.stage == gated.first


def test_the_dialog_gets_the_form_alone_and_json_when_done(client, gated):
    deal = gated.deal()
    client.force_login(gated.world.seller1)
    partial = {"HTTP_X_KEDAO_PARTIAL": "1"}
    form = client.get(move_url(deal) + f"?stage={gated.lost.pk}&next=/sales/opportunities/kanban/", **partial)
    assert form.status_code == 200 and "<html" not in form.content.decode()
    assert re.search(rf'<option value="{gated.lost.pk}"[^>]*selected', form.content.decode())
    refused = client.post(move_url(deal), {"stage": gated.lost.pk}, **partial)
    assert refused.status_code == 400 and field_error(refused, "won_by")
    done = client.post(move_url(deal), {"stage": gated.lost.pk, "reason": gated.lost_reason.pk,
                                        "won_by": gated.rival.pk, "next": "/sales/opportunities/kanban/"}, **partial)
    assert done.status_code == 200
    assert done.json()["status"] == "moved" and done.json()["redirect"] == "/sales/opportunities/kanban/"
    # Another site is not a place to go back to.
    deal2 = gated.deal()
    done = client.post(move_url(deal2), {"stage": gated.lost.pk, "reason": gated.lost_reason.pk,
                                         "won_by": gated.rival.pk, "next": "https://evil.example/"}, **partial)
    assert done.json()["redirect"] == deal2.get_absolute_url()


def test_the_edit_form_no_longer_moves_the_stage(client, gated):
    deal = gated.deal()
    client.force_login(gated.world.seller1)
    page = client.get(f"/sales/opportunities/{deal.pk}/edit/").content.decode()
    assert re.search(r'<select name="stage"[^>]*disabled', page)


# The kanban ----------------------------------------------------------------------------------


def test_the_kanban_shows_the_visible_open_deals_by_stage_with_counts_and_amounts(client, gated):
    mine = gated.deal(name="我的商机甲")
    gated.deal(name="我的商机乙", stage=gated.needs)
    gated.deal(owner=gated.world.seller2, name="同事的商机")
    client.force_login(gated.world.seller1)
    response = client.get(f"/sales/opportunities/kanban/?pipeline={gated.pipeline.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "我的商机甲" in page and "我的商机乙" in page and "同事的商机" not in page
    first = re.search(rf'data-testid="column-{gated.first.pk}".*?data-count>(\d+)<.*?data-amount>([^<]*)<', page,
                      re.S)
    assert first.groups() == ("1", "¥300,000.00")
    assert f'data-testid="card-{mine.pk}"' in page and 'draggable="true"' in page
    # The department head sees both sellers' deals.
    client.force_login(gated.world.dept_head)
    page = client.get("/sales/opportunities/kanban/").content.decode()
    assert "同事的商机" in page and "我的商机甲" in page
    assert 'draggable="true"' in page  # a lead may change what the team owns


def test_kanban_filters_narrow_the_columns_and_bad_ones_are_a_400(client, gated):
    gated.deal(name="一号商机")
    gated.deal(owner=gated.world.seller2, name="二号商机")
    client.force_login(gated.world.dept_head)
    page = client.get(f"/sales/opportunities/kanban/?owner={gated.world.seller2.pk}").content.decode()
    assert "二号商机" in page and "一号商机" not in page
    response = client.get("/sales/opportunities/kanban/?close_after=2027-02-30")
    assert response.status_code == 400 and 'data-field-error="close_after"' in response.content.decode()


def test_a_read_only_user_sees_cards_that_cannot_be_dragged(client, gated):
    deal = gated.deal()
    client.force_login(gated.world.reader)
    page = client.get("/sales/opportunities/kanban/").content.decode()
    assert f'data-testid="card-{deal.pk}"' in page and 'draggable="true"' not in page
    assert "data-card-move" not in page
    client.force_login(gated.world.nobody)
    assert client.get("/sales/opportunities/kanban/").status_code == 403


def test_each_column_is_bounded_with_a_link_to_the_rest(client, gated, monkeypatch):
    monkeypatch.setattr(kanban, "CARDS_PER_COLUMN", 2)
    for n in range(3):
        gated.deal(name=f"批量商机{n}")
    client.force_login(gated.world.seller1)
    page = client.get("/sales/opportunities/kanban/").content.decode()
    assert page.count('data-card="') == 2
    more = re.search(rf'data-testid="more-{gated.first.pk}"', page)
    assert more and re.search(rf'stage={gated.first.pk}', page)
    assert re.search(r'data-count>3<', page)


def test_a_kanban_drop_is_refused_with_the_reason_and_nothing_moves(client, gated):
    deal = gated.deal()
    client.force_login(gated.world.seller1)
    response = client.post(kanban_move_url(deal), {"stage": gated.needs.pk})
    assert response.status_code == 400
    assert response.json()["errors"] == {"stage": ["需求分析: Add a decision-maker contact."]}
    assert response.json()["message"] == "需求分析: Add a decision-maker contact."
    deal.refresh_from_db()
    assert deal.stage == gated.first


def test_a_kanban_drop_moves_and_answers_the_new_totals(client, gated):
    deal = gated.deal()
    gated.deal(owner=gated.world.seller2)  # not the seller's: not in their totals
    gated.add_decision_maker(deal)
    client.force_login(gated.world.seller1)
    response = client.post(kanban_move_url(deal) + f"?owner={gated.world.seller1.pk}", {"stage": gated.needs.pk})
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "moved" and data["stage"] == gated.needs.pk
    assert data["columns"][str(gated.first.pk)] == {"count": 0, "amount": "¥0.00"}
    assert data["columns"][str(gated.needs.pk)] == {"count": 1, "amount": "¥300,000.00"}
    assert Opportunity.objects.get(pk=deal.pk).stage == gated.needs


def test_a_kanban_drop_on_won_without_a_reason_is_refused(client, gated):
    deal = gated.ready_for_talks(gated.deal(expected_close_date=datetime.date(2027, 1, 1)))
    client.force_login(gated.world.seller1)
    response = client.post(kanban_move_url(deal), {"stage": gated.won.pk})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["reason"]


def test_the_kanban_move_endpoint_keeps_to_the_scope(client, gated):
    deal = gated.deal()
    gated.add_decision_maker(deal)
    client.force_login(gated.world.reader)
    assert client.post(kanban_move_url(deal), {"stage": gated.needs.pk}).status_code == 403
    client.force_login(gated.world.seller2)
    assert client.post(kanban_move_url(deal), {"stage": gated.needs.pk}).status_code == 404
    client.force_login(gated.world.seller1)
    assert client.get(kanban_move_url(deal)).status_code == 405
    assert client.post(kanban_move_url(deal), {"stage": "abc"}).status_code == 400
    deal.refresh_from_db()
    assert deal.stage == gated.first
