"""The design system in a real browser: list → column chooser → detail → edit → home, in Chinese
and English, on a 1400×900 screen and a 390×844 phone. axe-core checks every page (0 serious or
critical violations); on the phone no page is wider than the screen."""

import pytest

from core.testing.world import build_world
from customers.models import Customer
from customers.tests.factories import ContactFactory, CustomerFactory

from .conftest import ARTIFACTS, assert_accessible, assert_no_horizontal_overflow

pytestmark = pytest.mark.browser

LONG_NAME = "北京朝阳国际数字化供应链管理与技术服务有限公司"
LONG_EMAIL = "procurement.department.beijing.chaoyang@international-supply-chain.example.com.cn"
SIZES = {"desktop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}
TEXT = {
    "zh-hans": {"columns": "显示列", "apply": "应用", "home": "欢迎", "saved": "已保存", "contacts": "联系人"},
    "en": {"columns": "Columns", "apply": "Apply", "home": "Welcome", "saved": "saved", "contacts": "Contacts"},
}


@pytest.fixture
def world(transactional_db):
    world = build_world()
    customer = CustomerFactory(owner=world.seller1, name=LONG_NAME, phone="010-88886666")
    ContactFactory(customer=customer, name="欧阳建华", title="首席信息官兼数字化转型办公室主任", email=LONG_EMAIL)
    ContactFactory(customer=customer, name="李娜", title="采购经理", email="lina@example.cn")
    CustomerFactory.create_batch(3, owner=world.seller1)
    world.customer = customer
    return world


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ("zh-hans", "en"))
def test_list_columns_detail_edit_home(page, live_server, world, language, size):
    from playwright.sync_api import expect

    text, viewport = TEXT[language], SIZES[size]
    phone = size == "phone"
    page.set_viewport_size(viewport)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])

    def check(what):
        page.wait_for_load_state("networkidle")
        assert_accessible(page, f"{what} ({language}, {size})")
        if phone:
            assert_no_horizontal_overflow(page, viewport["width"])
        page.screenshot(path=str(ARTIFACTS / f"design-{what}-{language}-{size}.png"), full_page=True)

    page.goto(live_server.url + "/login/")
    check("login")
    page.locator("#id_username").fill("north.seller1")
    page.locator("#id_password").fill("demo")
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(live_server.url + "/")

    # 1. The list.
    page.goto(live_server.url + "/customers/")
    expect(page.locator("#object-list")).to_contain_text(LONG_NAME)
    check("list")

    # 2. The column chooser: hide "phone" and apply.
    page.get_by_test_id("columns-button").click()
    chooser = page.get_by_test_id("columns-form")
    expect(chooser).to_be_visible()
    chooser.locator("input[value=phone]").uncheck()
    with page.expect_response(lambda r: r.request.method == "POST" and "/customers/" in r.url) as posted:
        chooser.get_by_role("button", name=text["apply"]).click()
    assert posted.value.status < 400
    expect(page.locator("#object-list thead")).not_to_contain_text("010-88886666")
    expect(page.locator("#object-list tbody")).not_to_contain_text("010-88886666")
    check("list-columns")

    # 3. The record page: header with highlights, contacts (stacked cards on the phone), lazy panels.
    page.locator("#object-list").get_by_role("link", name=LONG_NAME).click()
    expect(page.get_by_test_id("object-title")).to_have_text(LONG_NAME)
    expect(page.get_by_test_id("highlights")).to_contain_text("010-88886666")
    contacts = page.get_by_test_id("contacts-table")
    expect(contacts).to_contain_text(LONG_EMAIL)
    if phone:
        # A stacked card: the e-mail cell spans the card instead of one character per line.
        cell = contacts.locator("td", has_text="欧阳建华")
        assert cell.bounding_box()["width"] > 250
    check("detail")
    # The history sits in its own tab of the customer page, loaded when opened.
    page.locator("#tab-history-btn").click()
    expect(page.locator("#tab-history")).to_be_visible()
    expect(page.locator("#tab-history .kedao-panel-loading")).to_have_count(0)
    page.locator("#tab-overview-btn").click()

    # 4. Edit, save: a toast says so.
    page.get_by_test_id("record-actions").locator("[data-action=edit]").click()
    expect(page.locator("#id_phone")).to_have_value("010-88886666")
    check("edit")
    page.locator("#id_phone").fill("010-66668888")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("object-title")).to_have_text(LONG_NAME)
    expect(page.locator(".toast.text-bg-success")).to_contain_text(text["saved"])
    assert Customer.objects.get(pk=world.customer.pk).phone == "010-66668888"

    # 5. Home.
    page.locator(".navbar-brand").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(text["home"])
    expect(page.get_by_test_id("quick-create")).to_be_visible()
    check("home")

    assert page.problems.errors == []


def test_removing_a_team_member_asks_first_and_says_it_is_done(page, live_server, world):
    from playwright.sync_api import expect

    from core.models import Share
    from core.services import share_add

    share_add(instance=world.customer, actor=world.seller1, employee=world.seller2)
    page.goto(live_server.url + "/login/")
    page.locator("#id_username").fill("north.seller1")
    page.locator("#id_password").fill("demo")
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(live_server.url + "/")
    page.goto(live_server.url + world.customer.get_absolute_url())
    team = page.locator("[data-panel=team]")
    remove = team.locator("button[name=remove]")
    # The panel loads when it is seen (hx-trigger "intersect"). The panels above it load too and
    # grow, and pushed it out of view again before it was seen (a full run's failure screenshot:
    # "Loading…" below the window): it is brought into view until it has loaded, as a reader would.
    for _ in range(40):
        team.scroll_into_view_if_needed()
        if remove.is_visible():
            break
        page.wait_for_timeout(500)
    expect(remove).to_be_visible()

    # Cancel: nothing happens.
    remove.click()
    dialog = page.locator("#kedao-confirm")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(str(world.seller2))
    assert_accessible(page, "confirmation dialog")
    dialog.get_by_role("button", name="取消").click()
    expect(dialog).to_be_hidden()
    assert Share.objects.filter(object_id=world.customer.pk).count() == 1

    # Confirm: removed, and a toast says so.
    remove.click()
    dialog.locator("[data-confirm-ok]").click()
    expect(page.locator(".toast.text-bg-success")).to_contain_text(str(world.seller2))
    assert Share.objects.filter(object_id=world.customer.pk).count() == 0
    assert page.problems.errors == []
