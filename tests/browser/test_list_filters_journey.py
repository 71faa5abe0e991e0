"""Filtering contacts in a real browser, under a Content-Security-Policy without inline scripts
(issue 7, items 2, 3, 11, 13): a picker found by pinyin initials, a changed select applies the
filter, the address keeps only the filters in use, the top-bar search stays empty.
"""

import re
from pathlib import Path

import pytest

from core.testing.world import build_world
from customers.tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# What a production deployment may send: scripts only from the site itself, no inline handlers.
CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'"


@pytest.fixture
def world(transactional_db):
    world = build_world()
    huaxin = CustomerFactory(owner=world.seller1, name="重庆华信科技有限公司")
    ContactFactory(customer=huaxin, name="杨建华", decision_role="decision_maker")
    ContactFactory(customer=huaxin, name="赵磊", decision_role="technical")
    ContactFactory(customer=CustomerFactory(owner=world.seller1, name="北京远景数据有限公司"), name="王伟")
    return world


def with_csp(route):
    response = route.fetch()
    headers = {**response.headers, "content-security-policy": CSP}
    route.fulfill(response=response, headers=headers)


def test_seller_filters_contacts_by_a_customer_found_by_initials(page, live_server, world):
    from playwright.sync_api import expect

    page.route(re.compile(re.escape(live_server.url) + r"/(?!static/).*"), with_csp)
    page.on("console", lambda message: "Content Security Policy" in message.text
            and page.problems.errors.append(f"CSP: {message.text}"))
    page.goto(live_server.url + "/login/")
    page.get_by_label("用户名").fill("north.seller1")
    page.get_by_label("密码").fill("demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("user-menu")).to_be_visible()

    page.goto(live_server.url + "/contacts/")
    rows = page.locator("#object-list tbody")
    expect(rows).to_contain_text("王伟")
    # The customer filter is a picker: type the initials, choose the customer.
    page.locator("input[name=customer__search]").fill("cqhx")
    option = page.locator("#id_customer option", has_text="重庆华信科技有限公司")
    expect(option).to_have_count(1)
    page.locator("#id_customer").select_option(label="重庆华信科技有限公司")
    # Choosing applies the filter; no "Filter" button pressed.
    expect(rows).not_to_contain_text("王伟")
    expect(rows).to_contain_text("杨建华")
    expect(page).to_have_url(re.compile(r"/contacts/\?customer=\d+$"))
    page.locator("#id_decision_role").select_option("technical")
    expect(rows).not_to_contain_text("杨建华")
    expect(rows).to_contain_text("赵磊")
    expect(page).to_have_url(re.compile(r"/contacts/\?customer=\d+&decision_role=technical$"))
    # Searching the list does not fill the top bar's global search.
    page.locator("#id_q").fill("zl")
    expect(page).to_have_url(re.compile(r"[?&]q=zl"))
    expect(rows).to_contain_text("赵磊")
    page.reload()
    expect(page.locator("form[role=search] input[name=q]")).to_have_value("")
    expect(page.locator("#id_q")).to_have_value("zl")
    page.screenshot(path=str(ARTIFACTS / "journey-contacts-filtered.png"), full_page=True)
    assert page.problems.errors == []
