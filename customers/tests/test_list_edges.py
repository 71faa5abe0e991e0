"""Odd list URLs a user can reach (old bookmarks, edited addresses) answer without a 500."""

import pytest

from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_client(client, world):
    CustomerFactory(owner=world.seller1, name="北京书签测试有限公司")
    client.force_login(world.seller1)
    return client


def test_a_page_past_the_end_shows_the_first_page(seller_client):
    response = seller_client.get("/customers/?page=9999")
    assert response.status_code == 200
    assert "北京书签测试有限公司" in response.content.decode()


def test_an_unknown_export_format_is_refused_with_a_reason(seller_client):
    response = seller_client.get("/customers/?export=pdf")
    assert response.status_code == 400
    assert "xlsx" in response.content.decode()
