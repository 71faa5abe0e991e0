"""A customer's level history (written whatever path changed the level) and the statistics page
(industry × level × region, scoped to what the user sees)."""

import csv
import io

import pytest
from django.test import Client

from core.services import object_save
from customers import regions
from customers.models import Customer, Level, LevelChange
from customers.stats import customer_stats
from customers.tests.factories import CustomerFactory, industry


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def history(customer):
    return list(LevelChange.objects.filter(customer=customer).order_by("changed_at", "pk")
                .values_list("from_level", "to_level", "changed_by"))


# --- level history ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_created_and_changed_on_the_page(world):
    seller = world.seller1
    client = client_for(seller)
    response = client.post("/customers/add/", {"name": "层级甲有限公司", "kind": "company", "level": "potential"})
    assert response.status_code == 302
    customer = Customer.objects.get(name="层级甲有限公司")
    assert history(customer) == [("", "potential", seller.pk)]
    response = client.post(f"/customers/{customer.pk}/edit/", {"name": "层级甲有限公司", "kind": "company",
                                                                "level": "prospect", "version": customer.version})
    assert response.status_code == 302
    assert history(customer)[-1] == ("potential", "prospect", seller.pk)
    # A save that leaves the level alone adds nothing.
    customer.refresh_from_db()
    client.post(f"/customers/{customer.pk}/edit/", {"name": "层级甲改名有限公司", "kind": "company",
                                                     "level": "prospect", "version": customer.version})
    assert len(history(customer)) == 2
    # Shown on the customer page.
    panel = client.get(f"/panels/customers.customer/{customer.pk}/level-history/").content.decode()
    assert 'data-testid="level-history"' in panel and "准客户" in panel or "Prospect" in panel


@pytest.mark.django_db
def test_changed_through_the_api(world):
    seller = world.seller1
    customer = CustomerFactory(owner=seller)
    client = client_for(seller)
    url = f"/api/customers/customers/{customer.pk}/"
    response = client.patch(url, {"level": "customer"}, content_type="application/json",
                            HTTP_IF_MATCH=client.get(url)["ETag"])
    assert response.status_code == 200
    assert history(customer) == [("potential", "customer", seller.pk)]
    # A refused write leaves no history.
    response = client.patch(url, {"level": "prospect", "province": "火星"}, content_type="application/json",
                            HTTP_IF_MATCH=response["ETag"])
    assert response.status_code == 400
    assert len(history(customer)) == 1


@pytest.mark.django_db
def test_changed_by_bulk_edit(world):
    seller = world.seller1
    rows = [CustomerFactory(owner=seller) for _ in range(3)]
    client = client_for(seller)
    response = client.post("/customers/bulk-edit/", {"pk": [row.pk for row in rows], "level": "prospect",
                                                     "_apply": "1"})
    assert response.status_code == 302
    for row in rows:
        assert history(row) == [("potential", "prospect", seller.pk)]


@pytest.mark.django_db
def test_changed_by_a_service_call(world):
    """Imports and merges call object_save: the history follows without their knowing of it."""
    seller = world.seller1
    customer = CustomerFactory(owner=seller, level=Level.PROSPECT)
    customer.level = Level.CUSTOMER
    object_save(instance=customer, actor=seller)
    assert history(customer) == [("prospect", "customer", seller.pk)]


@pytest.mark.django_db
def test_someone_outside_the_scope_cannot_read_the_history(world):
    customer = CustomerFactory(owner=world.seller1)
    response = client_for(world.south_seller).get(f"/panels/customers.customer/{customer.pk}/level-history/")
    assert response.status_code == 404


# --- statistics ---------------------------------------------------------------------------------


@pytest.fixture
def spread(world):
    """seller1's and south_seller's customers in two industries, three levels, two provinces."""
    made = {}
    for key, owner, code, level, province, city in [
        ("car", world.seller1, "36", Level.CUSTOMER, "广东省", "深圳市"),
        ("maker", world.seller1, "C", Level.POTENTIAL, "广东省", "广州市"),
        ("soft", world.seller1, "65", Level.PROSPECT, "北京市", "北京市"),
        ("bare", world.seller1, None, Level.POTENTIAL, "", ""),
        ("south", world.south_seller, "36", Level.CUSTOMER, "广东省", "深圳市"),
    ]:
        made[key] = CustomerFactory(owner=owner, industry=industry(code) if code else None, level=level,
                                    province=province, city=city,
                                    region_code=regions.resolve(province, city)[3])
    return made


def cells(stats):
    return {(row["industry"], row["region"]): row["counts"] + [row["total"]] for row in stats["rows"]}


@pytest.mark.django_db
def test_stats_by_section_level_and_province(world, spread):
    stats = customer_stats(world.seller1)
    # Levels in pyramid order: potential, prospect, customer; then the total.
    assert cells(stats) == {("C", "广东省"): [1, 0, 1, 2], ("I", "北京市"): [0, 1, 0, 1], ("", ""): [1, 0, 0, 1]}
    assert stats["total"] == 4


@pytest.mark.django_db
def test_a_sellers_stats_exclude_what_they_cannot_see(world, spread):
    assert customer_stats(world.south_seller)["total"] == 1
    assert customer_stats(world.ceo)["total"] == 5
    assert cells(customer_stats(world.ceo))[("C", "广东省")] == [1, 0, 2, 3]
    page = client_for(world.seller1).get("/customers/stats/")
    assert page.status_code == 200
    table = page.content.decode()
    assert 'data-testid="stats-table"' in table and 'class="kd-chart"' in table
    assert "4" in table and "plotly" in table


@pytest.mark.django_db
def test_stats_drill_down_into_a_section_and_a_province(world, spread):
    section = industry("C")
    stats = customer_stats(world.seller1, province=regions.get("440000"), section=section)
    assert cells(stats) == {("36", "深圳市"): [0, 0, 1, 1], ("C", "广州市"): [1, 0, 0, 1]}
    page = client_for(world.seller1).get("/customers/stats/", {"province": "440000", "section": "C"})
    assert page.status_code == 200 and "深圳市" in page.content.decode()


@pytest.mark.django_db
def test_stats_export_has_the_table(world, spread):
    response = client_for(world.seller1).get("/customers/stats/", {"province": "440000", "export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert sorted(row[1:] for row in rows[1:]) == [["广州市", "1", "0", "0", "1"], ["深圳市", "0", "0", "1", "1"]]


@pytest.mark.django_db
def test_stats_bad_input_and_permissions(world, spread):
    client = client_for(world.seller1)
    for params in ({"province": "999999"}, {"section": "ZZ"}, {"province": "<b>"}, {"section": "36"}):
        response = client.get("/customers/stats/", params)
        assert response.status_code == 400
    assert client_for(world.nobody).get("/customers/stats/").status_code == 403
    assert Client().get("/customers/stats/").status_code == 302


@pytest.mark.django_db
def test_level_changes_count_in_the_stats(world):
    seller = world.seller1
    mine = CustomerFactory(owner=seller)
    theirs = CustomerFactory(owner=world.south_seller)
    for customer, actor in ((mine, seller), (theirs, world.south_seller)):
        customer.level = Level.PROSPECT
        object_save(instance=customer, actor=actor)
    page = client_for(seller).get("/customers/stats/").content.decode()
    block = page[page.index('data-testid="level-change-stats"'):]
    assert ">1<" in block and ">2<" not in block
