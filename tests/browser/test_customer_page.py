"""The 360° customer page in a real browser, on a laptop and a phone: tabs, key figures, the
timeline with "load more", and the relationship map drawn by plotly. axe-core checks each tab
(0 serious or critical violations); on the phone nothing is wider than the screen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing.world import build_world
from customers.models import Contact
from customers.tests.factories import (
    ContactEmployeeRelationFactory,
    ContactFactory,
    ContactRelationFactory,
    CustomerFactory,
)
from customers.tests.test_customer_page import add_changes

from .conftest import ARTIFACTS, assert_accessible, assert_no_horizontal_overflow

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def world(transactional_db):
    world = build_world()
    customer = CustomerFactory(owner=world.seller1, name="华东电网数字化服务有限公司", phone="021-66668888")
    people = {}
    for name, title, role in (("张建国", "总经理", "decision_maker"), ("李娜", "财务总监", "financial"),
                              ("王强", "信息中心主任", "technical"), ("赵敏", "采购经理", "influencer"),
                              ("陈晨", "网络工程师", "user")):
        people[name] = ContactFactory(customer=customer, name=name, title=title, decision_role=role)
    Contact.objects.filter(customer=customer).update(created_at=timezone.now() - timedelta(days=40))
    for source, kind, target in (("李娜", "reports_to", "张建国"), ("王强", "reports_to", "张建国"),
                                 ("赵敏", "reports_to", "李娜"), ("陈晨", "reports_to", "王强"),
                                 ("王强", "influences", "赵敏")):
        ContactRelationFactory(from_contact=people[source], to_contact=people[target], kind=kind)
    ContactEmployeeRelationFactory(contact=people["张建国"], employee=world.seller1, strength=4)
    ContactEmployeeRelationFactory(contact=people["王强"], employee=world.seller2, strength=5)
    ContactEmployeeRelationFactory(contact=people["赵敏"], employee=world.seller1, strength=2)
    add_changes(customer, 30, step=timedelta(hours=7))
    add_changes(people["赵敏"], 4, step=timedelta(days=2))
    world.customer = customer
    return world


@pytest.mark.parametrize("size", SIZES)
def test_customer_360_tabs(page, live_server, world, size):
    from playwright.sync_api import expect

    viewport = SIZES[size]
    page.set_viewport_size(viewport)
    # No fade between tabs (Bootstrap honours the setting): contrast is measured on settled text.
    page.emulate_media(reduced_motion="reduce")
    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])

    def check(what):
        page.wait_for_load_state("networkidle")
        # Contrast is measured on the settled page, not halfway through a tab's fade-in.
        # (A loop, not wait_for_function: the CSP refuses the eval that one needs.)
        for _ in range(60):
            if page.evaluate("() => document.getAnimations().every(a => a.playState !== 'running')"):
                break
            page.wait_for_timeout(50)
        assert_accessible(page, f"customer 360 {what} ({size})")
        if size == "phone":
            assert_no_horizontal_overflow(page, viewport["width"])
        page.screenshot(path=str(ARTIFACTS / f"customer360-{what}-{size}.png"), full_page=True)

    page.goto(live_server.url + "/login/")
    page.locator("#id_username").fill("north.seller1")
    page.locator("#id_password").fill("demo")
    page.get_by_test_id("login-submit").click()
    page.goto(live_server.url + world.customer.get_absolute_url())
    expect(page.get_by_test_id("key-figures")).to_contain_text("5")
    expect(page.get_by_test_id("contacts-table")).to_contain_text("张建国")
    check("overview")

    page.locator("#tab-timeline-btn").click()
    entries = page.locator(".kedao-timeline-entry")
    expect(entries).to_have_count(20)
    page.get_by_test_id("timeline-more").click()
    expect(entries).to_have_count(39)  # 30 + 4 changes and 5 contacts added
    expect(page.get_by_test_id("timeline-more")).to_have_count(0)
    check("timeline")

    page.locator("#tab-relationships-btn").click()
    expect(page.locator("[data-testid=relationship-map] svg.main-svg").first).to_be_visible()
    expect(page.get_by_test_id("employee-relations")).to_contain_text("★★★★★")
    check("relationships")

    # A reload comes back to the same tab (the hash follows the tab).
    page.reload()
    expect(page.locator("#tab-relationships")).to_be_visible()
    page.locator("#tab-history-btn").click()
    check("history")
