"""Exports: no value a user typed runs as a formula; cells typed as the screen shows them; an XLSX
that opens ready to read (column widths, bold frozen header)."""

import csv
import datetime
import decimal
import io
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from openpyxl import load_workbook

from core import exports
from core.exports import safe_cell, spreadsheet_response, typed_cell
from customers.models import Customer
from customers.tests.factories import CustomerFactory
from org.tests.factories import EmployeeFactory

# Values that Excel, WPS or LibreOffice would run (or that hide a formula behind a blank).
FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "=1+2",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",  # ＝
    "\uff0b1",  # ＋
    "\uff0d1",  # －
    "\uff20SUM(1)",  # ＠
    " =1+1",
    "\u200b=1+1",
    "\n=1+1",
    "\x01=1+1",
]


def xlsx(response):
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def csv_rows(response):
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "Excel reads a CSV as UTF-8 only with a byte-order mark"
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def ceo_client(client, world):
    client.force_login(world.ceo)
    return client


@pytest.mark.parametrize("value", FORMULAS)
def test_safe_cell_prefixes_every_formula_with_a_quote(value):
    assert safe_cell(value) == "'" + value
    assert safe_cell(safe_cell(value)) == "'" + value, "neutralising twice changes nothing more"


@pytest.mark.parametrize("value", ["北京科技有限公司", "a=b", "1+1", "'quoted", "", "Tom - sales", "138-0000-0000"])
def test_safe_cell_leaves_plain_text_alone(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, -1.5, decimal.Decimal("-12.30"), 0, None, datetime.date(2026, 1, 2)])
def test_safe_cell_leaves_typed_values_alone(value):
    assert safe_cell(value) == value
    assert typed_cell(value) == value


@pytest.mark.django_db
@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_in_a_name_phone_or_tag_is_text_in_both_exports(ceo_client, world, value):
    customer = CustomerFactory(owner=world.seller1, name=value, phone=value, city="北京")
    customer.tags.add(value)

    sheet = xlsx(ceo_client.get("/customers/", {"export": "xlsx"}))
    headers = [cell.value for cell in sheet[1]]
    row = {header: cell for header, cell in zip(headers, sheet[2], strict=True)}
    # openpyxl cannot write control characters; XML reads a carriage return as a line feed.
    stored = value.replace("\x01", "").replace("\r", "\n")
    for header in ("名称", "电话", "标签"):
        cell = row[header]
        assert cell.data_type == "s", f"{header}: {cell.value!r} is a {cell.data_type} cell"
        assert cell.value == "'" + stored, header
    assert row["城市"].value == "北京", "plain text is left as it is"
    # No cell of the sheet holds a formula.
    assert not [cell.coordinate for line in sheet.iter_rows() for cell in line if cell.data_type == "f"]

    rows = csv_rows(ceo_client.get("/customers/", {"export": "csv"}))
    line = dict(zip(rows[0], rows[1], strict=True))
    for header in ("名称", "电话", "标签"):
        assert line[header] == "'" + value, header
    assert line["城市"] == "北京"


@pytest.mark.django_db
def test_cells_are_typed_in_local_time(ceo_client, world):
    customer = CustomerFactory(owner=world.seller1, name="上海类型测试有限公司")
    moment = datetime.datetime(2026, 11, 28, 5, 49, 24, 964943, tzinfo=datetime.UTC)
    Customer.all_objects.filter(pk=customer.pk).update(updated_at=moment)
    EmployeeFactory(username="inactive.one", unit=world.units["south"], is_active=False)

    sheet = xlsx(ceo_client.get("/customers/", {"export": "xlsx"}))
    headers = [cell.value for cell in sheet[1]]
    updated = sheet.cell(row=2, column=headers.index("更新时间") + 1)
    # 05:49 UTC is 13:49 in Asia/Shanghai; Excel has no time zones: a naive local time.
    assert updated.data_type == "d"
    assert updated.value == datetime.datetime(2026, 11, 28, 13, 49, 24)
    assert updated.number_format == exports.XLSX_DATETIME_FORMAT

    rows = csv_rows(ceo_client.get("/customers/", {"export": "csv"}))
    assert dict(zip(rows[0], rows[1], strict=True))["更新时间"] == "2026-11-28 13:49"


@pytest.mark.django_db
def test_booleans_read_yes_no_as_on_the_screen(client, world):
    admin = EmployeeFactory(username="root.admin", unit=world.units["hq"], is_superuser=True)
    EmployeeFactory(username="zz.inactive", unit=world.units["south"], is_active=False)
    client.force_login(admin)
    sheet = xlsx(client.get("/org/employees/", {"export": "xlsx", "q": "zz.inactive"}))
    headers = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=headers.index("启用") + 1).value == "否"
    rows = csv_rows(client.get("/org/employees/", {"export": "csv", "q": "root.admin"}))
    assert dict(zip(rows[0], rows[1], strict=True))["启用"] == "是"


def test_numbers_stay_numbers_and_money_has_a_currency_format():
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    amount.name, amount.model = "amount", SimpleNamespace(money_fields=("amount",))  # as a model declares it
    rows = [[decimal.Decimal("-1234.50"), -7, "-7", datetime.date(2026, 1, 2), True]]
    with translation.override("zh-hans"):
        response = spreadsheet_response("xlsx", "t", ["金额", "数量", "文本", "日期", "是否"], rows,
                                        fields=[amount, None, None, None, None])
    money, number, text, date, boolean = xlsx(response)[2]
    assert (money.data_type, money.value, money.number_format) == ("n", -1234.5, exports.XLSX_MONEY_FORMAT)
    assert (number.data_type, number.value) == ("n", -7), "a negative number is a number, not a formula"
    assert text.value == "'-7", "the same characters typed as text are neutralised"
    assert date.data_type == "d" and date.value == datetime.datetime(2026, 1, 2)
    assert date.number_format == exports.XLSX_DATE_FORMAT
    assert boolean.value == "是"


@pytest.mark.django_db
def test_xlsx_has_a_bold_frozen_header_and_column_widths(ceo_client, world):
    CustomerFactory(owner=world.seller1, name="内蒙古自治区呼和浩特市新城区很长名称的科技发展有限公司", phone="1")
    sheet = xlsx(ceo_client.get("/customers/", {"export": "xlsx"}))
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert not any(cell.font.bold for cell in sheet[2])
    headers = [cell.value for cell in sheet[1]]
    letter = {header: cell.column_letter for header, cell in zip(headers, sheet[1], strict=True)}
    name_width = sheet.column_dimensions[letter["名称"]].width
    phone_width = sheet.column_dimensions[letter["电话"]].width
    # 27 Chinese characters count double; the phone column is as wide as its header.
    assert 54 <= name_width <= exports.MAX_WIDTH
    assert exports.MIN_WIDTH <= phone_width < 10


def test_text_width_counts_chinese_double():
    assert exports.text_width("abc") == 3
    assert exports.text_width("客道") == 4
    assert exports.text_width("ＡＢ") == 4


@pytest.mark.django_db
def test_english_export_headers_and_file_name_are_capitalised(ceo_client, world):
    CustomerFactory(owner=world.seller1)
    ceo_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = ceo_client.get("/customers/", {"export": "xlsx"})
    assert "filename*=UTF-8''Customers-" in response["Content-Disposition"]
    sheet = xlsx(response)
    assert sheet.title == "Customers"
    assert "Name" in [cell.value for cell in sheet[1]]
    assert all(cell.value[0].isupper() for cell in sheet[1]), [cell.value for cell in sheet[1]]


def test_control_characters_and_huge_text_do_not_break_the_workbook():
    rows = [["a\x00b\x1f", "x" * 100_000]]
    sheet = xlsx(spreadsheet_response("xlsx", "t", ["A", "B"], rows))
    assert sheet["A2"].value == "ab"
    assert len(sheet["B2"].value) == exports.XLSX_MAX_TEXT


def test_typed_cell_of_an_aware_datetime_is_naive_local_time():
    moment = datetime.datetime(2026, 11, 28, 23, 30, 1, 5, tzinfo=datetime.UTC)
    with timezone.override("Asia/Shanghai"):
        assert typed_cell(moment) == datetime.datetime(2026, 11, 29, 7, 30, 1)
