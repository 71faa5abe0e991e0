"""The 360° customer page: tabs, key figures, the paged timeline, the relationship map."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import registry
from core.models import ObjectChange
from core.services import object_save
from core.timeline import Cursor, before_q
from customers.models import Contact, Customer
from customers.tests.factories import (
    ContactEmployeeRelationFactory,
    ContactFactory,
    ContactRelationFactory,
    CustomerFactory,
)

pytestmark = pytest.mark.django_db


def add_changes(obj, count, *, time=None, step=timedelta(seconds=1)):
    """`count` audit rows on `obj`, newest at `time`; step 0 gives them all the same time."""
    content_type = ContentType.objects.get_for_model(obj.__class__)
    rows = ObjectChange.objects.bulk_create(
        ObjectChange(action="update", content_type=content_type, object_id=obj.pk, object_repr=str(obj),
                     user_name="bench", prechange_data={"notes": f"n{i}"}, postchange_data={"notes": f"n{i + 1}"})
        for i in range(count))
    time = time or timezone.now()
    for index, row in enumerate(rows):
        ObjectChange.objects.filter(pk=row.pk).update(time=time - step * index)
    return rows


def api_timeline(client, customer, before=None, limit=None):
    params = {k: v for k, v in (("before", before), ("limit", limit)) if v is not None}
    return client.get(f"/api/customers/customers/{customer.pk}/timeline/", params)


def walk(client, customer, limit=7):
    seen, before = [], None
    for _ in range(200):
        response = api_timeline(client, customer, before, limit)
        assert response.status_code == 200, response.content
        body = response.json()
        assert len(body["results"]) <= limit
        seen += [(e["kind"], e["id"], e["time"]) for e in body["results"]]
        before = body["next"]
        if not before:
            return seen
    raise AssertionError("the timeline never ended")


@pytest.fixture
def customer(world):
    return CustomerFactory(owner=world.seller1, name="华东电网有限公司")


def test_page_has_tabs_key_figures_and_lazy_sections(world, client, customer):
    ContactFactory(customer=customer, decision_role="decision_maker")
    ContactFactory(customer=customer)
    client.force_login(world.seller1)
    page = client.get(customer.get_absolute_url()).content.decode()
    for tab in ("tab-overview", "tab-timeline", "tab-relationships", "tab-history"):
        assert f'id="{tab}"' in page
    assert reverse("customers:customer_timeline", args=[customer.pk]) in page
    assert reverse("customers:customer_relationships", args=[customer.pk]) in page
    assert 'data-figure-key="customers.contacts"' in page
    figures = page.split('data-testid="key-figures"')[1].split("</ul>")[0]
    assert '<div class="fs-5 fw-semibold">2</div>' in figures  # two contacts
    assert '<div class="fs-5 fw-semibold">1</div>' in figures  # one decision maker


def test_a_registered_key_figure_shows_and_none_hides_it(world, client, customer):
    registry.register_key_figure(Customer, "test.open_deals", "Open deals", lambda user, obj: "¥1,200,000")
    registry.register_key_figure(Customer, "test.hidden", "Hidden figure", lambda user, obj: None)
    try:
        client.force_login(world.seller1)
        page = client.get(customer.get_absolute_url()).content.decode()
        assert "Open deals" in page and "¥1,200,000" in page
        assert "Hidden figure" not in page
    finally:
        registry._key_figures.pop((Customer, "test.open_deals"))
        registry._key_figures.pop((Customer, "test.hidden"))


def test_days_since_last_contact_shows_once_customers_carry_it(world, customer):
    from customers.customer_page import last_contact_figure

    if not hasattr(customer, "last_contacted_at"):
        assert last_contact_figure(world.seller1, customer) is None
        customer.last_contacted_at = None
    customer.last_contacted_at = timezone.now() - timedelta(days=12, hours=1)
    assert "12" in str(last_contact_figure(world.seller1, customer))


def test_timeline_pages_have_no_duplicates_and_no_gaps(world, client, customer):
    """Ties on time inside a source and across sources are broken by (source key, id)."""
    now = timezone.now().replace(microsecond=0)
    contacts = [ContactFactory(customer=customer) for _ in range(3)]
    Contact.objects.filter(customer=customer).update(created_at=now)  # same time as the changes below
    add_changes(customer, 15, time=now, step=timedelta(0))  # 15 changes at the same instant
    add_changes(customer, 10, time=now - timedelta(minutes=5))
    add_changes(contacts[0], 6, time=now - timedelta(minutes=1))
    client.force_login(world.seller1)
    seen = walk(client, customer, limit=7)
    assert len(seen) == len(set(seen)) == 15 + 10 + 6 + 3
    expected_changes = ObjectChange.objects.filter(
        content_type__model__in=["customer", "contact"],
        object_id__in=[customer.pk, *[c.pk for c in contacts]]).exclude(
        action="create", content_type__model="contact").count()
    assert len(seen) == expected_changes + 3
    assert [s[2] for s in seen] == sorted((s[2] for s in seen), reverse=True)
    assert sum(1 for s in seen if s[0] == "customers.contacts") == 3


def test_walking_with_page_size_one_returns_every_entry_once(world, client, customer):
    add_changes(customer, 5, step=timedelta(0))
    ContactFactory(customer=customer)
    client.force_login(world.seller1)
    one = walk(client, customer, limit=1)
    assert one == walk(client, customer, limit=100)
    assert len(one) == 5 + 1  # five changes, one contact added (factories write no audit row)


@pytest.mark.parametrize("cursor", [
    "abc", "~~", "2026-01-01T00:00:00~customers.changes~1", "1769846400000000~~1",
    "1769846400000000~customers.changes~-1", "1769846400000000~customers.changes~99999999999999999999999",
    "99999999999999999999999~customers.changes~1", "1769846400000000~customers.changes~1~2", "x" * 500,
    "1e5~customers.changes~1",
])
def test_a_bad_cursor_is_400_never_500(world, client, customer, cursor):
    client.force_login(world.seller1)
    response = api_timeline(client, customer, cursor)
    assert response.status_code == 400
    assert "before" in response.json()
    response = client.get(reverse("customers:customer_timeline", args=[customer.pk]), {"before": cursor})
    assert response.status_code == 400


def test_bad_limit_is_400_and_limit_is_capped(world, client, customer):
    add_changes(customer, 120)
    client.force_login(world.seller1)
    assert api_timeline(client, customer, limit="many").status_code == 400
    assert len(api_timeline(client, customer, limit=5000).json()["results"]) == 100
    assert len(api_timeline(client, customer, limit=0).json()["results"]) == 1


def test_timeline_follows_the_customer_scope(world, client, customer):
    add_changes(customer, 3)
    client.force_login(world.south_seller)
    assert api_timeline(client, customer).status_code == 404
    assert client.get(reverse("customers:customer_timeline", args=[customer.pk])).status_code == 404
    assert client.get(reverse("customers:customer_relationships", args=[customer.pk])).status_code == 404
    client.force_login(world.nobody)
    assert client.get(reverse("customers:customer_timeline", args=[customer.pk])).status_code == 403


def test_a_contact_moved_from_a_hidden_customer_does_not_name_it(world, client, customer):
    """The contact came from a customer seller1 may not see: its change shows "hidden", as the History panel."""
    hidden = CustomerFactory(owner=world.south_seller, name="南方机密客户")
    contact = ContactFactory(customer=hidden, name="赵总")
    contact.customer = customer
    object_save(instance=contact, actor=world.ceo)
    client.force_login(world.seller1)
    html = client.get(reverse("customers:customer_timeline", args=[customer.pk])).content.decode()
    assert "赵总" in html
    assert "南方机密客户" not in html
    assert customer.name in html
    client.force_login(world.ceo)
    html = client.get(reverse("customers:customer_timeline", args=[customer.pk])).content.decode()
    assert "南方机密客户" in html


def test_timeline_load_more_chains_pages(world, client, customer):
    add_changes(customer, 45)
    client.force_login(world.seller1)
    url = reverse("customers:customer_timeline", args=[customer.pk])
    first = client.get(url).content.decode()
    assert first.count('class="kedao-timeline-entry"') == 20
    assert 'data-testid="timeline-more"' in first
    more = first.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(more).content.decode()
    assert second.count('class="kedao-timeline-entry"') == 20
    assert "<ol" not in second  # appended into the first page's list
    third = client.get(second.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")).content.decode()
    assert third.count('class="kedao-timeline-entry"') == 5
    assert 'data-testid="timeline-more"' not in third


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_page_and_timeline_queries_do_not_grow_with_the_timeline(world, client):
    small = CustomerFactory(owner=world.seller1)
    large = CustomerFactory(owner=world.seller1)
    for customer, count in ((small, 5), (large, 400)):
        contacts = [ContactFactory(customer=customer) for _ in range(2)]
        add_changes(customer, count)
        add_changes(contacts[0], count // 5)
    client.force_login(world.seller1)
    for name in ("customers:customer_detail", "customers:customer_timeline", "customers:customer_relationships"):
        _queries(client, reverse(name, args=[small.pk]))  # warm caches (content types)
        assert _queries(client, reverse(name, args=[small.pk])) == _queries(client, reverse(name, args=[large.pk])), name


def test_before_q_orders_by_time_key_id():
    cursor = Cursor.decode("1767225600000001~b.source~10")
    assert cursor.encode() == "1767225600000001~b.source~10"
    assert cursor.time.isoformat() == "2026-01-01T00:00:00.000001+00:00"
    assert "lte" in str(before_q(cursor, "a.source"))
    assert "lte" not in str(before_q(cursor, "c.source"))
    assert "10" in str(before_q(cursor, "b.source"))
    assert Cursor.decode("") is None


def test_relationship_map_draws_a_graph_under_the_csp(world, client, customer):
    boss = ContactFactory(customer=customer, name="张总", decision_role="decision_maker")
    engineer = ContactFactory(customer=customer, name="李工")
    ContactRelationFactory(from_contact=engineer, to_contact=boss, kind="reports_to")
    ContactEmployeeRelationFactory(contact=boss, employee=world.seller1, strength=4)
    client.force_login(world.seller1)
    html = client.get(reverse("customers:customer_relationships", args=[customer.pk])).content.decode()
    assert 'class="kd-chart"' in html and "data-figure=" in html
    assert "<script" not in html and "style=" not in html
    assert "张总" in html and "★★★★☆" in html
    assert "contactrelation" in html or "contact-relations/add" in html  # seller1 may edit the map


def test_relationship_map_without_relations_says_what_to_do(world, client, customer):
    ContactFactory(customer=customer)
    client.force_login(world.seller1)
    html = client.get(reverse("customers:customer_relationships", args=[customer.pk])).content.decode()
    assert 'class="kd-chart"' not in html
    assert 'data-testid="relationship-map-empty"' in html


def test_reader_sees_the_map_but_cannot_add(world, client, customer):
    boss = ContactFactory(customer=customer)
    ContactRelationFactory(from_contact=ContactFactory(customer=customer), to_contact=boss)
    client.force_login(world.reader)
    html = client.get(reverse("customers:customer_relationships", args=[customer.pk])).content.decode()
    assert 'class="kd-chart"' in html
    assert "contact-relations/add" not in html
