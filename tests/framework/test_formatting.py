"""One formatting layer: a yes/no, a date-time, an amount reads the same on detail pages, lists,
history and exports, in the company's time zone, and English labels start with a capital."""

import datetime
import decimal
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation

from core import formatting
from core.services import object_save, share_add
from customers.models import Customer
from customers.tests.factories import CustomerFactory, industry
from org.models import Employee, ProductLine
from org.tests.factories import EmployeeFactory, ProductLineFactory

MOMENT = datetime.datetime(2026, 11, 28, 5, 49, 24, 964943, tzinfo=datetime.UTC)


def text(response):
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def detail_rows(response):
    """{label: value} of a detail page's main card."""
    pairs = re.findall(r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", response.content.decode(), re.S)
    return {label.strip(): re.sub(r"<[^>]+>", "", value).strip() for label, value in pairs}


@pytest.mark.parametrize(("language", "yes", "no"), [("zh-hans", "是", "否"), ("en", "Yes", "No")])
def test_booleans(language, yes, no):
    with translation.override(language):
        assert formatting.format_value(True) == yes
        assert formatting.format_value(False) == no


def test_datetimes_are_local_to_the_minute_in_one_format():
    with timezone.override("Asia/Shanghai"):
        assert formatting.format_value(MOMENT) == "2026-11-28 13:49"
    with timezone.override("Europe/London"):
        assert formatting.format_value(MOMENT) == "2026-11-28 05:49"
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert formatting.format_value(datetime.date(2026, 3, 4)) == "2026-03-04"


def test_money_numbers_and_empty_values():
    assert formatting.format_money(decimal.Decimal("1234567.5")) == "¥1,234,567.50"
    assert formatting.format_money(decimal.Decimal("-12"), "USD") == "-$12.00"
    assert formatting.format_value(decimal.Decimal("1234.5")) == "1,234.5"
    assert formatting.format_value(42) == "42"
    for empty in (None, "", []):
        assert formatting.format_value(empty) == formatting.EMPTY == "—"
    assert formatting.format_value(["甲", "乙"]) == "甲, 乙"


@pytest.mark.django_db
def test_choices_related_objects_and_tags(world):
    customer = CustomerFactory(owner=world.seller1, industry=industry("65"))
    customer.tags.add("重点", "华北")
    with translation.override("zh-hans"):
        assert formatting.format_field(customer, "industry") == "65 软件和信息技术服务业"
        assert formatting.format_field(customer, "owner") == str(world.seller1)
        assert formatting.format_field(customer, "tags") == "华北, 重点"
        assert formatting.format_field(customer, "source") == "—"
        assert formatting.format_stored(Customer._meta.get_field("level"), "customer") == "现实客户"


@pytest.fixture
def admin_client(client, world):
    admin = EmployeeFactory(username="root.admin", unit=world.units["hq"], is_superuser=True,
                            first_name="家豪", last_name="王")
    client.force_login(admin)
    client.admin = admin
    return client


@pytest.mark.django_db
def test_employee_detail_shows_formatted_values_and_no_empty_updated_row(admin_client, world):
    Employee.objects.filter(pk=world.seller1.pk).update(last_login=MOMENT)
    response = admin_client.get(f"/org/employees/{world.seller1.pk}/")
    rows = detail_rows(response)
    assert rows["启用"] == "是"
    assert rows["上次登录"] == "2026-11-28 13:49"
    assert rows["角色"] == "seller"
    page = text(response)
    assert "True" not in page and "+00:00" not in page and "964943" not in page
    # Employees carry no "updated at": no row that is always empty.
    assert "更新" not in rows


@pytest.mark.django_db
def test_customer_detail_shows_the_update_time_in_local_time(admin_client, world):
    customer = CustomerFactory(owner=world.seller1)
    Customer.all_objects.filter(pk=customer.pk).update(updated_at=MOMENT)
    rows = detail_rows(admin_client.get(f"/customers/{customer.pk}/"))
    assert rows["更新"] == "2026-11-28 13:49"


@pytest.mark.django_db
def test_lists_show_booleans_as_on_the_detail_page(admin_client, world):
    EmployeeFactory(username="zz.inactive", unit=world.units["south"], is_active=False)
    page = text(admin_client.get("/org/employees/", {"q": "zz.inactive"}))
    body = page[page.index("<tbody"):]
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*zz\.inactive.*?</tr>", body).group(0)
    assert re.search(r"<td[^>]*>\s*否\s*</td>", row), row


@pytest.mark.django_db
def test_history_shows_values_as_the_page_does(admin_client, world):
    product_line = ProductLineFactory(name="工业网关")
    product_line.is_active = False
    object_save(instance=product_line, actor=admin_client.admin)
    page = text(admin_client.get(f"/org/product-lines/{product_line.pk}/"))
    assert re.search(r"启用: <span[^>]*>是</span> → <strong>否</strong>", page), page
    assert "True" not in page and "False" not in page


@pytest.mark.django_db
def test_history_says_who_joined_or_left_the_team(admin_client, world):
    customer = CustomerFactory(owner=world.seller1)
    share_add(instance=customer, actor=admin_client.admin, employee=admin_client.admin)
    # The history panel loads lazily on the customer page (below the contacts): its own URL.
    history = f"/panels/customers.customer/{customer.pk}/history/"
    page = text(admin_client.get(history))
    assert "添加团队成员：王家豪" in page
    assert "+ 王家豪" not in page
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Team member added: 王家豪" in text(admin_client.get(history))


@pytest.mark.django_db
def test_history_time_is_local_without_seconds(admin_client, world):
    product_line = ProductLineFactory(name="边缘计算")
    product_line.description = "新"
    object_save(instance=product_line, actor=admin_client.admin)
    change_time = timezone.localtime(product_line_change_time(product_line))
    page = text(admin_client.get(f"/org/product-lines/{product_line.pk}/"))
    assert change_time.strftime("%Y-%m-%d %H:%M") in page


def product_line_change_time(product_line):
    from core.selectors import changelog_rows

    return changelog_rows(product_line)[0].time


@pytest.mark.django_db
def test_english_titles_labels_and_headers_start_with_a_capital(admin_client, world):
    customer = CustomerFactory(owner=world.seller1, name="Acme")
    customer.level = "customer"
    object_save(instance=customer, actor=admin_client.admin)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    listing = text(admin_client.get("/customers/"))
    assert "<title>Customers · " in listing
    headers = [re.sub(r"<[^>]+>", "", header).strip()
               for header in re.findall(r"<th[^>]*>(.*?)</th>", listing)]
    assert [header for header in headers if header and not header[0].isupper()] == []
    chooser = re.findall(r'<label class="form-check-label" for="col-[^"]*">(.*?)</label>', listing)
    assert "Owner" in chooser and "Updated at" in chooser, chooser
    assert [label for label in chooser if not label[0].isupper()] == []

    detail = admin_client.get(f"/customers/{customer.pk}/")
    rows = detail_rows(detail)
    assert "Name" in rows and "Unified social credit code" in rows
    assert [label for label in rows if not label[0].isupper()] == []
    history = admin_client.get(f"/panels/customers.customer/{customer.pk}/history/")
    assert re.search(r"Level: <span[^>]*>Potential customer</span>", text(history))

    # A record's own name stays as it was typed.
    lower = CustomerFactory(owner=world.seller1, name="iPhone专卖店")
    assert "<title>iPhone专卖店 · " in text(admin_client.get(f"/customers/{lower.pk}/"))

    search = text(admin_client.get("/search/", {"q": "Acme"}))
    assert re.search(r"<h2[^>]*>Customers</h2>", search), search

    employees = text(admin_client.get("/org/employees/"))
    assert "<title>Employees · " in employees
    assert re.search(r"<th[^>]*>\s*(<a[^>]*>)?\s*Name\s*(</a>)?\s*</th>", employees)


@pytest.mark.django_db
def test_product_line_list_uses_the_same_yes_no(admin_client, world):
    ProductLineFactory(name="停用产品线", is_active=False)
    page = text(admin_client.get("/org/product-lines/"))
    assert ProductLine.objects.filter(is_active=False).exists()
    assert re.search(r"<td[^>]*>\s*否\s*</td>", page)


@pytest.mark.django_db
def test_recycle_bin_shows_the_deletion_time_as_lists_do(admin_client, world):
    from core.services import object_delete

    customer = CustomerFactory(owner=world.seller1, name="回收站客户")
    object_delete(instance=customer, actor=admin_client.admin)
    Customer.all_objects.filter(pk=customer.pk).update(deleted_at=MOMENT)
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = text(admin_client.get("/recycle-bin/"))
    assert re.search(r"<h2[^>]*>Customers</h2>", page)
    assert "<td>2026-11-28 13:49</td>" in page, page
