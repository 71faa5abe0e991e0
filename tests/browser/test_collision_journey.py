"""Collision review (撞单) in a real browser: seller A registered a deal, seller B registers the same
one on a duplicate record of the customer, the manager approves B's from the inbox with both deals
side by side, both sellers see the result, and both deals show in the manager's funnel. Screenshots in test-artifacts/collision-*.png."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from core.testing.world import build_world
from customers.tests.factories import CustomerFactory
from org.tests.factories import ProductLineFactory
from sales.models import Collision, Opportunity
from sales.services import opportunity_save
from sales.tests.factories import default_pipeline

from .conftest import assert_accessible, assert_no_horizontal_overflow, log_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FIRST, LATER = "华为北京数据中心一期", "华为数据中心扩容项目"


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"collision-{name}.png"), full_page=True)
    assert_accessible(page, name)


@pytest.fixture
def scene(transactional_db):
    world = build_world()
    default_pipeline()
    line = ProductLineFactory(code="DCS", name="过程控制")
    seller1 = world.users["seller1"]
    first = Opportunity(name=FIRST, owner=seller1, product_line=line, amount=8_800_000,
                        customer=CustomerFactory(name="北京华为技术有限公司", owner=seller1))
    from sales.selectors import default_pipeline as pipeline_of
    from sales.selectors import first_stage

    first.pipeline = pipeline_of(line)
    first.stage = first_stage(first.pipeline)
    opportunity_save(instance=first, actor=seller1)
    twin = CustomerFactory(name="华为技术（北京）有限公司", owner=world.users["seller2"])
    return world, line, first, twin


def test_seller_b_collides_and_the_manager_approves_from_the_inbox(page, live_server, scene):
    from playwright.sync_api import expect

    world, line, first, twin = scene
    # 1. Seller B registers the same deal, on the duplicate record of the customer.
    log_in(page, live_server, "north.seller2")
    page.goto(f"{live_server.url}/sales/opportunities/add/?customer={twin.pk}")
    page.locator("#id_name").fill(LATER)
    page.locator("#id_product_line").select_option(str(line.pk))
    page.locator("#id_amount").fill("1500000")
    page.get_by_test_id("save").click()
    later = Opportunity.objects.get(name=LATER)
    expect(page).to_have_url(live_server.url + later.get_absolute_url())
    banner = page.get_by_test_id("registration-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("撞单")
    expect(page.locator("body")).not_to_contain_text(FIRST)
    shot(page, "1-pending-banner")

    # 2. The branch manager (both sellers' department has none) decides in the inbox.
    log_in(page, live_server, "nb1.manager")
    page.goto(live_server.url + "/approvals/")
    page.get_by_role("link", name=re.compile(LATER)).first.click()
    compare = page.get_by_test_id("collision-compare")
    expect(compare).to_contain_text(FIRST)
    expect(compare).to_contain_text(LATER)
    expect(compare).to_contain_text("¥8,800,000.00")
    expect(page.get_by_test_id("collision-recommendation")).to_be_visible()
    shot(page, "2-review-side-by-side")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_horizontal_overflow(page, 390)
    shot(page, "2b-review-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator("#approval-comment").fill("不同项目，各自跟进")
    page.locator("[data-action=approve]").click()
    expect(page.get_by_test_id("approval-card")).to_contain_text("不同项目，各自跟进")
    assert Collision.objects.get().status == "approved"

    # 3. Both sellers see the result: B's deal registered, A told in the notification centre.
    log_in(page, live_server, "north.seller2")
    page.goto(live_server.url + later.get_absolute_url())
    expect(page.get_by_test_id("registration-collisions")).to_contain_text("双方继续")
    expect(page.get_by_test_id("registration-banner")).to_have_count(0)
    log_in(page, live_server, "north.seller1")
    page.goto(live_server.url + "/notifications/")
    expect(page.locator("body")).to_contain_text(FIRST)
    expect(page.locator("body")).not_to_contain_text(LATER)
    shot(page, "3-first-seller-notified")

    # 4. The log and the report.
    log_in(page, live_server, "ceo")
    page.goto(live_server.url + "/sales/collisions/")
    expect(page.locator("#object-list")).to_contain_text(LATER)
    shot(page, "4-log")
    # plotly.js is a large file, slow to serve on a loaded test machine.
    page.goto(live_server.url + "/sales/collisions/report/", timeout=60_000)
    expect(page.get_by_test_id("report-month")).to_contain_text(timezone.localtime().strftime("%Y-%m"))
    expect(page.locator(".kd-chart .main-svg").first).to_be_visible(timeout=30_000)
    shot(page, "5-report")
    page.set_viewport_size({"width": 390, "height": 844})
    # The chart follows the window once plotly has handled the resize.
    for _attempt in range(50):  # (wait_for_function evaluates a string: refused by the CSP)
        if page.evaluate("document.documentElement.scrollWidth") <= 390:
            break
        page.wait_for_timeout(100)
    assert_no_horizontal_overflow(page, 390)
    shot(page, "5b-report-phone")
    # 5. The same pages in English.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + "/sales/collisions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Collisions")
    expect(page.locator("#object-list")).to_contain_text("Both proceed")
    shot(page, "6-log-en")
    page.goto(live_server.url + later.get_absolute_url())
    expect(page.get_by_test_id("registration-collisions")).to_contain_text("registered first:")
    shot(page, "7-opportunity-en")

    # 6. Both deals now count in the funnel of the manager who approved (pending ones do not).
    log_in(page, live_server, "nb1.manager")
    page.goto(f"{live_server.url}/sales/funnel/?period=all&pipeline={first.pipeline_id}", timeout=60_000)
    first_stage_row = page.get_by_test_id("report-table").locator("tbody tr", has_text=first.stage.name)
    expect(first_stage_row.locator("a[data-drilldown]").first).to_have_text("2")
    shot(page, "8-funnel")
    assert [e for e in page.problems.errors if "ERR_ABORTED" not in e] == []
