"""Activities in a real browser: a seller plans a visit from the calendar, sees it on the week,
logs it (Mark done); the manager sees it in the team's daily report and comments; the seller is
told. Screenshots in test-artifacts/activities-*.png."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from activities.models import Activity, DailyReport
from core.testing.world import build_world

from .conftest import assert_accessible, assert_no_horizontal_overflow, log_in

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SUBJECT = "拜访信息中心主任（方案交流）"


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"activities-{name}.png"), full_page=True)
    assert_accessible(page, name)


@pytest.fixture
def world(transactional_db):
    return build_world()


def test_seller_plans_and_logs_a_visit_and_the_manager_comments_on_the_daily_report(page, live_server, world):
    from playwright.sync_api import expect

    today = timezone.localdate()
    # 1. The seller plans a visit from the calendar, for today 10:00–11:00.
    log_in(page, live_server, "north.seller1")
    page.goto(live_server.url + "/activities/calendar/")
    expect(page.get_by_test_id("calendar-grid")).to_be_visible()
    shot(page, "1-week")
    page.get_by_test_id("calendar-add").click()
    expect(page).to_have_url(re.compile(r"/activities/add/"))
    page.locator("#id_subject").fill(SUBJECT)
    page.locator("#id_starts_at").fill(f"{today.isoformat()}T10:00")
    page.locator("#id_ends_at").fill(f"{today.isoformat()}T11:00")
    page.locator("#id_location").fill("北京市海淀区中关村大街1号")
    page.get_by_test_id("save").click()
    visit = Activity.objects.get(subject=SUBJECT)
    expect(page).to_have_url(live_server.url + visit.get_absolute_url())
    assert (visit.kind, visit.status, visit.owner.username) == ("visit", "planned", "north.seller1")

    # 2. It is on the week, at 10:00 today.
    page.goto(live_server.url + "/activities/calendar/")
    column = page.get_by_test_id(f"column-{today.isoformat()}")
    expect(column).to_contain_text(SUBJECT)
    assert_no_horizontal_overflow(page, 1366)
    shot(page, "2-planned-on-the-week")

    # 3. After the visit, the seller logs it.
    page.get_by_text(SUBJECT).first.click()
    expect(page).to_have_url(live_server.url + visit.get_absolute_url())
    page.get_by_role("button", name="标记完成").click()
    expect(page.locator(".toast.text-bg-success")).to_contain_text(SUBJECT)
    visit.refresh_from_db()
    assert visit.status == "done" and visit.done_at is not None
    shot(page, "3-logged")

    # 4. The branch manager opens the team's daily reports: the visit counts for the seller.
    log_in(page, live_server, "nb1.manager")
    page.goto(live_server.url + "/activities/daily-reports/")
    row = page.locator('tr[data-employee="north.seller1"]')
    expect(row).to_be_visible()
    report = DailyReport.objects.get(owner=visit.owner, date=today)
    assert report.figures["visits"] == 1
    expect(page.locator("body")).not_to_contain_text("south.seller")
    shot(page, "4-team-reports")
    row.get_by_role("link").first.click()
    expect(page).to_have_url(live_server.url + report.get_absolute_url())
    page.locator('[data-panel="comments"]').scroll_into_view_if_needed()  # panels below load when seen
    page.locator("#id_comment_text").fill("拜访及时，下周跟进报价。")
    page.get_by_role("button", name="添加评论").click()
    expect(page.locator(".toast.text-bg-success")).to_be_visible()
    page.locator('[data-panel="comments"]').scroll_into_view_if_needed()
    expect(page.get_by_test_id("comments")).to_contain_text("拜访及时，下周跟进报价。")
    shot(page, "5-commented")

    # 5. The seller is told.
    log_in(page, live_server, "north.seller1")
    page.goto(live_server.url + "/notifications/")
    expect(page.locator("main")).to_contain_text("评论")
    assert not page.problems.errors, page.problems.errors
