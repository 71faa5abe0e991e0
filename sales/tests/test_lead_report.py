"""The lead-source conversion report: figures against counts computed here from the raw rows (who
sees what written out by hand: the CEO everything, the north manager the North units, a seller
their own), filters, drill-down links that list the same rows, chart and Excel export."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from org.tests.factories import ProductLineFactory
from sales.models import Lead, Opportunity
from sales.reports_leads import lead_source_conversion
from sales.tests.factories import LeadFactory, LeadSourceFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))


@pytest.fixture
def data(world):
    web, fair = LeadSourceFactory(name="网站", order=1), LeadSourceFactory(name="展会", order=2)
    line_a, line_b = ProductLineFactory(name="机床"), ProductLineFactory(name="刀具")
    plan = [  # owner, source, status, line, day offset
        ("seller1", web, "new", line_a, 0), ("seller1", web, "qualified", line_a, 1),
        ("seller1", web, "converted", line_b, 2), ("seller1", fair, "disqualified", line_a, 3),
        ("seller2", web, "converted", line_a, 0), ("seller2", fair, "working", line_b, 40),
        ("seller3", fair, "converted", line_a, 5), ("south_seller", web, "converted", line_a, 1),
        ("south_seller", None, "new", line_b, 2), ("branch_manager", web, "qualified", line_b, -30),
    ]
    leads = []
    for owner, source, status, line, offset in plan:
        lead = LeadFactory(owner=world.users[owner], source=source, status=status, product_line=line,
                           disqualify_reason="不合适" if status == "disqualified" else "")
        Lead.objects.filter(pk=lead.pk).update(created_at=at(DAY + datetime.timedelta(days=offset)))
        leads.append(Lead.objects.get(pk=lead.pk))
    deals = []
    for owner, source, status, amount, line, offset in [
        ("seller1", web, "won", "100000", line_a, 2), ("seller1", web, "open", "50000", line_a, 3),
        ("seller2", web, "won", "70000", line_b, 1), ("seller3", fair, "won", "20000", line_a, 6),
        ("south_seller", web, "won", "90000", line_a, 2), ("seller1", None, "won", "5000", line_a, 2),
        ("seller2", fair, "lost", "8000", line_a, 50),
    ]:
        deal = OpportunityFactory(owner=world.users[owner], source=source, amount=Decimal(amount), product_line=line)
        Opportunity.objects.filter(pk=deal.pk).update(status=status,
                                                      created_at=at(DAY + datetime.timedelta(days=offset)))
        deals.append(Opportunity.objects.get(pk=deal.pk))
    return {"web": web, "fair": fair, "line_a": line_a, "line_b": line_b, "leads": leads, "deals": deals}


def sees(world, name, row):
    """Who sees a row, written out for the three readers of these tests."""
    if name == "ceo":
        return True
    if name == "north_manager":
        north = {world.units[key].pk for key in ("north", "nb1", "nd1", "nb2")}
        return row.org_unit_id in north
    return row.owner_id == world.users[name].pk


def expected(world, name, data, start=None, end=None, line=None, unit_ids=None):
    def keep(row):
        day = timezone.localtime(row.created_at).date()
        return (sees(world, name, row) and (start is None or day >= start) and (end is None or day <= end)
                and (line is None or row.product_line_id == line.pk)
                and (unit_ids is None or row.org_unit_id in unit_ids))
    found = {}
    for lead in filter(keep, data["leads"]):
        row = found.setdefault(lead.source_id, dict.fromkeys(
            ("leads", "qualified", "converted", "opportunities", "won"), 0) | {"won_amount": Decimal("0")})
        row["leads"] += 1
        row["qualified"] += lead.status in ("qualified", "converted")
        row["converted"] += lead.status == "converted"
    for deal in filter(keep, data["deals"]):
        row = found.setdefault(deal.source_id, dict.fromkeys(
            ("leads", "qualified", "converted", "opportunities", "won"), 0) | {"won_amount": Decimal("0")})
        row["opportunities"] += 1
        if deal.status == "won":
            row["won"] += 1
            row["won_amount"] += deal.amount
    return found


def figures(report):
    keys = ("leads", "qualified", "converted", "opportunities", "won", "won_amount")
    return {(row["source"].pk if row["source"] else None): {key: row[key] for key in keys} for row in report["rows"]}


@pytest.mark.parametrize("name", ["ceo", "north_manager", "seller1"])
def test_figures_match_the_rows_each_reader_may_see(world, data, name):
    report = lead_source_conversion(world.users[name])
    assert figures(report) == expected(world, name, data)
    total = report["total"]
    assert total["leads"] == sum(row["leads"] for row in expected(world, name, data).values())
    if total["leads"]:
        assert total["conversion"] == round(Decimal(total["converted"]) * 100 / total["leads"], 1)


def test_filters_period_unit_and_product_line(world, data):
    start, end = DAY, DAY + datetime.timedelta(days=5)
    report = lead_source_conversion(world.ceo, date_from=start, date_to=end, product_line=data["line_a"])
    assert figures(report) == expected(world, "ceo", data, start, end, data["line_a"])
    nb1 = {world.units["nb1"].pk, world.units["nd1"].pk}
    report = lead_source_conversion(world.ceo, org_unit=world.units["nb1"])
    assert figures(report) == expected(world, "ceo", data, unit_ids=nb1)
    web = figures(lead_source_conversion(world.ceo, date_from=start, date_to=end))[data["web"].pk]
    assert (web["leads"], web["converted"], web["won"], web["won_amount"]) == (5, 3, 3, Decimal("260000"))


def test_page_chart_drill_down_and_export(client, world, data):
    client.force_login(world.north_manager)
    url = reverse("sales:report_lead_sources")
    query = {"date_from": "2026-03-01", "date_to": "2026-03-31", "product_line": data["line_a"].pk}
    page = client.get(url, query)
    body = page.content.decode()
    assert page.status_code == 200 and 'class="kd-chart"' in body and 'data-testid="report-table"' in body
    web = next(row for row in page.context["report"]["rows"] if row["source"] == data["web"])
    # Each figure links to the list filtered the same way, which counts the same rows.
    for key, list_name in (("leads", "lead_list"), ("qualified", "lead_list"), ("converted", "lead_list"),
                           ("opportunities", "opportunity_list"), ("won", "opportunity_list")):
        link = web["links"][key]
        assert link.startswith(reverse(f"sales:{list_name}")) and f'href="{link.replace("&", "&amp;")}"' in body
        listed = client.get(link)
        assert listed.status_code == 200 and listed.context["count"] == web[key], key
    export = client.get(url, {**query, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("来源", "线索", "已认定") or rows[0][0] in ("Source", "来源")
    exported = next(row for row in rows if row[0] == "网站")
    assert exported[1:4] == (web["leads"], web["qualified"], web["converted"])
    assert Decimal(str(exported[7])) == web["won_amount"]


def test_bad_filters_are_a_400_next_to_the_field(client, world, data):
    client.force_login(world.ceo)
    response = client.get(reverse("sales:report_lead_sources"), {"date_from": "2026-04-01", "date_to": "2026-03-01"})
    assert response.status_code == 400 and 'data-field-error="date_to"' in response.content.decode()
    response = client.get(reverse("sales:report_lead_sources"), {"org_unit": "99999999"})
    assert response.status_code == 400


def test_the_report_needs_the_lead_grant(client, world):
    client.force_login(world.nobody)
    assert client.get(reverse("sales:report_lead_sources")).status_code == 403
