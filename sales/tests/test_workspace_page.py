"""The opportunity page as a deal workspace: tabs of the registered panels, the stage path, a
tab for a panel another app registers, and the workspace panels scoped like the deal."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from core import registry
from sales.models import Opportunity
from sales.tests.factories import OpportunityFactory, OpportunityTeamMemberFactory
from sales.tests.workspace_factories import OpportunityDocumentFactory, OpportunityNoteFactory

pytestmark = pytest.mark.django_db


def tabs(html):
    return re.findall(r'data-bs-target="#tab-([\w-]+)"', html)


def test_the_page_is_arranged_in_tabs_with_the_stage_path(client, world):
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller, name="华北数据中心项目")
    client.force_login(seller)
    html = client.get(deal.get_absolute_url()).content.decode()
    # Quotes sit in the overview; activities and approvals (their apps) get tabs of their own.
    assert tabs(html) == ["overview", "team", "activities", "documents", "competition", "strategy", "panel-approvals",
                          "history"]
    # The path: every open stage in order, the deal's stage marked as the current step.
    path = html[html.index('data-testid="stage-path"'):html.index("</ol>", html.index('data-testid="stage-path"'))]
    assert path.index("线索确认") < path.index("需求分析") < path.index("商务谈判")
    assert 'is-current is-open" aria-current="step">线索确认' in path
    assert "赢单" not in path and "丢单" not in path  # outcomes appear once the deal is closed
    # Line items are drawn with the page; the other panels load when their tab opens.
    assert 'data-testid="line-items"' in html
    assert f"/panels/sales.opportunity/{deal.pk}/documents/" in html


def test_a_lost_deal_ends_its_path_in_the_lost_stage(client, world):
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller)
    lost = deal.pipeline.stages.get(kind="lost")
    Opportunity.objects.filter(pk=deal.pk).update(stage=lost, status="lost")
    client.force_login(seller)
    html = client.get(deal.get_absolute_url()).content.decode()
    assert 'is-current is-lost" aria-current="step"' in html and "丢单" in html


def test_a_panel_another_app_registers_gets_its_own_tab(client, world):
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller)
    registry.register_panel(Opportunity, "费用", lambda request, obj: "<p>费用明细</p>", order=60, key="expenses")
    try:
        client.force_login(seller)
        html = client.get(deal.get_absolute_url()).content.decode()
        assert tabs(html) == ["overview", "team", "activities", "documents", "competition", "strategy", "panel-expenses",
                              "panel-approvals", "history"]
        panel = client.get(f"/panels/sales.opportunity/{deal.pk}/expenses/")
        assert "费用明细" in panel.content.decode()
    finally:
        registry._panels[:] = [p for p in registry._panels if p.key != "expenses"]


def test_workspace_panels_show_what_the_reader_may_see(client, world):
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller)
    OpportunityDocumentFactory(opportunity=deal, title="技术建议书")
    OpportunityNoteFactory(opportunity=deal, title="以等保整改切入")
    member = world.users["south_seller"]
    OpportunityTeamMemberFactory(opportunity=deal, employee=member)

    client.force_login(seller)
    documents = client.get(f"/panels/sales.opportunity/{deal.pk}/documents/").content.decode()
    assert "技术建议书" in documents and 'data-testid="document-upload"' in documents
    assert f'value="{deal.get_absolute_url()}#tab-documents"' in documents
    notes = client.get(f"/panels/sales.opportunity/{deal.pk}/strategy-notes/").content.decode()
    assert "以等保整改切入" in notes and reverse("sales:opportunitynote_add") in notes
    # Panels load from /panels/…: their "add" links come back to the deal's tab, not to the panel URL.
    competitors = client.get(f"/panels/sales.opportunity/{deal.pk}/competitors/").content.decode()
    assert f"return_url={quote(deal.get_absolute_url() + '#tab-competition', safe='/')}" in competitors

    # A deal-team member sees the documents and notes, but may not add (the deal is not theirs to change).
    client.force_login(member)
    documents = client.get(f"/panels/sales.opportunity/{deal.pk}/documents/").content.decode()
    assert "技术建议书" in documents and 'data-testid="document-upload"' not in documents
    # Someone outside the deal's scope: 404 for the page and its panels.
    client.force_login(world.users["seller3"])
    assert client.get(deal.get_absolute_url()).status_code == 404
    assert client.get(f"/panels/sales.opportunity/{deal.pk}/documents/").status_code == 404


def test_an_open_deal_shows_no_empty_outcome_fields_a_lost_one_shows_them(client, world):
    """“Lost to” or “win/loss reason” rows left empty on an open deal read as missing data."""
    from django.utils import translation

    from sales.tests.factories import CompetitorFactory, WinLossReasonFactory

    with translation.override("zh-hans"):  # the page's language (the company's)
        labels = [str(Opportunity._meta.get_field(name).verbose_name) for name in ("won_by", "close_reason", "closed_at")]
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller)
    client.force_login(seller)
    html = client.get(deal.get_absolute_url()).content.decode()
    def card(html):
        return html[html.index('class="row mb-0 kedao-fields"'):html.index("</dl>", html.index("kedao-fields"))]

    assert not [label for label in labels if f">{label}<" in card(html)]
    lost = deal.pipeline.stages.get(kind="lost")
    Opportunity.objects.filter(pk=deal.pk).update(
        stage=lost, status="lost", close_reason=WinLossReasonFactory(name="价格偏高"),
        won_by=CompetitorFactory(name="友商甲"))
    html = client.get(deal.get_absolute_url()).content.decode()
    assert f">{labels[0]}<" in card(html) and "友商甲" in card(html) and "价格偏高" in card(html)


def test_the_probability_shown_is_the_stages_unless_overridden(client, world):
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller, probability=None)
    client.force_login(seller)

    def shown():
        html = client.get(deal.get_absolute_url()).content.decode()
        card = html[html.index("kedao-fields"):html.index("</dl>", html.index("kedao-fields"))]
        return re.search(r"probability %</dt>\s*<dd[^>]*>([^<]*)<", card, re.IGNORECASE | re.S) or \
            re.search(r"概率 ?%</dt>\s*<dd[^>]*>([^<]*)<", card, re.S)

    assert shown().group(1).strip() == str(deal.stage.probability)
    Opportunity.objects.filter(pk=deal.pk).update(probability=35)
    assert shown().group(1).strip() == "35"
