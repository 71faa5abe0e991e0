"""Customers and contacts are found by full name, pinyin and initials (issue 7, item 2)."""

import pytest

from customers.tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(world):
    customer = CustomerFactory(owner=world.seller1, name="重庆华信科技有限公司", short_name="华信")
    contact = ContactFactory(customer=customer, name="杨建华")
    # No credit code: a random one ("…HX…") would match the two-letter initials by chance.
    other = CustomerFactory(owner=world.seller1, name="北京远景数据有限公司", credit_code="")
    return customer, contact, other


@pytest.mark.parametrize("query", ["重庆华信", "chongqinghuaxin", "cqhx", "huaxin", "hx"])
def test_customer_list_and_api_find_pinyin_and_initials(client, world, rows, query):
    customer, _contact, other = rows
    client.force_login(world.seller1)
    page = client.get("/customers/", {"q": query}).content.decode()
    assert f"/customers/{customer.pk}/" in page and f"/customers/{other.pk}/" not in page
    api = client.get("/api/customers/customers/", {"q": query}).json()
    assert [row["id"] for row in api["results"]] == [customer.pk]


@pytest.mark.parametrize("query", ["杨建华", "yangjianhua", "yjh", "cqhx"])
def test_contacts_by_name_pinyin_or_their_customers_initials(client, world, rows, query):
    _customer, contact, _other = rows
    client.force_login(world.seller1)
    assert f"/contacts/{contact.pk}/" in client.get("/contacts/", {"q": query}).content.decode()
    assert f"/contacts/{contact.pk}/" in client.get("/search/", {"q": query}).content.decode()
    assert f'value="{contact.pk}"' in client.get("/autocomplete/customers.contact/", {"q": query}).content.decode()


def test_search_stays_inside_the_users_scope(client, world, rows):
    client.force_login(world.south_seller)
    assert "重庆华信" not in client.get("/search/", {"q": "cqhx"}).content.decode()


def test_customers_are_still_found_by_credit_code_and_phone(client, world):
    customer = CustomerFactory(owner=world.seller1, name="深圳测试有限公司", phone="0755-8888 6666")
    client.force_login(world.seller1)
    for query in (customer.credit_code.lower(), customer.credit_code[2:10], "0755-8888", "07558888"):
        page = client.get("/customers/", {"q": query}).content.decode()
        assert f"/customers/{customer.pk}/" in page, query
