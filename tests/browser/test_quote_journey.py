"""A seller quotes a deal in a real browser: from the opportunity's Quotes panel a new quote, a line
picked from the catalogue, the totals; the printable A4 page (desktop and phone), the PDF (turned
into a picture with pdftoppm when it is installed) and sending it by e-mail with the PDF attached.

Screenshots go to test-artifacts/quote-*.png for a person to look at.
"""

import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core import mail

from core.testing.world import build_world
from customers.tests.factories import ContactFactory, CustomerFactory
from org.models import RolePermission
from org.tests.factories import ProductLineFactory
from sales.models import Quote
from sales.tests.factories import OpportunityFactory, ProductFactory
from sales.tests.quote_factories import QuoteDiscountThresholdFactory

from .conftest import ARTIFACTS, assert_accessible, assert_no_horizontal_overflow

pytestmark = pytest.mark.browser
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture
def world(transactional_db, settings):
    settings.TASKS = IMMEDIATE
    world = build_world()
    line = ProductLineFactory(name="工业自动化", code="IA")
    customer = CustomerFactory(owner=world.seller1, name="苏州工业园区博远电子有限公司", province="江苏省",
                               city="苏州市", address="星湖街328号", phone="0512-62881234")
    buyer = ContactFactory(customer=customer, name="周建平", email="zhou.jp@boyuan.example.cn")
    world.opportunity = OpportunityFactory(owner=world.seller1, customer=customer, product_line=line,
                                           name="博远电子SMT产线自动化改造")
    world.opportunity.decision_makers.add(buyer)
    world.product = ProductFactory(product_line=line, code="PLC-S7-1500", name="可编程控制器 S7-1500", unit="台",
                                   list_price=Decimal("25800.00"))
    QuoteDiscountThresholdFactory(max_discount=Decimal("15"))
    # The product picker asks /autocomplete/sales.product/, which needs a grant to view products
    # (the demo's roles have it; the test world's seller role does not).
    RolePermission.objects.create(role=world.seller1.roles.get(), object_type="sales.product", action="view",
                                  scope="all")
    return world


def shot(page, name, check=True):
    page.screenshot(path=str(ARTIFACTS / f"quote-{name}.png"), full_page=True)
    if check:
        assert_accessible(page, name)


def test_seller_quotes_prints_and_sends(page, live_server, world):
    from playwright.sync_api import expect

    page.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page.goto(live_server.url + "/login/")
    page.locator("#id_username").fill(world.seller1.username)
    page.locator("#id_password").fill("demo")
    page.get_by_test_id("login-submit").click()

    # 1. The opportunity's Quotes panel, on its overview tab (loaded when scrolled into view): a new quote.
    page.goto(live_server.url + world.opportunity.get_absolute_url())
    page.locator("[data-panel=quotes]").scroll_into_view_if_needed()
    page.get_by_test_id("new-quote").click()
    page.locator("#id_title").fill("SMT产线自动化改造报价")
    page.locator("#id_discount").fill("3")
    page.locator("#id_terms").fill("合同签订后预付30%，到货验收后支付70%。\n交货期：四周。")
    page.get_by_test_id("save").click()
    quote = Quote.objects.get(opportunity=world.opportunity)
    expect(page.get_by_test_id("object-title")).to_have_text(str(quote))

    # 2. A line from the catalogue: the product picker searches, the price comes from the list price.
    page.locator("[data-panel=quote-lines] a", has_text="添加明细").click()
    page.locator("input[data-autocomplete-for=id_product]").press_sequentially("可编程", delay=30)
    expect(page.locator(f"#id_product option[value='{world.product.pk}']")).to_have_count(1)
    page.locator("#id_product").select_option(str(world.product.pk))
    page.locator("#id_quantity").fill("4")
    page.locator("#id_description").fill("含编程调试与三年质保")
    page.get_by_test_id("save").click()
    # 4 × 25,800 = 103,200 − 3 % = 100,104.00; VAT 13 % 13,013.52; total 113,117.52
    page.goto(live_server.url + quote.get_absolute_url())
    expect(page.get_by_test_id("quote-gross")).to_have_text("¥113,117.52")
    shot(page, "1-detail")

    # 3. The printable page, on a laptop and on a phone.
    page.get_by_role("link", name="打印").click()
    expect(page.get_by_test_id("print-customer")).to_have_text("苏州工业园区博远电子有限公司")
    expect(page.get_by_test_id("print-totals")).to_contain_text("壹拾壹万叁仟壹佰壹拾柒元伍角贰分")
    shot(page, "2-print")
    page.emulate_media(media="print")
    shot(page, "2b-print-media", check=False)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 390, "height": 844})
    assert_no_horizontal_overflow(page, 390)
    shot(page, "2c-print-phone", check=False)
    page.set_viewport_size({"width": 1366, "height": 900})

    # 4. The PDF, as a viewer shows it (pdftoppm, when installed).
    response = page.request.get(live_server.url + f"/sales/quotes/{quote.pk}/pdf/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = ARTIFACTS / "quote.pdf"
    pdf.write_bytes(response.body())
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-singlefile", str(pdf), str(ARTIFACTS / "quote-3-pdf")],
                       check=True, timeout=60)

    # 5. Send it: the decision maker is ticked; the PDF goes with the mail; the quote is sent.
    page.goto(live_server.url + quote.get_absolute_url())
    page.locator("[data-action=send]").click()
    expect(page.get_by_label("周建平 <zhou.jp@boyuan.example.cn>")).to_be_checked()
    shot(page, "4-send")
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("highlights")).to_contain_text("已发送")
    shot(page, "5-sent")
    assert [m.to for m in mail.outbox] == [["zhou.jp@boyuan.example.cn"]]
    assert mail.outbox[0].attachments[0][2] == "application/pdf"
    assert page.problems.errors == []
