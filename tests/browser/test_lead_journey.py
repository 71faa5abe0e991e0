"""Leads in a real browser, on a laptop and a phone: the list with its bulk "Assign by rules", the
convert page with a probable duplicate, the customer's timeline with the lead's history, and the
lead-source report with its chart. axe-core checks each page; on the phone nothing is wider than
the screen. Screenshots go to test-artifacts/."""

from decimal import Decimal

import pytest

from core.testing.world import build_world
from customers.tests.factories import CustomerFactory
from org.tests.factories import ProductLineFactory
from sales.models import Lead
from sales.tests.factories import LeadAssignmentRuleFactory, LeadFactory, LeadSourceFactory, default_pipeline

from .conftest import ARTIFACTS, assert_accessible, assert_no_horizontal_overflow

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def world(transactional_db):
    world = build_world()
    default_pipeline()
    line = ProductLineFactory(name="数控机床", code="CNC")
    web, call = LeadSourceFactory(name="网站", code="website"), LeadSourceFactory(name="电话销售", code="telemarketing")
    LeadAssignmentRuleFactory(name="江苏网站线索", province="江苏省", source=web, assignees=[world.seller2])
    for index, (name, company, province, source, status) in enumerate([
            ("钱伟", "常州恒力机械有限公司", "江苏省", web, "new"), ("孙丽", "无锡精工模具厂", "江苏省", web, "new"),
            ("周强", "杭州华数精密科技有限公司", "浙江省", call, "working"),
            ("吴敏", "南京汽车零部件有限公司", "江苏省", call, "qualified")]):
        LeadFactory(owner=world.seller1, name=name, company=company, province=province, source=source,
                    status=status, product_line=line, phone=f"1391234567{index}", title="采购经理")
    CustomerFactory(owner=world.seller1, name="南京汽车零部件有限公司")
    world.line = line
    return world


def settle(page, what, size, viewport):
    page.wait_for_load_state("networkidle")
    assert_accessible(page, f"{what} ({size})")
    if size == "phone":
        assert_no_horizontal_overflow(page, viewport["width"])
    page.screenshot(path=str(ARTIFACTS / f"leads-{what}-{size}.png"), full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_lead_journey(page, live_server, world, size):
    from playwright.sync_api import expect

    viewport = SIZES[size]
    page.set_viewport_size(viewport)
    page.emulate_media(reduced_motion="reduce")
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.goto(live_server.url + "/login/")
    page.locator("#id_username").fill("nd1.head")
    page.locator("#id_password").fill("demo")
    page.get_by_test_id("login-submit").click()

    page.goto(live_server.url + "/sales/leads/")
    expect(page.locator("table")).to_contain_text("常州恒力机械有限公司")
    settle(page, "list", size, viewport)

    # Select the two Jiangsu web leads and assign them by the rules.
    for name in ("钱伟", "孙丽"):
        lead = Lead.objects.get(name=name)
        page.locator(f"input[name=pk][value='{lead.pk}']").check()
    page.locator("button[data-testid=bulk-action]", has_text="按规则分配").first.click()
    expect(page.get_by_test_id("selected-leads")).to_contain_text("钱伟")
    page.get_by_test_id("save").click()
    expect(page.locator(".toast[data-level=success]").first).to_contain_text("2")
    assert set(Lead.objects.filter(name__in=("钱伟", "孙丽")).values_list("owner", flat=True)) == {world.seller2.pk}

    # Convert a lead whose company is probably a customer already.
    lead = Lead.objects.get(name="吴敏")
    page.goto(live_server.url + lead.get_absolute_url())
    page.locator("[data-action=convert]").click()
    expect(page.get_by_test_id("duplicate-candidate")).to_contain_text("南京汽车零部件有限公司")
    page.locator("#id_amount").fill("480000")
    settle(page, "convert", size, viewport)
    page.get_by_test_id("use-customer").click()
    expect(page.get_by_test_id("object-title")).to_contain_text("南京汽车零部件有限公司")
    lead.refresh_from_db()
    deal = lead.opportunities.get()
    assert lead.status == "converted" and deal.amount == Decimal("480000.00")

    page.goto(live_server.url + lead.get_absolute_url())
    expect(page.get_by_test_id("lead-conversion")).to_contain_text("南京汽车零部件有限公司")
    expect(page.locator("[data-action=edit]")).to_have_count(0)  # read-only once converted
    settle(page, "converted", size, viewport)

    # The customer's timeline shows the lead's history.
    page.goto(live_server.url + lead.converted_customer.get_absolute_url() + "#tab-timeline")
    page.locator("#tab-timeline-btn").click()
    expect(page.locator(".kedao-timeline-entry").first).to_be_visible()
    expect(page.locator("#tab-timeline")).to_contain_text("吴敏")

    page.goto(live_server.url + "/sales/reports/lead-sources/")
    expect(page.locator("[data-testid=report-table]")).to_contain_text("网站")
    expect(page.locator(".kd-chart svg.main-svg").first).to_be_visible()
    settle(page, "report", size, viewport)
    assert not page.problems.errors, page.problems.errors
