"""The collision log, report, side-by-side view and registration panel: what each reader sees."""

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from core.testing.world import build_world
from customers.tests.factories import CustomerFactory
from org.tests.factories import ProductLineFactory
from sales.models import Collision, Opportunity
from sales.tests.factories import OpportunityFactory, default_pipeline

pytestmark = pytest.mark.django_db

FIRST_NAME, LATER_NAME = "宝钢热轧产线改造一期", "宝钢热轧二期自动化"
FIRST_CUSTOMER = "上海宝钢信息科技有限公司"


def make_collision(new, existing, *, status="pending", reasons=("duplicate_customer", "same_product_line")):
    return Collision.objects.create(
        opportunity=new, existing=existing, reasons=list(reasons), customer_score=100.0,
        product_line=new.product_line, org_unit=new.org_unit, existing_org_unit=existing.org_unit, status=status,
        created_at=timezone.now(), created_by=new.owner)


@pytest.fixture
def scene():
    """seller1 (北京销售一部) registered first; seller3 (天津分公司) later, on a duplicate of the customer."""
    world = build_world()
    default_pipeline()
    line = ProductLineFactory(code="DCS", name="过程控制")
    u = world.users
    first = OpportunityFactory(owner=u["seller1"], customer=CustomerFactory(name=FIRST_CUSTOMER, owner=u["seller1"]),
                               product_line=line, name=FIRST_NAME, amount=8_800_000)
    later = OpportunityFactory(owner=u["seller3"], customer=CustomerFactory(name="上海宝钢信息科技股份公司",
                                                                            owner=u["seller3"]),
                               product_line=line, name=LATER_NAME, registration_status="pending_review")
    collision = make_collision(later, first)
    return world, first, later, collision


def _page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_the_later_seller_sees_the_log_row_without_the_other_deal(client, scene):
    world, first, later, _collision = scene
    html = _page(client, world.users["seller3"], "/sales/collisions/")
    assert LATER_NAME in html
    assert FIRST_NAME not in html and FIRST_CUSTOMER not in html and "8,800,000" not in html
    assert str(world.users["seller1"]) in html and "北京销售一部" in html  # whose it is, and the unit
    # The first seller sees their own deal and only the owner of the later one.
    html = _page(client, world.users["seller1"], "/sales/collisions/")
    assert FIRST_NAME in html and LATER_NAME not in html and "天津分公司" in html
    # Someone involved in neither deal sees no row; the CEO (all opportunities) sees both.
    assert LATER_NAME not in _page(client, world.users["south_seller"], "/sales/collisions/")
    html = _page(client, world.users["ceo"], "/sales/collisions/")
    assert FIRST_NAME in html and LATER_NAME in html


def test_searching_the_log_for_a_hidden_deal_finds_nothing(client, scene):
    world, *_ = scene
    client.force_login(world.users["seller3"])
    assert 'data-testid="empty-list"' in client.get("/sales/collisions/", {"q": "宝钢热轧产线"}).content.decode()
    assert LATER_NAME in client.get("/sales/collisions/", {"q": "二期"}).content.decode()


def test_log_filters_and_a_bad_filter(client, scene):
    world, first, later, _collision = scene
    client.force_login(world.users["ceo"])
    assert LATER_NAME in client.get("/sales/collisions/", {"status": "pending"}).content.decode()
    assert 'data-testid="empty-list"' in client.get("/sales/collisions/", {"status": "approved"}).content.decode()
    assert LATER_NAME in client.get("/sales/collisions/", {"org_unit": world.units["nb2"].pk}).content.decode()
    assert LATER_NAME in client.get("/sales/collisions/", {"org_unit": world.units["nd1"].pk}).content.decode()
    south = client.get("/sales/collisions/", {"org_unit": world.units["south"].pk}).content.decode()
    assert 'data-testid="empty-list"' in south
    response = client.get("/sales/collisions/", {"found_from": "2026-02-30"})
    assert response.status_code == 400 and 'data-field-error="found_from"' in response.content.decode()


def test_the_export_hides_the_other_deal_too(client, scene):
    world, *_ = scene
    client.force_login(world.users["seller3"])
    response = client.get("/sales/collisions/", {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    assert LATER_NAME in cells and FIRST_NAME not in cells and FIRST_CUSTOMER not in cells
    assert str(world.users["seller1"]) in cells


def test_api_list_and_retrieve(client, scene):
    world, first, later, collision = scene
    client.force_login(world.users["seller3"])
    rows = client.get("/api/sales/collisions/").json()["results"]
    assert len(rows) == 1
    row = rows[0]
    assert row["opportunity"] == {"visible": True, "id": later.pk, "name": LATER_NAME,
                                  "customer_name": "上海宝钢信息科技股份公司", "owner_name": str(later.owner),
                                  "owner_unit_name": "天津分公司"}
    assert row["existing"] == {"visible": False, "id": None, "name": None, "customer_name": None,
                               "owner_name": str(world.users["seller1"]), "owner_unit_name": "北京销售一部"}
    assert row["status"] == "pending" and row["reasons"] == ["duplicate_customer", "same_product_line"]
    assert client.get(f"/api/sales/collisions/{collision.pk}/").json()["existing"]["visible"] is False
    assert client.get("/api/sales/collisions/", {"status": "rejected"}).json()["results"] == []
    assert client.get("/api/sales/collisions/", {"ordering": "nonsense"}).status_code == 400
    client.force_login(world.users["south_seller"])
    assert client.get(f"/api/sales/collisions/{collision.pk}/").status_code == 404
    assert client.get("/api/sales/collisions/").json()["results"] == []
    assert client.post("/api/sales/collisions/", {}, content_type="application/json").status_code in (403, 405)


def test_side_by_side_shows_each_reader_what_they_may_see(client, scene):
    world, first, later, _collision = scene
    url = f"/sales/collisions/opportunity/{later.pk}/compare/"
    html = _page(client, world.users["seller3"], url)
    assert LATER_NAME in html and FIRST_NAME not in html and FIRST_CUSTOMER not in html
    html = _page(client, world.users["ceo"], url)
    assert LATER_NAME in html and FIRST_NAME in html and FIRST_CUSTOMER in html and "8,800,000" in html
    _page(client, world.users["south_seller"], url, status=404)
    _page(client, world.users["ceo"], "/sales/collisions/opportunity/99999999999999999999/compare/", status=404)


def test_the_registration_panel_on_both_deals(client, scene):
    world, first, later, _collision = scene
    html = _page(client, world.users["seller3"], later.get_absolute_url())
    assert 'data-testid="registration-banner" data-registration="pending_review"' in html
    assert FIRST_NAME not in html and str(world.users["seller1"]) in html
    html = _page(client, world.users["seller1"], first.get_absolute_url())
    assert 'data-testid="registration-collisions"' in html and 'data-testid="registration-banner"' not in html
    assert LATER_NAME not in html and "天津分公司" in html
    # A registered opportunity that never collided has no panel.
    other = OpportunityFactory(owner=world.users["seller1"])
    assert 'data-testid="registration-panel"' not in _page(client, world.users["seller1"], other.get_absolute_url())
    Opportunity.objects.filter(pk=later.pk).update(registration_status="rejected")
    Collision.objects.update(status="rejected", comment="甲方已确认由北京跟进")
    html = _page(client, world.users["seller3"], later.get_absolute_url())
    assert 'data-registration="rejected"' in html and "甲方已确认由北京跟进" in html


def test_report_counts_charts_drills_down_and_exports(client, scene):
    world, first, later, _collision = scene
    third = OpportunityFactory(owner=world.users["seller2"], customer=first.customer, product_line=first.product_line)
    make_collision(third, first, status="rejected", reasons=("same_customer", "same_product_line"))
    client.force_login(world.users["ceo"])
    html = client.get("/sales/collisions/report/").content.decode()
    assert 'data-testid="report-totals"' in html and 'class="kd-chart"' in html
    assert 'data-status="pending"><dt>' in html
    month = timezone.localtime().strftime("%Y-%m")
    assert month in html and "过程控制" in html and "天津分公司" in html and "北京销售一部" in html
    assert "/sales/collisions/?" in html and "status=rejected" in html  # drill-down to the log
    # The seller who registered later counts only what they may see: their own collision.
    client.force_login(world.users["seller3"])
    response = client.get("/sales/collisions/report/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[1][1] == month and rows[1][-1] == 1 and len(rows) == 4  # one month, one line, one unit
    assert client.get("/sales/collisions/report/", {"found_until": "not a date"}).status_code == 400
    html = client.get("/sales/collisions/report/", {"product_line": ProductLineFactory(code="NONE").pk}).content
    assert b'data-testid="report-empty"' in html
