"""Win/loss reasons and competitor analysis: figures, scope, filters, drill-down, export."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from org.tests.factories import ProductLineFactory
from sales.reports import COMPETITOR_COLUMNS
from sales.reports.competitors import competitor_analysis
from sales.reports.winloss import win_loss_reasons
from sales.tests.factories import CompetitorFactory, WinLossReasonFactory, make_pipeline
from sales.tests.report_data import local, make_deal
from sales.tests.test_funnel import drilldowns

WON = ["线索确认", "需求分析", "方案报价", "商务谈判", "赢单"]
LOST = ["线索确认", "需求分析", "丢单"]
OPEN = ["线索确认", "需求分析"]


@pytest.fixture
def closed_deals(world):
    line = ProductLineFactory(code="WL")
    pipeline = make_pipeline(product_line=line, name="赢丢流程")
    price = WinLossReasonFactory(kind="won", name="价格优势")
    relation = WinLossReasonFactory(kind="won", name="客户关系")
    too_dear = WinLossReasonFactory(kind="lost", name="价格太高")
    alpha, beta = CompetitorFactory(name="甲对手"), CompetitorFactory(name="=HYPERLINK(\"http://x\",\"乙对手\")")
    spring = local(2026, 4, 15)
    deals = {
        "won_price_1": make_deal(pipeline, world.seller1, WON, amount="100000.00", reason=price, closed=spring,
                                 competitors=[alpha]),
        "won_price_2": make_deal(pipeline, world.seller2, WON, amount="50000.00", reason=price, closed=spring,
                                 competitors=[alpha, beta]),
        "won_relation": make_deal(pipeline, world.seller3, WON, amount="30000.00", reason=relation, closed=spring),
        "won_no_reason": make_deal(pipeline, world.south_seller, WON, amount="7000.00", closed=spring),
        "lost_dear_alpha": make_deal(pipeline, world.seller1, LOST, amount="80000.00", reason=too_dear,
                                     closed=spring, won_by=alpha, competitors=[alpha]),
        "lost_dear_beta": make_deal(pipeline, world.south_seller, LOST, amount="60000.00", reason=too_dear,
                                    closed=spring, won_by=beta),  # beta not recorded on the deal
        "lost_last_year": make_deal(pipeline, world.seller1, LOST, amount="1.00", reason=too_dear,
                                    created=local(2025, 5, 1), closed=local(2025, 6, 1), won_by=alpha,
                                    competitors=[alpha]),
        "open_alpha": make_deal(pipeline, world.seller1, OPEN, amount="20000.00", competitors=[alpha]),
        "pending": make_deal(pipeline, world.seller1, WON, amount="999.00", reason=price, closed=spring,
                             registration="pending_review", competitors=[alpha]),
    }
    return {"pipeline": pipeline, "deals": deals, "price": price, "relation": relation, "too_dear": too_dear,
            "alpha": alpha, "beta": beta}


Q2 = {"date_from": datetime.date(2026, 4, 1), "date_to": datetime.date(2026, 6, 30)}
YEAR = {"date_from": datetime.date(2026, 1, 1), "date_to": datetime.date(2026, 12, 31)}


def test_win_loss_reasons_per_reason_in_the_period(world, closed_deals):
    with translation.override("en"):
        rows = win_loss_reasons(world.ceo, **Q2)
    got = {(row["status"], row["reason_name"]): (row["count"], row["amount"]) for row in rows}
    assert got == {
        ("won", "价格优势"): (2, Decimal("150000.00")),
        ("won", "客户关系"): (1, Decimal("30000.00")),
        ("won", "No reason given"): (1, Decimal("7000.00")),
        ("lost", "价格太高"): (2, Decimal("140000.00")),
    }
    assert [row["status"] for row in rows] == ["won", "won", "won", "lost"]
    assert rows[0]["share"] == pytest.approx(2 / 4)
    # Closed last year: only in last year's report.
    last_year = win_loss_reasons(world.ceo, date_from=datetime.date(2025, 1, 1), date_to=datetime.date(2025, 12, 31))
    assert [(row["reason_name"], row["count"]) for row in last_year] == [("价格太高", 1)]


def test_win_loss_scope_and_filters(world, closed_deals):
    rows = win_loss_reasons(world.branch_manager, **Q2)  # N-Branch1: seller1, seller2
    assert {(row["status"], row["reason_name"]): row["count"] for row in rows} == {
        ("won", "价格优势"): 2, ("lost", "价格太高"): 1}
    rows = win_loss_reasons(world.ceo, org_unit=world.units["south"], **Q2)
    assert {(row["status"], row["count"]) for row in rows} == {("won", 1), ("lost", 1)}
    assert win_loss_reasons(world.ceo, product_line=ProductLineFactory(), **Q2) == []


def test_competitor_analysis(world, closed_deals):
    rows = {row["name"]: row for row in competitor_analysis(world.ceo, **YEAR)}
    alpha = rows["甲对手"]
    assert (alpha["met"], alpha["won"], alpha["lost"], alpha["open"]) == (4, 2, 1, 1)
    assert alpha["win_rate"] == pytest.approx(2 / 3)
    assert alpha["amount"] == Decimal("250000.00")
    assert (alpha["won_amount"], alpha["lost_amount"]) == (Decimal("150000.00"), Decimal("80000.00"))
    assert alpha["their_price"] == Decimal("90000.00")
    assert (alpha["lost_to"], alpha["lost_to_amount"]) == (1, Decimal("80000.00"))
    beta = rows[closed_deals["beta"].name]
    assert (beta["met"], beta["won"], beta["lost"], beta["win_rate"]) == (1, 1, 0, 1.0)
    assert (beta["lost_to"], beta["lost_to_amount"]) == (1, Decimal("60000.00"))
    # Scope: the branch manager sees N-Branch1's deals only (seller1, seller2).
    mine = {row["name"]: row for row in competitor_analysis(world.branch_manager, **YEAR)}
    assert (mine["甲对手"]["met"], mine["甲对手"]["lost_to"]) == (4, 1)
    assert (mine[closed_deals["beta"].name]["met"], mine[closed_deals["beta"].name]["lost_to"]) == (1, 0)
    south = {row["name"]: row for row in competitor_analysis(world.south_seller, **YEAR)}
    assert set(south) == {closed_deals["beta"].name} and south[closed_deals["beta"].name]["met"] == 0
    # Last year's deal only in last year's cohort.
    last = competitor_analysis(world.ceo, date_from=datetime.date(2025, 1, 1), date_to=datetime.date(2025, 12, 31))
    assert [(row["name"], row["met"], row["lost_to"]) for row in last] == [("甲对手", 1, 1)]


@pytest.mark.parametrize("path", ["/reports/sales.win_loss/", "/reports/sales.competitors/"])
@pytest.mark.parametrize("user", ["ceo", "branch_manager", "seller1"])
def test_report_numbers_open_exactly_the_counted_rows(client, world, closed_deals, path, user):
    client.force_login(world.users[user])
    response = client.get(path, {"period": "custom", "date_from": "2026-01-01", "date_to": "2026-12-31"})
    assert response.status_code == 200
    links = drilldowns(response.content.decode())
    assert links
    for url, number in links:
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert listed.context["count"] == number, (url, number, listed.context["count"])


def test_report_export_is_the_table_with_no_live_formula(client, world, closed_deals):
    client.force_login(world.ceo)
    response = client.get("/reports/sales.competitors/", {"period": "all", "date_from": "", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    with translation.override("zh-hans"):
        labels = [str(column.label) + (" (%)" if column.kind == "percent" else "") for column in COMPETITOR_COLUMNS]
    assert list(rows[0]) == labels
    assert len(rows) == 1 + 2  # a row per competitor, as on the page
    names = [row[0] for row in rows[1:]]
    assert "'" + closed_deals["beta"].name in names  # neutralised: text, not a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    csv = client.get("/reports/sales.win_loss/", {"period": "all", "export": "csv"})
    assert csv.status_code == 200 and "价格太高" in b"".join(csv.streaming_content).decode("utf-8-sig")


def test_export_needs_the_export_grant(client, world, closed_deals):
    client.force_login(world.reader)  # view on everything, no export
    assert client.get("/reports/sales.competitors/", {"period": "all"}).status_code == 200
    assert client.get("/reports/sales.competitors/", {"period": "all", "export": "xlsx"}).status_code == 403
    assert client.get("/reports/sales.competitors/", {"export": "pdf"}).status_code == 400


def test_reports_menu_lists_what_the_user_may_open(client, world):
    client.force_login(world.seller1)
    page = client.get("/reports/").content.decode()
    for url in ("/sales/funnel/", "/reports/sales.win_loss/", "/reports/sales.competitors/"):
        assert url in page
        assert url in client.get("/").content.decode()  # the "Reports" menu
    client.force_login(world.nobody)
    assert "/reports/sales.win_loss/" not in client.get("/reports/").content.decode()
    assert client.get("/reports/sales.win_loss/").status_code == 403
    assert client.get("/reports/no.such.report/").status_code == 404
