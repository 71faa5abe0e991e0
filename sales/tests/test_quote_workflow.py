"""Quote workflows: totals, numbering and prices, versions, the send rules, the PDF with Chinese,
the e-mail with its attachment, the printable page, the "quote" gate, expiry and product-line
isolation."""

import datetime
import io
from decimal import Decimal

import pypdf
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.models import ObjectChange
from core.testing.world import build_world
from customers.models import AccountTeamMember
from customers.tests.factories import ContactFactory, CustomerFactory
from org.models import Role, RolePermission
from org.tests.factories import EmployeeFactory, ProductLineFactory
from sales.gates import missing_requirements
from sales.models import Quote, QuoteLine
from sales.quotes import services
from sales.quotes.totals import compute, recalculate
from sales.tests.factories import (
    OpportunityFactory,
    PriceListFactory,
    PriceListItemFactory,
    ProductFactory,
    make_pipeline,
)
from sales.tests.quote_factories import QuoteDiscountThresholdFactory, QuoteFactory

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def seller(world):
    return world.users["seller1"]


def new_quote(actor, opportunity=None, **fields):
    opportunity = opportunity or OpportunityFactory(owner=actor)
    quote = Quote(opportunity=opportunity, **fields)
    quote.full_clean()
    return services.quote_save(instance=quote, actor=actor)


def add_line(quote, actor, product, **fields):
    line = QuoteLine(quote=quote, product=product, **fields)
    line.full_clean()
    return services.quote_line_save(instance=line, actor=actor)


def test_totals_round_half_up_per_line_per_tax_rate_and_on_the_quote_discount(seller):
    """The figures below were worked out by hand (see the comments), not by the code under test."""
    quote = new_quote(seller, discount=Decimal("7.5"))
    machine = ProductFactory(list_price=Decimal("2200.00"), tax_rate=Decimal("13"))
    service = ProductFactory(list_price=Decimal("350.00"), tax_rate=Decimal("6"))
    part = ProductFactory(list_price=Decimal("0.05"), tax_rate=Decimal("13"))
    # 3 × 1999.99 × 87.5 % = 5249.97375 → 5249.97
    add_line(quote, seller, machine, quantity=Decimal("3"), unit_price=Decimal("1999.99"), discount=Decimal("12.5"))
    # 1.5 × 333.33 = 499.995 → 500.00
    add_line(quote, seller, service, quantity=Decimal("1.5"), unit_price=Decimal("333.33"))
    # 2.5 × 0.05 = 0.125 → 0.13 (half up; half-even would give 0.12); the unit price is the list price
    add_line(quote, seller, part, quantity=Decimal("2.5"))
    quote.refresh_from_db()
    # subtotal 5750.10; quote discount 7.5 % = 431.2575 → 431.26; net 5318.84
    assert quote.net_total == Decimal("5318.84")
    # 13 %: (5249.97 + 0.13) × 92.5 % × 13 % = 631.324525 → 631.32; 6 %: 500.00 × 92.5 % × 6 % = 27.75
    assert quote.tax_total == Decimal("659.07")
    assert quote.gross_total == Decimal("5977.91")
    # list value 6600.00 + 525.00 + 0.13 = 7125.13; (7125.13 − 5318.84) / 7125.13 = 25.351 %
    assert quote.list_total == Decimal("7125.13")
    assert quote.total_discount == Decimal("25.35")
    totals = compute(quote.discount, list(quote.lines.all()))
    assert totals.taxes == [(Decimal("6.00"), Decimal("27.75")), (Decimal("13.00"), Decimal("631.32"))]
    assert totals.discount_amount == Decimal("431.26")


def test_deleting_a_line_or_changing_the_discount_updates_the_totals(seller, client):
    quote = new_quote(seller)
    product = ProductFactory(list_price=Decimal("100.00"), tax_rate=Decimal("13"))
    add_line(quote, seller, product, quantity=Decimal("1"))
    gone = add_line(quote, seller, product, quantity=Decimal("2"))
    client.force_login(seller)
    assert client.post(f"/sales/quote-lines/{gone.pk}/delete/").status_code == 302
    quote.refresh_from_db()
    assert (quote.net_total, quote.gross_total) == (Decimal("100.00"), Decimal("113.00"))
    response = client.patch(f"/api/sales/quotes/{quote.pk}/", {"discount": "10"}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["net_total"] == "90.00" and response.json()["gross_total"] == "101.70"


def test_numbers_count_up_per_year_and_prices_come_from_the_price_list_valid_on_the_quote_date(seller):
    line = ProductLineFactory()
    product = ProductFactory(product_line=line, list_price=Decimal("1000.00"))
    PriceListFactory(name="旧价", valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2020, 12, 31))
    current = PriceListFactory(name="2026渠道价", product_line=line, valid_from=datetime.date(2026, 1, 1))
    PriceListItemFactory(price_list=current, product=product, price=Decimal("880.00"))
    first = new_quote(seller, OpportunityFactory(owner=seller, product_line=line),
                      quote_date=datetime.date(2026, 11, 28))
    second = new_quote(seller, quote_date=datetime.date(2026, 11, 28))
    assert (first.number, second.number) == ("Q-2026-000001", "Q-2026-000002")
    assert first.price_list == current and first.valid_until == datetime.date(2026, 12, 28)
    priced = add_line(first, seller, product)
    assert (priced.unit_price, priced.list_price) == (Decimal("880.00"), Decimal("880.00"))
    other = add_line(first, seller, ProductFactory(list_price=Decimal("50.00")))
    assert other.unit_price == Decimal("50.00")  # not on the price list: its list price


def test_an_opportunity_has_one_chain_of_versions(seller):
    quote = new_quote(seller)
    with pytest.raises(ValidationError) as refused:
        new_quote(seller, quote.opportunity)
    assert "opportunity" in refused.value.message_dict


def test_a_new_version_copies_the_lines_and_only_the_newest_draft_can_change(seller, client):
    quote = new_quote(seller, discount=Decimal("2"), terms="预付30%")
    product = ProductFactory(list_price=Decimal("500.00"))
    add_line(quote, seller, product, quantity=Decimal("4"), discount=Decimal("5"), description="含培训")
    add_line(quote, seller, product, quantity=Decimal("1"), unit_price=Decimal("450.00"))
    client.force_login(seller)
    response = client.post(f"/sales/quotes/{quote.pk}/new-version/")
    second = Quote.objects.get(opportunity=quote.opportunity, revision=2)
    assert response.status_code == 302 and response["Location"] == second.get_absolute_url()
    assert second.number == quote.number and second.status == "draft"
    assert [(line.quantity, line.unit_price, line.discount, line.description) for line in second.lines.all()] == [
        (Decimal("4.00"), Decimal("500.00"), Decimal("5.00"), "含培训"), (Decimal("1.00"), Decimal("450.00"),
                                                                            Decimal("0.00"), "")]
    quote.refresh_from_db()
    assert (second.discount, second.terms, second.gross_total) == (quote.discount, "预付30%", quote.gross_total)
    # The older version is read-only everywhere: its page, its lines, the API.
    edit = client.post(f"/sales/quotes/{quote.pk}/edit/", {"opportunity": quote.opportunity_id, "title": "改",
                                                            "quote_date": "2026-11-28", "currency": "CNY",
                                                            "discount": "0", "version": quote.version})
    assert edit.status_code == 400 and "newest version" in edit.content.decode()
    assert client.get(f"/sales/quotes/{quote.pk}/edit/").status_code == 302
    line = quote.lines.first()
    response = client.patch(f"/api/sales/quote-lines/{line.pk}/", {"quantity": "9"}, content_type="application/json")
    assert response.status_code == 400 and "quote" in response.json()
    response = client.post("/api/sales/quote-lines/", {"quote": quote.pk, "product": product.pk},
                           content_type="application/json")
    assert response.status_code == 400 and "quote" in response.json()
    quote.refresh_from_db()
    assert quote.title == "" and quote.lines.count() == 2
    detail = client.get(f"/sales/quotes/{quote.pk}/").content.decode()
    assert 'data-action="edit"' not in detail and 'data-testid="quote-locked"' in detail
    # The newest version can change.
    response = client.patch(f"/api/sales/quotes/{second.pk}/", {"title": "第二版"}, content_type="application/json")
    assert response.status_code == 200


def test_a_sent_quote_is_read_only_and_the_customer_answer_is_recorded_on_the_newest(seller, client):
    quote = new_quote(seller)
    Quote.objects.filter(pk=quote.pk).update(status="sent")
    client.force_login(seller)
    response = client.patch(f"/api/sales/quotes/{quote.pk}/", {"discount": "30"}, content_type="application/json")
    assert response.status_code == 400
    assert client.post(f"/sales/quotes/{quote.pk}/delete/").status_code == 302
    assert Quote.objects.filter(pk=quote.pk).exists()  # refused: a sent quote is kept
    assert client.post(f"/api/sales/quotes/{quote.pk}/accept/").json()["status"] == "accepted"
    response = client.post(f"/api/sales/quotes/{quote.pk}/reject/")
    assert response.status_code == 400 and Quote.objects.get(pk=quote.pk).status == "accepted"


def test_sending_is_refused_while_a_discount_needs_or_waits_for_approval(seller, client, settings):
    settings.TASKS = IMMEDIATE
    QuoteDiscountThresholdFactory(max_discount=Decimal("15"))
    quote = new_quote(seller)
    add_line(quote, seller, ProductFactory(list_price=Decimal("1000.00")), discount=Decimal("20"))
    client.force_login(seller)
    data = {"to": ["buyer@example.cn"], "subject": "报价"}
    response = client.post(f"/api/sales/quotes/{quote.pk}/send/", data, content_type="application/json")
    assert response.status_code == 400 and "approval" in str(response.json())
    Quote.objects.filter(pk=quote.pk).update(status="pending_approval")
    response = client.post(f"/api/sales/quotes/{quote.pk}/send/", data, content_type="application/json")
    assert response.status_code == 400 and "waiting for approval" in str(response.json())
    page = client.post(f"/sales/quotes/{quote.pk}/send/", {"other": "buyer@example.cn", "subject": "报价"})
    assert page.status_code == 400
    assert mail.outbox == [] and Quote.objects.get(pk=quote.pk).status == "pending_approval"
    # Within the threshold a draft may go straight out; submitting it for approval is refused.
    Quote.objects.filter(pk=quote.pk).update(status="draft")
    QuoteLine.objects.filter(quote=quote).update(discount=Decimal("10"))
    recalculate(quote.pk)
    with pytest.raises(ValidationError):
        services.quote_submit(quote=quote, actor=seller)


def _fonts(reader):
    return {str(font.get_object()["/BaseFont"]) for page in reader.pages
            for font in page["/Resources"]["/Font"].values()}


def _pdf_text(content):
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages), reader


def test_the_pdf_carries_the_chinese_customer_name_in_an_embedded_cjk_font(seller, client):
    customer = CustomerFactory(owner=seller, name="杭州西湖精密机械有限公司", address="杭州市西湖区文三路90号")
    quote = new_quote(seller, OpportunityFactory(owner=seller, customer=customer), terms="交货期：合同签订后四周")
    add_line(quote, seller, ProductFactory(name="伺服驱动器", list_price=Decimal("1234.50")),
             description="含现场调试")
    client.force_login(seller)
    response = client.get(f"/sales/quotes/{quote.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text, reader = _pdf_text(response.content)
    for expected in ("杭州西湖精密机械有限公司", "伺服驱动器", "含现场调试", "交货期：合同签订后四周", quote.number,
                     # 1234.50 + 13 % VAT 160.485 → 160.49
                     "¥1,394.99", "壹仟叁佰玖拾肆元玖角玖分"):
        assert expected in text, expected
    fonts = _fonts(reader)
    # Embedded (a subset of the machine's CJK font) or the standard CID font viewers bring.
    embedded = any("+" in name for name in fonts)  # a subset: "/AAAAAA+WenQuanYiMicroHei-0"
    assert embedded or any("STSong-Light" in name for name in fonts), fonts
    if embedded:
        assert b"/FontFile2" in response.content
    api = client.get(f"/api/sales/quotes/{quote.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert api.status_code == 200 and "杭州西湖精密机械有限公司" in _pdf_text(api.content)[0]


def test_the_pdf_without_a_font_file_falls_back_to_the_standard_chinese_cid_font(seller, settings):
    from sales.quotes import pdf

    customer = CustomerFactory(owner=seller, name="成都天府软件园有限公司")
    quote = new_quote(seller, OpportunityFactory(owner=seller, customer=customer))
    settings.KEDAO = {**settings.KEDAO, "PDF_FONT": "/nonexistent.ttf"}
    pdf.font_name.cache_clear()
    original = pdf.FONT_CANDIDATES
    pdf.FONT_CANDIDATES = ()
    try:
        content = pdf.render_pdf(quote)
    finally:
        pdf.FONT_CANDIDATES = original
        pdf.font_name.cache_clear()
    text, reader = _pdf_text(content)
    assert "成都天府软件园有限公司" in text
    assert any("STSong-Light" in name for name in _fonts(reader))


def test_sending_mails_the_pdf_then_marks_the_quote_sent_in_its_history(seller, client, settings,
                                                                         django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    customer = CustomerFactory(owner=seller, name="苏州工业园区博远电子有限公司")
    buyer = ContactFactory(customer=customer, name="周采购", email="zhou@boyuan.example.cn")
    ContactFactory(customer=customer, name="无邮箱")
    opportunity = OpportunityFactory(owner=seller, customer=customer)
    opportunity.decision_makers.add(buyer)
    quote = new_quote(seller, opportunity)
    add_line(quote, seller, ProductFactory(list_price=Decimal("9800.00")))
    client.force_login(seller)
    form = client.get(f"/sales/quotes/{quote.pk}/send/")
    assert form.status_code == 200
    page = form.content.decode()
    assert "zhou@boyuan.example.cn" in page and "checked" in page and "无邮箱" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sales/quotes/{quote.pk}/send/", {
            "contacts": ["zhou@boyuan.example.cn"], "other": "li@boyuan.example.cn；bad address",
            "subject": "报价单", "message": "您好"})
    assert response.status_code == 400 and "bad address" in response.content.decode()
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sales/quotes/{quote.pk}/send/", {
            "contacts": ["zhou@boyuan.example.cn"], "other": "li@boyuan.example.cn", "subject": "报价单",
            "message": "您好，附件为报价单。"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["zhou@boyuan.example.cn", "li@boyuan.example.cn"] and sent.subject == "报价单"
    assert sent.reply_to == [seller.email]
    [(name, content, mimetype)] = sent.attachments
    assert name == f"{quote.number}-v1.pdf" and mimetype == "application/pdf" and content.startswith(b"%PDF-")
    assert "苏州工业园区博远电子有限公司" in _pdf_text(content)[0]
    quote.refresh_from_db()
    assert quote.status == "sent" and quote.sent_at is not None
    assert quote.sent_to == "zhou@boyuan.example.cn, li@boyuan.example.cn"
    change = ObjectChange.objects.filter(object_id=quote.pk, content_type__model="quote").order_by("-pk").first()
    assert change.user == seller and change.postchange_data["status"] == "sent"
    # Sent quotes meet the "quote" gate.
    stage = make_pipeline().stages.get(order=40)
    stage.requirements = ["quote"]
    assert missing_requirements(quote.opportunity, stage) == []


def test_the_quote_gate_refuses_a_stage_until_a_quote_was_sent(seller):
    stage = make_pipeline().stages.get(order=40)
    stage.requirements = ["quote"]
    quote = new_quote(seller)
    assert [str(m) for m in missing_requirements(quote.opportunity, stage)] == ["Send the customer a quote first."]
    Quote.objects.filter(pk=quote.pk).update(status="accepted")
    assert missing_requirements(quote.opportunity, stage) == []


def test_the_printable_page_shows_the_quote_to_whoever_sees_it(world, seller, client):
    customer = CustomerFactory(owner=seller, name="宁波港城物流有限公司")
    quote = new_quote(seller, OpportunityFactory(owner=seller, customer=customer))
    add_line(quote, seller, ProductFactory(name="仓储管理系统", list_price=Decimal("20000.00")))
    client.force_login(seller)
    page = client.get(f"/sales/quotes/{quote.pk}/print/")
    assert page.status_code == 200
    html = page.content.decode()
    for expected in ("宁波港城物流有限公司", "仓储管理系统", "¥22,600.00", "贰万贰仟陆佰元整", 'data-testid="draft-mark"'):
        assert expected in html, expected
    client.force_login(world.users["south_seller"])
    assert client.get(f"/sales/quotes/{quote.pk}/print/").status_code == 404
    assert client.get(f"/sales/quotes/{quote.pk}/pdf/").status_code == 404
    assert client.post(f"/sales/quotes/{quote.pk}/new-version/").status_code == 404


def test_sent_quotes_past_their_validity_expire(seller):
    quote = new_quote(seller)
    Quote.objects.filter(pk=quote.pk).update(status="sent", valid_until=timezone.localdate() - datetime.timedelta(1))
    fresh = new_quote(seller)
    Quote.objects.filter(pk=fresh.pk).update(status="sent")
    assert services.quotes_expire() == 1
    assert Quote.objects.get(pk=quote.pk).status == "expired" and Quote.objects.get(pk=fresh.pk).status == "sent"


@pytest.mark.django_db
def test_product_line_isolation_carries_over_to_quotes(client):
    """Two account managers of one customer, each for a line: each sees and changes only the quotes
    of their line's deals, on every surface."""
    owner = EmployeeFactory()
    customer = CustomerFactory(owner=owner)
    line_a, line_b = ProductLineFactory(code="DI"), ProductLineFactory(code="SI")
    role = Role.objects.create(name="客户经理角色")
    for object_type in ("sales.opportunity", "sales.quote", "sales.quoteline"):
        for action in ("view", "change", "export", "add"):
            RolePermission.objects.create(role=role, object_type=object_type, action=action, scope="own")
    manager_a, manager_b = EmployeeFactory(roles=[role]), EmployeeFactory(roles=[role])
    AccountTeamMember.objects.create(customer=customer, employee=manager_a, product_line=line_a)
    AccountTeamMember.objects.create(customer=customer, employee=manager_b, product_line=line_b)
    quote_a = QuoteFactory(opportunity=OpportunityFactory(owner=owner, customer=customer, product_line=line_a))
    quote_b = QuoteFactory(opportunity=OpportunityFactory(owner=owner, customer=customer, product_line=line_b))
    assert list(Quote.objects.visible_to(manager_a, "view")) == [quote_a]
    assert list(Quote.objects.visible_to(manager_b, "view")) == [quote_b]
    assert list(Quote.objects.visible_to(manager_a, "change")) == [quote_a]
    client.force_login(manager_a)
    assert client.get(f"/sales/quotes/{quote_b.pk}/pdf/").status_code == 404
    assert client.get(f"/api/sales/quotes/{quote_b.pk}/").status_code == 404
    listed = client.get("/api/sales/quotes/").json()["results"]
    assert [row["id"] for row in listed] == [quote_a.pk]
    assert client.get(f"/sales/quotes/{quote_a.pk}/pdf/").status_code == 200
    # The membership ends: the next request no longer shows the quote.
    AccountTeamMember.objects.filter(employee=manager_a).update(deleted_at=timezone.now())
    assert client.get(f"/sales/quotes/{quote_a.pk}/print/").status_code == 404
