"""The report framework (core.reports, core.views.reports) with a report registered by a test:
periods, the filter form, the page (chart, drill-down links, totals), the export, the menu."""

import datetime
import io
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core import registry
from core.registry import ReportColumn, register_report
from core.reports import day_bounds, in_days, list_url, period_range
from tests.example_app.models import Project
from tests.example_app.tests.factories import ProjectFactory

KEY = "test.projects_by_name"


def projects_by_name(user, *, date_from=None, date_to=None, org_unit=None):
    rows = Project.objects.visible_to(user, "view").filter(in_days("created_at", date_from, date_to))
    if org_unit is not None:
        rows = rows.filter(org_unit__in=org_unit.subtree().values("pk"))
    return list(rows.order_by("name").values("name").annotate(count=Count("pk"), budget=Sum("budget")))


def chart(rows, params):
    return go.Figure(go.Bar(x=[row["name"] for row in rows], y=[row["count"] for row in rows]))


@pytest.fixture
def report():
    register_report(KEY, "Projects by name", projects_by_name, model=Project, filters=("period", "org_unit"),
                    columns=(ReportColumn("name", "Name"),
                             ReportColumn("count", "Projects", "int", total=True,
                                          link=lambda row, p: list_url(reverse("example_app:project_list"),
                                                                       q=row["name"])),
                             ReportColumn("budget", "Budget", "money", total=True)),
                    chart=chart, default_period="all")
    yield registry.get_report(KEY)
    registry._reports.pop(KEY, None)


@pytest.mark.parametrize(("period", "today", "expected"), [
    ("this_month", datetime.date(2026, 2, 14), (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))),
    ("last_month", datetime.date(2026, 1, 5), (datetime.date(2025, 12, 1), datetime.date(2025, 12, 31))),
    ("this_quarter", datetime.date(2026, 5, 31), (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))),
    ("last_quarter", datetime.date(2026, 2, 1), (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31))),
    ("this_year", datetime.date(2026, 11, 30), (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))),
    ("last_year", datetime.date(2026, 1, 1), (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))),
    ("all", datetime.date(2026, 1, 1), (None, None)),
])
def test_periods(period, today, expected):
    assert period_range(period, today) == expected


def test_days_are_the_company_calendar(settings):
    start, end = day_bounds(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
    assert str(timezone.get_current_timezone()) == settings.TIME_ZONE == "Asia/Shanghai"
    assert start.isoformat() == "2026-03-01T00:00:00+08:00" and end.isoformat() == "2026-04-01T00:00:00+08:00"


def test_report_page(client, world, report):
    ProjectFactory(owner=world.seller1, name="甲项目", budget=Decimal("100.00"))
    ProjectFactory(owner=world.seller1, name="甲项目", budget=Decimal("50.50"))
    ProjectFactory(owner=world.south_seller, name="乙项目", budget=None)
    client.force_login(world.branch_manager)
    response = client.get(f"/reports/{KEY}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="report-chart"' in page and 'class="kd-chart"' in page
    assert "乙项目" not in page  # another branch's project: the selector scoped it
    assert 'href="/projects/?q=%E7%94%B2%E9%A1%B9%E7%9B%AE" data-drilldown>2</a>' in page
    assert "¥150.50" in page
    assert 'name="product_line"' not in page  # not one of this report's filters
    # Bad filters: 400, the message beside the field, nothing computed.
    bad = client.get(f"/reports/{KEY}/", {"period": "custom", "date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert bad.status_code == 400 and 'data-field-error="date_to"' in bad.content.decode()
    for name, value in (("org_unit", "99999999999999999999"), ("date_from", "yesterday"), ("period", "decade")):
        bad = client.get(f"/reports/{KEY}/", {name: value})
        assert bad.status_code == 400 and f'data-field-error="{name}"' in bad.content.decode(), name
    # Dates without choosing "custom" are a custom period; none at all, the report's default.
    empty = client.get(f"/reports/{KEY}/", {"date_from": "2030-01-01"})
    assert empty.status_code == 200 and 'data-testid="report-empty"' in empty.content.decode()


def test_report_export_neutralises_formulas(client, world, report):
    ProjectFactory(owner=world.seller1, name="=SUM(A1:A9)", budget=Decimal("1.00"))
    ProjectFactory(owner=world.seller1, name="@cmd", budget=Decimal("2.00"))
    client.force_login(world.ceo)
    response = client.get(f"/reports/{KEY}/", {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["'=SUM(A1:A9)", "'@cmd"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet.cell(row=2, column=3).number_format == '"¥"#,##0.00'
    assert client.get(f"/reports/{KEY}/", {"export": "doc"}).status_code == 400


def test_index_and_menu_list_the_reports_one_may_open(client, world, report):
    client.force_login(world.seller1)
    assert f"/reports/{KEY}/" in client.get("/reports/").content.decode()
    assert f"/reports/{KEY}/" in client.get("/").content.decode()
    client.force_login(world.nobody)
    assert f"/reports/{KEY}/" not in client.get("/reports/").content.decode()
    assert f"/reports/{KEY}/" not in client.get("/").content.decode()
    assert client.get(f"/reports/{KEY}/").status_code == 403


def test_a_report_without_columns_has_no_page(client, world):
    register_report("test.data_only", "Data only", lambda user: [], model=Project)
    try:
        client.force_login(world.ceo)
        assert client.get("/reports/test.data_only/").status_code == 404
        assert "/reports/test.data_only/" not in client.get("/reports/").content.decode()
    finally:
        registry._reports.pop("test.data_only", None)


def test_report_cells_and_links_are_escaped(client, world, report):
    """The table is written in Python (core.views.reports._body), not by the template language:
    a name with markup is shown as text, in the cell and in its drill-down link."""
    ProjectFactory(owner=world.seller1, name='<script>alert("x")</script>&co', budget=Decimal("1.00"))
    client.force_login(world.ceo)
    page = client.get(f"/reports/{KEY}/").content.decode()
    body = page.split('data-testid="report-table"')[1].split("</table>")[0]
    assert "<script>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;co" in body
    assert 'data-label="Name"' in body and 'class="text-end kedao-num"' in body
    assert 'href="/projects/?q=%3Cscript%3E' in body  # the link's query, encoded
