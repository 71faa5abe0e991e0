"""Reports in a real browser (issue 9, points 8 and 11): a region manager opens the funnel, sees the
plotly funnel and the table, follows a number to exactly the deals it counts, opens the competitor
analysis and downloads it as Excel; on a phone the pages fit the screen. Screenshots go to
test-artifacts/ (copied to docs/screenshots/ when the pages change)."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from core.testing.world import build_world
from org.tests.factories import ProductLineFactory
from sales.models import Opportunity
from sales.tests.factories import CompetitorFactory, WinLossReasonFactory, make_pipeline
from sales.tests.report_data import make_deal
from tests.browser.conftest import assert_accessible, assert_no_horizontal_overflow

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STEPS = ["线索确认", "需求分析", "方案报价", "商务谈判"]
CUSTOMERS = ["华信科技", "远景数据", "长江电力", "中原重工", "海天物流", "北方机床", "东方制药", "蓝海能源"]


@pytest.fixture
def sales_world(transactional_db):
    world = build_world()
    line = ProductLineFactory(code="AUTO", name="工业自动化")
    pipeline = make_pipeline(product_line=line, name="工业自动化销售流程")
    rivals = [CompetitorFactory(name=name) for name in ("西门子", "施耐德", "汇川技术", "和利时")]
    won = [WinLossReasonFactory(kind="won", name=name) for name in ("技术领先", "客户关系", "价格优势")]
    lost = [WinLossReasonFactory(kind="lost", name=name) for name in ("价格太高", "功能不足", "预算取消")]
    owners = [world.seller1, world.seller2, world.dept_head, world.seller3, world.branch_manager, world.south_seller]
    now = timezone.now()
    for index in range(42):
        furthest = [0, 0, 1, 1, 1, 2, 2, 3, 3, 3][index % 10]
        path = STEPS[:furthest + 1]
        if furthest == 3 and index % 3:
            path = [*path, "赢单" if index % 2 else "丢单"]
        elif furthest < 2 and index % 7 == 0:
            path = [*path, "丢单"]
        closing = path[-1] in ("赢单", "丢单")
        deal = make_deal(
            pipeline, owners[index % len(owners)], path, amount=str(Decimal(80000 + index * 37000)),
            created=now - datetime.timedelta(days=20 + index * 2), product_line=line,
            reason=(won if path[-1] == "赢单" else lost)[index % 3] if closing else None,
            won_by=rivals[index % 4] if path[-1] == "丢单" else None,
            competitors=rivals[index % 4: index % 4 + 1 + index % 2])
        Opportunity.all_objects.filter(pk=deal.pk).update(
            name=f"{CUSTOMERS[index % len(CUSTOMERS)]}{['产线自动化', 'PLC升级', 'MES实施'][index % 3]}项目")
    return world, pipeline


def login(page, base, username, labels=("用户名", "密码", "登录")):
    from playwright.sync_api import expect

    page.goto(base + "/login/")
    page.get_by_label(labels[0]).fill(username)
    page.get_by_label(labels[1]).fill("demo")
    page.get_by_role("button", name=labels[2]).click()
    expect(page).to_have_url(base + "/")


def test_region_manager_reads_the_funnel_and_drills_down(page, live_server, sales_world):
    from playwright.sync_api import expect

    world, pipeline = sales_world
    base = live_server.url
    login(page, base, "north.manager")
    # The menu lists the reports.
    page.get_by_role("button", name="报表").or_(page.get_by_role("link", name="报表")).first.click()
    page.get_by_role("link", name="销售漏斗").first.click()
    expect(page.get_by_role("heading", name="销售漏斗")).to_be_visible()
    since = (timezone.localdate() - datetime.timedelta(days=200)).isoformat()
    page.goto(base + f"/sales/funnel/?period=custom&date_from={since}&pipeline={pipeline.pk}")
    expect(page.locator(".kd-chart .main-svg").first).to_be_visible()
    table = page.get_by_test_id("report-table")
    expect(table).to_contain_text("需求分析")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "sales-funnel-zh-hans-desktop.png"), full_page=True)
    assert_accessible(page, "funnel")
    # A number opens the deals it counts: the list says how many, and why (the link's filters).
    row = table.locator("tbody tr", has_text="需求分析")
    link = row.locator("a[data-drilldown]").first
    number = int(link.inner_text().replace(",", ""))
    link.click()
    expect(page).to_have_url(re.compile(r"/sales/opportunities/\?.*stage=\d+"))
    expect(page.get_by_test_id("link-filters")).to_contain_text("创建日期自")
    expect(page.locator("#object-list tbody tr")).to_have_count(number)
    # The competitor analysis, and its Excel download.
    page.goto(base + "/reports/sales.competitors/?period=all")
    expect(page.locator(".kd-chart .main-svg").first).to_be_visible()
    expect(page.get_by_test_id("report-table")).to_contain_text("西门子")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "sales-competitors-zh-hans-desktop.png"), full_page=True)
    assert_accessible(page, "competitor analysis")
    with page.expect_download() as download:
        page.get_by_test_id("report-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert page.problems.errors == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_report_pages_fit_a_phone(browser, live_server, sales_world, language):
    from playwright.sync_api import expect

    world, pipeline = sales_world
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, timezone_id="Asia/Shanghai")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    try:
        login(page, live_server.url, "north.manager",
              ("用户名", "密码", "登录") if language == "zh-hans" else ("Username", "Password", "Log in"))
        for name, url in (("sales-funnel", f"/sales/funnel/?period=all&pipeline={pipeline.pk}"),
                          ("sales-competitors", "/reports/sales.competitors/?period=all")):
            page.goto(live_server.url + url)
            expect(page.locator(".kd-chart .main-svg").first).to_be_visible()
            page.wait_for_timeout(300)
            assert_no_horizontal_overflow(page, 390)
            page.screenshot(path=str(ARTIFACTS / f"{name}-{language}-phone.png"), full_page=True)
        page.set_viewport_size({"width": 1400, "height": 900})
        page.goto(live_server.url + f"/sales/funnel/?period=all&pipeline={pipeline.pk}")
        expect(page.locator(".kd-chart .main-svg").first).to_be_visible()
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / f"sales-funnel-{language}-desktop.png"), full_page=True)
    finally:
        context.close()
