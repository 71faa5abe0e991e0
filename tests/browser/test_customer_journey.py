"""A seller's first customer, in a real browser: log in, open Customers, add one, find it again.

Screenshots of every step are saved in test-artifacts/ (git-ignored) for a person to look at.
"""

import re
from pathlib import Path

import pytest

from core.models import ObjectChange
from core.testing.world import build_world
from customers.models import Customer, Level
from customers.tests.factories import CustomerFactory

from .conftest import assert_accessible, assert_no_horizontal_overflow

pytestmark = pytest.mark.browser

NEW_NAME = "杭州西湖测试科技有限公司"
NEW_CODE = "91330100716105852F"  # valid GB 32100 check character
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)
    assert_accessible(page, name)


@pytest.fixture
def world(transactional_db):
    world = build_world()
    CustomerFactory(owner=world.seller1, name="北京朝阳测试贸易有限公司")
    CustomerFactory(owner=world.seller1, name="天津滨海测试物流有限公司")
    # Matches the search below, but belongs to a seller in another region: never shown.
    CustomerFactory(owner=world.south_seller, name="杭州西湖别家科技有限公司")
    return world


def test_seller_adds_a_customer_and_finds_it_in_the_list(page, live_server, world):
    from playwright.sync_api import expect

    # 1. Anonymous: sent to the login form; log in as north.seller1.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录客道")
    shot(page, "1-login")
    page.get_by_label("用户名").fill("north.seller1")
    page.get_by_label("密码").fill("wrong password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    shot(page, "1b-login-error")
    page.get_by_label("密码").fill("demo")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    shot(page, "2-home")

    # 2. Customers from the navigation.
    nav = page.locator("#main-nav")
    nav.locator(".dropdown-toggle", has_text="客户").first.click()
    nav.locator(".dropdown-menu.show").get_by_role("link", name="客户", exact=True).click()
    expect(page).to_have_url(live_server.url + "/customers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("客户")
    table = page.locator("#object-list")
    expect(table).to_contain_text("北京朝阳测试贸易有限公司")
    expect(table).not_to_contain_text("杭州西湖别家科技有限公司")
    shot(page, "3-customer-list")

    # 3. Add a customer.
    page.get_by_test_id("add-button").click()
    expect(page).to_have_url(live_server.url + "/customers/add/")
    page.locator("#id_name").fill(NEW_NAME)
    page.locator("#id_credit_code").fill(NEW_CODE[:-1] + "0")  # a typing error first
    page.locator("#id_level").select_option(Level.CUSTOMER)
    shot(page, "4-add-form")
    page.get_by_test_id("save").click()
    error = page.locator('[data-field-error="credit_code"]')
    expect(error).to_be_visible()
    expect(error).to_contain_text("校验")
    expect(page.locator("#id_name")).to_have_value(NEW_NAME)
    shot(page, "4b-add-form-error")
    page.locator("#id_credit_code").fill(NEW_CODE.lower())
    page.get_by_test_id("save").click()

    # 4. The detail page of the new customer.
    expect(page).to_have_url(re.compile(r"/customers/\d+/$"))
    expect(page.get_by_test_id("object-title")).to_have_text(NEW_NAME)
    fields = page.locator(".kedao-fields")
    expect(fields).to_contain_text(NEW_CODE)  # stored in upper case
    expect(fields).to_contain_text("现实客户")  # the level, in the demo's language
    expect(page.locator(".toast.text-bg-success")).to_contain_text(NEW_NAME)
    shot(page, "5-detail")
    customer = Customer.objects.get(name=NEW_NAME)
    assert customer.owner == world.seller1
    assert customer.credit_code == NEW_CODE
    assert customer.level == Level.CUSTOMER
    assert ObjectChange.objects.filter(object_id=customer.pk, action="create").count() == 1

    # 5. Back to the list; the search box narrows it without reloading the page (HTMX).
    page.locator(".breadcrumb").get_by_role("link", name="客户").click()
    expect(page).to_have_url(live_server.url + "/customers/")
    expect(table).to_contain_text(NEW_NAME)
    page.evaluate("window.__kedaoNoReload = true")
    search = page.locator("form.kedao-filters input[name=q]")
    search.press_sequentially("西湖", delay=50)
    expect(table).not_to_contain_text("北京朝阳测试贸易有限公司")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody tr").first).to_contain_text(NEW_NAME)
    expect(table).not_to_contain_text("杭州西湖别家科技有限公司")
    expect(page).to_have_url(re.compile(r"[?&]q=%E8%A5%BF%E6%B9%96"))
    assert page.evaluate("window.__kedaoNoReload") is True, "the page reloaded instead of an HTMX swap"
    shot(page, "6-list-search")

    # 6. The global search in the top bar finds it too.
    top_search = page.locator("nav form[role=search] input[name=q]")
    top_search.fill("西湖测试")
    top_search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    expect(page.locator("main")).to_contain_text(NEW_NAME)
    expect(page.locator("main")).not_to_contain_text("杭州西湖别家科技有限公司")
    shot(page, "7-global-search")
    page.locator("main").get_by_role("link", name=NEW_NAME).click()
    expect(page.get_by_test_id("object-title")).to_have_text(NEW_NAME)

    # Nothing broke on the way: no script error, no failed or external request.
    expected = [e for e in page.problems.errors if not re.search(r"HTTP 400: .*/customers/add/$", e)
                and "Failed to load resource: the server responded with a status of 400" not in e]
    assert expected == []


def test_english_interface_and_narrow_screen(page, live_server, world):
    """The same list in English on a phone-sized screen: the menu collapses and still works."""
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/login/")
    page.locator("#id_username").fill("north.seller1")
    page.locator("#id_password").fill("demo")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-menu")).to_be_hidden()  # inside the collapsed menu
    page.locator(".navbar-toggler").click()
    page.locator("#main-nav select[name=language]").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(live_server.url + "/customers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Customers")
    expect(page.get_by_test_id("add-button")).to_be_visible()
    shot(page, "8-list-english-narrow")
    assert_no_horizontal_overflow(page, 390)
    assert page.problems.errors == []
