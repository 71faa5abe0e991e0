"""A text search no index can answer runs within a time budget (core.limits.time_budget): on a
list page it says so beside the search box and above the results, in the API it is a 400 naming
`q`, in the global search the type says so; other searches are untouched."""

import contextlib

import pytest
from django.db import connection
from rest_framework.test import APIClient

from core.limits import TooSlow, time_budget
from customers.models import Customer
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"


def timeout_setting():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


@pytest.mark.skipif(not POSTGRES, reason="the budget is PostgreSQL's statement_timeout")
def test_the_budget_stops_a_slow_read_and_leaves_the_connection_as_it_was():
    before = timeout_setting()
    with pytest.raises(TooSlow), time_budget(Customer, 50), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(2)")
    assert timeout_setting() == before
    # Within the budget: the rows, and the setting back as it was (inside the test's transaction).
    with time_budget(Customer, 2000), connection.cursor() as cursor:
        cursor.execute("SELECT 41 + 1")
        assert cursor.fetchone() == (42,)
    assert timeout_setting() == before
    assert Customer.objects.count() >= 0  # the connection still answers


def test_without_postgresql_or_with_no_budget_nothing_is_stopped(settings):
    settings.KEDAO = {**settings.KEDAO, "SEARCH_BUDGET_MS": 0}
    with time_budget(Customer), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.fixture
def too_slow(monkeypatch):
    """Every budgeted search runs out of time (as two characters over millions of rows do)."""
    @contextlib.contextmanager
    def exhausted(model, milliseconds=None):
        raise TooSlow
        yield  # pragma: no cover

    import core.api.viewsets
    import core.views.generic
    import core.views.pages
    for module in (core.views.generic, core.views.pages, core.api.viewsets):
        monkeypatch.setattr(module, "time_budget", exhausted)


def test_a_list_search_out_of_time_says_what_to_do_and_shows_no_rows(client, world, too_slow):
    CustomerFactory(owner=world.seller1, name="张江科技有限公司")
    client.force_login(world.seller1)
    response = client.get("/customers/", {"q": "张"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-field-error="q"' in html and 'data-testid="search-too-broad"' in html
    assert "张江科技有限公司" not in html
    # The search box's own request replaces only the results: the message is there too.
    partial = client.get("/customers/", {"q": "张"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-list")
    assert 'data-testid="search-too-broad"' in partial.content.decode()
    # Without a search the budget is not involved: the list as usual.
    assert "张江科技有限公司" in client.get("/customers/").content.decode()


def test_an_api_search_out_of_time_is_a_400_naming_q(world, too_slow):
    api = APIClient()
    api.force_authenticate(world.seller1)
    response = api.get("/api/customers/customers/", {"q": "张"})
    assert response.status_code == 400
    assert "q" in response.json()
    assert api.get("/api/customers/customers/").status_code == 200


def test_the_global_search_says_which_type_was_too_broad(client, world, too_slow):
    client.force_login(world.seller1)
    response = client.get("/search/", {"q": "张"})
    assert response.status_code == 200
    assert 'data-testid="search-too-broad-customers.customer"' in response.content.decode()


def test_an_autocomplete_out_of_time_asks_for_more_of_the_name(client, world, too_slow):
    CustomerFactory(owner=world.seller1, name="张江科技有限公司")
    client.force_login(world.seller1)
    html = client.get("/autocomplete/customers.customer/", {"q": "张"}).content.decode()
    assert '<option value="">请输入更完整的名称</option>' in html and "张江科技" not in html
    # Without a text, nothing is searched: the latest rows as before.
    assert "张江科技有限公司" in client.get("/autocomplete/customers.customer/").content.decode()
