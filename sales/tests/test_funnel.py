"""The funnel: figures and conversions against a constructed history, scope, filters, the page."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.services import share_add
from org.tests.factories import ProductLineFactory
from sales.reports.funnel import funnel
from sales.tests.factories import make_pipeline
from sales.tests.report_data import expected_funnel, local, make_deal

PATHS = [
    # (owner, path, amount, probability)
    ("seller1", ["线索确认"], "100000.00", None),
    ("seller1", ["线索确认", "需求分析"], "200000.00", 50),
    ("seller1", ["线索确认", "需求分析", "方案报价", "商务谈判", "赢单"], "300000.00", None),
    ("seller2", ["线索确认", "方案报价"], "400000.00", None),              # skipped 需求分析: passed through
    ("seller2", ["线索确认", "需求分析", "丢单"], "50000.00", None),       # lost after 需求分析
    ("seller3", ["需求分析", "方案报价", "商务谈判"], "70000.00", 90),     # another branch (N-Branch2)
    ("seller3", ["线索确认", "丢单"], None, None),                          # no amount
    ("south_seller", ["线索确认", "需求分析", "方案报价", "商务谈判", "丢单"], "90000.00", None),
    ("dept_head", ["线索确认", "需求分析", "方案报价", "需求分析"], "10000.00", None),  # moved back
    ("branch_manager", ["线索确认", "需求分析", "方案报价", "商务谈判", "赢单"], "120000.00", None),
]


@pytest.fixture
def history(world):
    line = ProductLineFactory(code="AUTO")
    pipeline = make_pipeline(product_line=line, name="自动化流程")
    deals = [make_deal(pipeline, world.users[owner], path, amount=amount, probability=probability)
             for owner, path, amount, probability in PATHS]
    return pipeline, deals


def by_name(rows):
    return {row["name"]: row for row in rows}


def check(rows, pipeline, deals):
    expected = expected_funnel(pipeline, deals)
    got = by_name(rows)
    assert set(got) == set(expected)
    for name, figures in expected.items():
        for key, value in figures.items():
            assert got[name][key] == value, (name, key, got[name][key], value)
    steps = [row for row in rows if row["kind"] != "lost"]
    for row, following in zip(steps, steps[1:], strict=False):
        assert row["conversion"] == (following["reached"] / row["reached"] if row["reached"] else None)


def test_funnel_figures_match_the_history(world, history):
    pipeline, deals = history
    rows = funnel(world.ceo, pipeline=pipeline)
    check(rows, pipeline, deals)
    got = by_name(rows)
    # Written out once, so that a wrong definition in both places would still show.
    assert [got[name]["reached"] for name in ("线索确认", "需求分析", "方案报价", "商务谈判", "赢单")] == [10, 8, 6, 4, 2]
    assert got["需求分析"]["conversion"] == pytest.approx(6 / 8)
    assert got["商务谈判"]["conversion"] == pytest.approx(2 / 4)
    assert got["需求分析"]["count"] == 2 and got["需求分析"]["amount"] == Decimal("210000.00")
    # 200,000 at the deal's own 50 % + 10,000 at the stage's 30 %.
    assert got["需求分析"]["weighted"] == Decimal("103000.00")
    assert got["丢单"]["reached"] is None and got["丢单"]["count"] == 3
    assert [row["kind"] for row in rows][-1] == "lost"


def test_funnel_is_two_aggregate_queries_however_many_deals(world, history):
    pipeline, deals = history
    funnel(world.ceo, pipeline=pipeline)  # warm the permission look-ups
    with CaptureQueriesContext(connection) as few:
        funnel(world.ceo, pipeline=pipeline)
    for index in range(10):
        make_deal(pipeline, world.seller1, ["线索确认", "需求分析"], amount=str(1000 + index))
    with CaptureQueriesContext(connection) as many:
        funnel(world.ceo, pipeline=pipeline)
    assert len(many.captured_queries) == len(few.captured_queries)
    selects = [q["sql"] for q in many.captured_queries if "sales_opportunity" in q["sql"]]
    assert len(selects) == 2


def test_a_branch_managers_funnel_never_counts_another_branch(world, history):
    pipeline, deals = history
    nb1 = {world.units["nb1"].pk, world.units["nd1"].pk}
    mine = [deal for deal in deals if deal.org_unit_id in nb1]
    assert 0 < len(mine) < len(deals)
    check(funnel(world.branch_manager, pipeline=pipeline), pipeline, mine)
    # Asking for another unit does not widen it: North's subtree, as the branch manager, is still nb1.
    check(funnel(world.branch_manager, pipeline=pipeline, org_unit=world.units["north"]), pipeline, mine)
    check(funnel(world.branch_manager, pipeline=pipeline, org_unit=world.units["south"]), pipeline, [])


def test_a_sellers_funnel_counts_their_own_and_what_is_shared_with_them(world, history):
    pipeline, deals = history
    shared = next(deal for deal in deals if deal.owner == world.seller2)
    share_add(instance=shared, actor=world.ceo, employee=world.seller1)
    expected = [deal for deal in deals if deal.owner == world.seller1] + [shared]
    check(funnel(world.seller1, pipeline=pipeline), pipeline, expected)
    check(funnel(world.south_seller, pipeline=pipeline), pipeline,
          [deal for deal in deals if deal.owner == world.south_seller])
    assert all(row["count"] == 0 and not row["reached"] for row in funnel(world.nobody, pipeline=pipeline))


def test_filters_org_unit_product_line_period_and_registration(world, history):
    pipeline, deals = history
    north = world.units["north"]
    in_north = [deal for deal in deals if deal.owner != world.south_seller]
    check(funnel(world.ceo, pipeline=pipeline, org_unit=north), pipeline, in_north)
    # The pipeline of a product line is chosen from the line.
    check(funnel(world.ceo, product_line=pipeline.product_line), pipeline, deals)
    other_line = ProductLineFactory(code="OTHER")
    odd = make_deal(pipeline, world.seller1, ["线索确认"], product_line=other_line)
    check(funnel(world.ceo, pipeline=pipeline, product_line=other_line), pipeline, [odd])
    # Period: deals created in it (the history was made on 2026-03-10).
    late = make_deal(pipeline, world.seller1, ["线索确认", "需求分析"], created=local(2026, 7, 1, 0))
    check(funnel(world.ceo, pipeline=pipeline, date_from=datetime.date(2026, 7, 1),
                 date_to=datetime.date(2026, 7, 31)), pipeline, [late])
    check(funnel(world.ceo, pipeline=pipeline, date_to=datetime.date(2026, 6, 30)), pipeline, [*deals, odd])
    # A deal pending collision review is not in the funnel.
    make_deal(pipeline, world.seller1, ["线索确认"], registration="pending_review")
    check(funnel(world.ceo, pipeline=pipeline, date_to=datetime.date(2026, 6, 30)), pipeline, [*deals, odd])


DRILL = re.compile(r'<a href="([^"]+)" data-drilldown>([^<]+)</a>')


def drilldowns(content):
    return [(html.unescape(url), int(text.replace(",", ""))) for url, text in DRILL.findall(content)]


@pytest.mark.parametrize("user", ["ceo", "branch_manager", "seller1"])
def test_funnel_page_numbers_open_exactly_the_counted_rows(client, world, history, user):
    pipeline, deals = history
    client.force_login(world.users[user])
    response = client.get("/sales/funnel/", {"pipeline": pipeline.pk, "period": "all"})
    assert response.status_code == 200
    links = drilldowns(response.content.decode())
    assert links
    for url, number in links:
        listed = client.get(url)
        assert listed.status_code == 200, url
        assert listed.context["count"] == number, (url, number, listed.context["count"])
    assert 'data-testid="report-chart"' in response.content.decode()


def test_funnel_page_filters_and_errors(client, world, history):
    pipeline, _deals = history
    client.force_login(world.ceo)
    response = client.get("/sales/funnel/", {"period": "custom", "date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert response.status_code == 400
    assert 'data-field-error="date_to"' in response.content.decode()
    response = client.get("/sales/funnel/", {"org_unit": "not-a-unit"})
    assert response.status_code == 400 and 'data-field-error="org_unit"' in response.content.decode()
    response = client.get("/sales/funnel/", {"pipeline": pipeline.pk, "period": "this_month"})
    assert response.status_code == 200
    # The report registry's own address of the funnel leads to its page.
    response = client.get("/reports/sales.funnel/?period=all")
    assert response.status_code == 302 and response["Location"] == "/sales/funnel/?period=all"


def test_funnel_page_needs_the_view_grant(client, world):
    client.force_login(world.nobody)
    assert client.get("/sales/funnel/").status_code == 403
    menu = client.get("/").content.decode()
    assert "/sales/funnel/" not in menu
    client.force_login(world.seller1)
    assert "/sales/funnel/" in client.get("/").content.decode()
