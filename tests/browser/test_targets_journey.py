"""Targets in a real browser: the executive opens the home dashboard and drills down — company →
region → branch → department → seller → the seller's won deals → one deal's stage history —
every figure a link, the period carried along. Screenshots in test-artifacts/targets-*.png."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from core.testing.world import build_world
from org.tests.factories import make_role
from sales.models import Opportunity
from sales.services import opportunity_move_stage
from sales.tests.factories import OpportunityFactory, WinLossReasonFactory, default_pipeline
from targets.services import plan_decompose
from targets.tests.factories import TargetPlanFactory

from .conftest import assert_accessible, assert_no_horizontal_overflow

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEAL = "市政务云二期扩容项目"


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"targets-{name}.png"), full_page=True)
    assert_accessible(page, name)


@pytest.fixture
def world(transactional_db):
    world = build_world()
    ceo = world.users["ceo"]
    ceo.roles.add(make_role("target_admin", {"targets.targetplan": {"view": "all", "change": "all", "add": "all"}}))
    today = timezone.localdate()
    plan = TargetPlanFactory(name="年度赢单目标", fiscal_year=today.year, org_unit=world.units["hq"],
                             total=Decimal("2000000.00"))
    plan_decompose(plan=plan, actor=ceo)
    seller = world.users["seller1"]
    pipeline = default_pipeline()
    deal = OpportunityFactory(name=DEAL, owner=seller, pipeline=pipeline, amount=Decimal("380000.00"),
                              expected_close_date=today)
    reason = WinLossReasonFactory(kind="won", name="方案领先")
    opportunity_move_stage(opportunity=Opportunity.objects.get(pk=deal.pk), stage=pipeline.stages.get(kind="won"),
                           actor=seller, reason=reason, note="签约")
    world.plan = plan
    return world


def test_the_executive_drills_from_the_dashboard_to_a_deals_stage_history(page, live_server, world):
    from playwright.sync_api import expect

    u = world.units
    page.goto(live_server.url + "/login/")
    page.locator("#id_username").fill("ceo")
    page.locator("#id_password").fill("demo")
    page.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    dashboard = page.get_by_test_id("dashboard")
    expect(dashboard).to_have_attribute("data-role", "executive")
    expect(page.get_by_test_id("dashboard-completion")).to_contain_text("19.0 %")  # 380,000 of 2,000,000
    shot(page, "1-dashboard")
    # Telescope: the company's units; click the region.
    page.get_by_test_id("dashboard-units").get_by_role("link", name=str(u["north"])).click()
    expect(page).to_have_url(re.compile(r"/targets/plans/\d+/figures/\?period=Y&node=u-\d+"))
    expect(page.get_by_role("heading", level=1)).to_have_text(str(u["north"]))
    shot(page, "2-region")
    # Magnifier: a quarter, then branch and department (the period is carried along).
    page.locator("#id_period").select_option(f"{timezone.localdate().year}-Q{(timezone.localdate().month - 1) // 3 + 1}")
    page.get_by_role("button", name=re.compile("Show|显示")).click()
    page.get_by_test_id("figures").get_by_role("link", name=str(u["nb1"])).click()
    expect(page).to_have_url(re.compile(r"period=\d{4}-Q\d"))
    page.get_by_test_id("figures").get_by_role("link", name=str(u["nd1"])).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(str(u["nd1"]))
    row = page.locator(f"tr[data-node='p-{world.users['seller1'].pk}']")
    expect(row).to_contain_text("380,000.00")
    shot(page, "3-department")
    assert_no_horizontal_overflow(page, page.viewport_size["width"])
    # Microscope: the seller's won deals, then the deal and its stage history.
    row.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/sales/opportunities/\?.*status=won"))
    page.get_by_role("link", name=DEAL).first.click()
    expect(page.get_by_test_id("stage-history")).to_be_visible()
    expect(page.get_by_test_id("stage-history")).to_contain_text("赢单")
    shot(page, "4-deal")
