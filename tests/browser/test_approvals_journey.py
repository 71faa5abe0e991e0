"""Approvals and notifications in a real browser: a manager finds two requests behind the badge in
the top bar, rejects one (a comment is required, said beside the field), approves the other from
the inbox without a reload; the seller finds both answers in the notification centre, marks one
read, and opens their notification settings. Desktop and phone, checked with axe-core.

The kind of approval is the test-only one of approvals/tests/conftest.py (renaming a team).
Screenshots: test-artifacts/approvals-*.png (the docs keep a copy in docs/screenshots/).
"""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from approvals.models import ApprovalRequest, Status
from approvals.services import approval_decide, approvals_escalate
from approvals.tests.helpers import ask
from core.testing.world import build_world
from notifications.models import Notification

from .conftest import assert_accessible, assert_no_horizontal_overflow, log_in

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"approvals-{name}.png"), full_page=True)
    assert_accessible(page, name)


@pytest.fixture
def world(transactional_db):
    world = build_world()
    world.units["hq"].manager = world.ceo
    world.units["hq"].save()
    return world


def test_manager_decides_from_the_inbox_and_the_seller_is_told(page, live_server, world):
    from playwright.sync_api import expect

    wide = ask(world, name="华北战略客户组")
    small = ask(world, name="北京一部", requester=world.seller2)
    # An older one, decided already, and one that moved up from the branch to the region.
    approval_decide(request=ask(world, name="旧名字二"), actor=world.branch_manager, approve=True, comment="可以")
    late = ask(world, name="超时的申请", requester=world.dept_head)
    ApprovalRequest.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    assert approvals_escalate() == 1

    # 1. The branch manager: two requests wait, the badge says so on every page.
    log_in(page, live_server, "nb1.manager")
    expect(page.get_by_test_id("approvals-count")).to_have_text("2")
    page.get_by_test_id("approvals-badge").click()
    expect(page).to_have_url(live_server.url + "/approvals/")
    rows = page.get_by_test_id("approval-row")
    expect(rows).to_have_count(2)
    expect(page.get_by_test_id("approvals")).not_to_contain_text("超时的申请")  # moved up to the region
    shot(page, "inbox-zh-hans-desktop")

    # 2. Reject without a comment: refused beside the field, nothing decided.
    page.evaluate("window.__kedaoNoReload = true")
    row = page.locator(f"#approval-{small.pk}")
    row.get_by_role("button", name="驳回").click()
    expect(row.locator('[data-field-error="comment"]')).to_be_visible()
    assert ApprovalRequest.objects.get(pk=small.pk).status == Status.PENDING
    row = page.locator(f"#approval-{small.pk}")
    row.get_by_label("意见").fill("部门名称要与组织架构一致")
    row.get_by_role("button", name="驳回").click()
    expect(page.locator(f"#approval-{small.pk} [data-status]")).to_have_text("已驳回")
    expect(page.get_by_test_id("approvals-count")).to_have_text("1")  # the badge followed, no reload

    # 3. Approve the other one; the badge disappears.
    page.locator(f"#approval-{wide.pk}").get_by_role("button", name="批准").click()
    expect(page.locator(f"#approval-{wide.pk} [data-status]")).to_have_text("已批准")
    expect(page.get_by_test_id("approvals-count")).to_have_count(0)
    assert page.evaluate("window.__kedaoNoReload") is True, "the page reloaded instead of an HTMX swap"
    assert ApprovalRequest.objects.get(pk=wide.pk).status == Status.APPROVED
    assert wide.target.__class__.objects.get(pk=wide.target_id).name == "华北战略客户组"

    # 4. The decided tab and a request's page with its log.
    page.get_by_test_id("approval-tabs").get_by_role("link", name="已处理").click()
    expect(page.get_by_test_id("approval-row")).to_have_count(3)
    page.get_by_role("link", name="改名为 北京一部").click()
    expect(page.get_by_test_id("approval-comment")).to_have_text("部门名称要与组织架构一致")
    expect(page.get_by_test_id("approval-log").locator("li")).to_have_count(2)
    shot(page, "detail-zh-hans-desktop")

    # 5. The region manager has the escalated one; their page on a phone.
    log_in(page, live_server, "north.manager")
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/approvals/")
    expect(page.get_by_test_id("approvals-count")).to_have_text("1")
    expect(page.get_by_test_id("approvals")).to_contain_text("超时的申请")
    expect(page.get_by_test_id("approvals")).to_contain_text("已上报 1 次")
    assert_no_horizontal_overflow(page, PHONE["width"])
    shot(page, "inbox-zh-hans-phone")
    page.get_by_role("link", name="改名为 超时的申请").click()
    expect(page.get_by_test_id("approval-log")).to_contain_text("未在时限内处理")
    assert_no_horizontal_overflow(page, PHONE["width"])
    shot(page, "detail-zh-hans-phone")

    # 6. The sellers: their answers are in the notification centre.
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, "north.seller2")
    expect(page.get_by_test_id("notifications-count")).to_have_text("1")
    page.get_by_test_id("notifications-badge").click()
    expect(page).to_have_url(live_server.url + "/notifications/")
    item = page.get_by_test_id("notification").first
    expect(item).to_contain_text("已驳回：改名为 北京一部")
    expect(item).to_contain_text("部门名称要与组织架构一致")
    log_in(page, live_server, "north.seller1")
    expect(page.get_by_test_id("notifications-count")).to_have_text("2")
    page.goto(live_server.url + "/notifications/")
    expect(page.get_by_test_id("notification")).to_have_count(2)
    shot(page, "notifications-zh-hans-desktop")
    page.get_by_test_id("notification").first.get_by_role("button", name="标为已读").click()
    expect(page.get_by_test_id("notifications-count")).to_have_text("1")
    assert Notification.objects.filter(recipient=world.seller1, read_at__isnull=False).count() == 1
    page.set_viewport_size(PHONE)
    page.reload()
    assert_no_horizontal_overflow(page, PHONE["width"])
    shot(page, "notifications-zh-hans-phone")
    page.get_by_role("link", name="已批准：改名为 华北战略客户组").click()
    expect(page.get_by_test_id("object-title")).to_have_text("改名为 华北战略客户组")

    # 7. The settings: every event, in-app and by e-mail.
    page.goto(live_server.url + "/notifications/preferences/")
    expect(page.locator("tr[data-event='approvals.requested'] input[name='email:approvals.requested']")).to_be_checked()
    assert_no_horizontal_overflow(page, PHONE["width"])
    shot(page, "preferences-zh-hans-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.reload()
    shot(page, "preferences-zh-hans-desktop")

    # English, the inbox of the region manager.
    log_in(page, live_server, "north.manager")
    page.goto(live_server.url + "/approvals/")
    page.locator("select[name=language]").select_option("en")
    expect(page.get_by_role("heading", level=1)).to_have_text("My approvals")
    shot(page, "inbox-en-desktop")

    expected = [e for e in page.problems.errors if "status of 400" not in e and not e.endswith("/decide/")]
    assert expected == []
