"""Issue 5, items 3, 6, 7 and 9: list sizes, body sizes, big integers, deep JSON, invisible text.

Each test reproduces what the attack did and checks the answer a user gets: a 400 naming the
field (or 413 for a body too large), the database unchanged, never a 500. Object types inherit
all of it from core (forms, serializers, filtersets, generic views); the generated bad-input suite
(core/testing/badinput.py) checks every object type, these tests pin each reproduction.
"""

import json
import time

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import ObjectChange
from core.testing.reading import export_rows
from customers.models import Contact, Customer
from customers.tests.factories import ContactFactory, CustomerFactory, make_credit_code
from org.models import Team
from org.tests.factories import EmployeeFactory, TeamFactory

pytestmark = pytest.mark.django_db

BIG = "99999999999999999999"
CUSTOMERS_API = "/api/customers/customers/"
CONTACTS_API = "/api/customers/contacts/"


def pages(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def api(user):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def field_errors(response):
    from core.testing.reading import field_errors as read

    return read(response)


@pytest.fixture
def ceo(world):
    return world.ceo


@pytest.fixture
def admin(world):
    return EmployeeFactory(username="root.admin", unit=world.units["hq"], is_superuser=True)


def writes():
    return (Customer.all_objects.count(), Contact.all_objects.count(), ObjectChange.objects.count(),
            Team.all_objects.count())


# --- item 3: unbounded lists and bodies --------------------------------------------------------


def test_twenty_thousand_tags_are_refused_at_once_naming_the_field(ceo, settings):
    before = writes()
    data = {"name": "标签太多有限公司", "credit_code": make_credit_code(), "tags": [f"t{i}" for i in range(20_000)]}
    started = time.monotonic()
    response = api(ceo).post(CUSTOMERS_API, data, format="json")
    assert time.monotonic() - started < 5
    assert response.status_code == 400
    assert "tags" in response.json()
    assert writes() == before
    limit = settings.KEDAO["MAX_RELATED_ITEMS"]
    ok = api(ceo).post(CUSTOMERS_API, {**data, "tags": [f"t{i}" for i in range(limit)]}, format="json")
    assert ok.status_code == 201, ok.content


def test_too_many_tags_on_the_customer_page_is_an_error_by_the_field(ceo, settings):
    settings.KEDAO = {**settings.KEDAO, "MAX_RELATED_ITEMS": 5}
    before = writes()
    response = pages(ceo).post(reverse("customers:customer_add"), {
        "name": "标签页面有限公司", "kind": "company", "level": "potential",
        "tags": ", ".join(f"t{i}" for i in range(6))})
    assert response.status_code == 400
    assert "tags" in field_errors(response)
    assert writes() == before


def test_too_many_members_is_refused_on_the_api_and_the_page(admin, world, settings):
    settings.KEDAO = {**settings.KEDAO, "MAX_RELATED_ITEMS": 3}
    members = [EmployeeFactory(unit=world.units["south"]).pk for _ in range(4)]
    before = writes()
    response = api(admin).post("/api/org/teams/", {"name": "大项目组", "kind": "project", "members": members},
                               format="json")
    assert response.status_code == 400 and "members" in response.json()
    page = pages(admin).post(reverse("org:team_add"), {"name": "大项目组", "kind": "project",
                                                       "members": [str(pk) for pk in members]})
    assert page.status_code == 400 and "members" in field_errors(page)
    assert writes() == before


def test_bulk_actions_take_at_most_the_bulk_limit(ceo, settings):
    settings.KEDAO = {**settings.KEDAO, "MAX_BULK_ITEMS": 2}
    rows = [CustomerFactory(owner=ceo) for _ in range(3)]
    pks = [str(row.pk) for row in rows]
    client = pages(ceo)
    response = client.post(reverse("customers:customer_bulk_edit"), {"pk": pks, "_apply": "1", "level": "customer"})
    assert response.status_code == 400 and "pk" in field_errors(response)
    assert set(Customer.objects.filter(pk__in=pks).values_list("level", flat=True)) == {"potential"}
    response = client.post(reverse("customers:customer_bulk_delete"), {"pk": pks, "_confirm": "1"})
    assert response.status_code == 400 and "pk" in field_errors(response)
    assert Customer.objects.filter(pk__in=pks).count() == 3


def test_a_three_megabyte_api_body_is_a_json_413(ceo):
    before = writes()
    body = json.dumps({"name": "大", "notes": "x" * (3 * 1024 * 1024)})
    response = api(ceo).post(CUSTOMERS_API, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert writes() == before


def test_a_three_megabyte_form_post_is_a_readable_413_page(ceo):
    response = pages(ceo).post(reverse("customers:customer_add"), {"name": "大", "notes": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert 'data-testid="too-large"' in response.content.decode()


# --- item 6: big integers ------------------------------------------------------------------


@pytest.mark.parametrize("param", ["owner", "org_unit"])
def test_big_id_in_a_customer_list_filter_is_a_field_error(ceo, param):
    response = pages(ceo).get(reverse("customers:customer_list"), {param: BIG})
    assert response.status_code == 400
    assert param in field_errors(response)
    response = api(ceo).get(CUSTOMERS_API, {param: BIG})
    assert response.status_code == 400 and param in response.json()


@pytest.mark.parametrize("value", [BIG, "12.5", "-99999999999999999999"])
def test_big_or_fractional_customer_id_in_the_contact_filter_is_a_field_error(ceo, value):
    response = pages(ceo).get(reverse("customers:contact_list"), {"customer": value})
    assert response.status_code == 400 and "customer" in field_errors(response)
    response = api(ceo).get(CONTACTS_API, {"customer": value})
    assert response.status_code == 400 and "customer" in response.json()
    for export_format in ("csv", "xlsx"):
        assert pages(ceo).get(reverse("customers:contact_list"),
                              {"customer": value, "export": export_format}).status_code in (302, 400)


def test_a_page_number_past_any_end_shows_a_page_not_an_error(ceo):
    CustomerFactory(owner=ceo)
    assert pages(ceo).get(reverse("customers:customer_list"), {"page": BIG}).status_code == 200
    response = api(ceo).get(CUSTOMERS_API, {"page": BIG})
    assert response.status_code == 200 and response.json()["results"] == []


def test_big_owner_in_a_form_post_is_a_field_error(ceo):
    before = writes()
    response = pages(ceo).post(reverse("customers:customer_add"),
                               {"name": "大整数有限公司", "kind": "company", "level": "potential", "owner": BIG})
    assert response.status_code == 400
    assert "owner" in field_errors(response)
    assert writes() == before


def test_big_ids_in_bulk_actions_change_nothing(ceo):
    row = CustomerFactory(owner=ceo)
    client = pages(ceo)
    response = client.post(reverse("customers:customer_bulk_edit"), {"pk": [str(row.pk), BIG], "_apply": "1",
                                                                     "level": "customer"})
    assert response.status_code == 400 and "pk" in field_errors(response)
    assert client.post(reverse("customers:customer_bulk_edit"), {"pk": [BIG]}).status_code == 302
    assert client.post(reverse("customers:customer_bulk_delete"), {"pk": [BIG], "_confirm": "1"}).status_code == 302
    assert Customer.objects.get(pk=row.pk).level == "potential"


@pytest.mark.parametrize("value", [12.5, "12.5", BIG, 99999999999999999999, True, "１２"])
def test_an_owner_id_must_be_a_plain_number_in_range(ceo, value):
    """{"owner": 12.5} was stored as owner 12."""
    target = ceo
    before = writes()
    data = {"name": "小数负责人有限公司", "credit_code": make_credit_code(), "owner": value}
    if value in (12.5, "12.5", "１２"):
        # Make id 12 an employee one could otherwise pick, so "taken as 12" would be visible.
        target = EmployeeFactory(unit=ceo.unit)
        data["owner"] = {12.5: target.pk + 0.5, "12.5": f"{target.pk}.5", "１２": "".join(
            chr(0xFF10 + int(d)) for d in str(target.pk))}[value]
    response = api(ceo).post(CUSTOMERS_API, data, format="json")
    assert response.status_code == 400, response.content
    assert "owner" in response.json()
    assert writes() == before


# --- item 7: deep JSON -------------------------------------------------------------------------


def test_deeply_nested_json_before_login_is_a_400():
    body = "[" * 100_000 + "]" * 100_000
    response = Client(raise_request_exception=False).post(reverse("api_token"), body,
                                                          content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_deeply_nested_json_on_an_object_is_a_400(ceo):
    before = writes()
    response = api(ceo).post(CUSTOMERS_API, '{"name": ' + "[" * 50_000 + "]" * 50_000 + "}",
                             content_type="application/json")
    assert response.status_code == 400
    assert writes() == before


def test_a_huge_username_on_the_login_page_is_a_field_error(world):
    """It reached django-axes' failed-login row (varchar 255): a 500 on PostgreSQL."""
    response = Client(raise_request_exception=False).post(reverse("login"), {"username": "[" * 100_000,
                                                                             "password": "x"})
    assert response.status_code == 200
    assert "username" in field_errors(response)
    assert "_auth_user_id" not in response.wsgi_request.session


# --- item 9: invisible text ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["\u200b\u200b\u200b", "\x01\x02\x1b", "\u202e\u202d", "\u200b \u2060\ufeff"])
def test_a_name_of_invisible_characters_is_refused(ceo, name):
    before = writes()
    response = api(ceo).post(CUSTOMERS_API, {"name": name, "credit_code": make_credit_code()}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    page = pages(ceo).post(reverse("customers:customer_add"),
                           {"name": name, "kind": "company", "level": "potential"})
    assert page.status_code == 400 and "name" in field_errors(page)
    assert writes() == before


def test_invisible_characters_are_dropped_from_text_and_line_breaks_kept_in_notes(ceo):
    response = api(ceo).post(CUSTOMERS_API, {"name": "\u202e可见\u200b公司\x00", "notes": "第一行\r\n第二行\t完\u200b"},
                             format="json")
    assert response.status_code == 201, response.content
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.name == "可见公司"
    assert customer.notes == "第一行\n第二行\t完"
    contact = ContactFactory(customer=customer)
    response = pages(ceo).post(reverse("customers:contact_edit", args=[contact.pk]), {
        "customer": str(customer.pk), "name": "\u200b王\u200b经理", "version": contact.version})
    assert response.status_code == 302, field_errors(response)
    assert Contact.objects.get(pk=contact.pk).name == "王经理"


def test_teams_members_take_plain_ids_only(admin, world):
    team = TeamFactory(name="老项目组")
    response = api(admin).patch(f"/api/org/teams/{team.pk}/", {"members": [world.seller1.pk + 0.5]}, format="json")
    assert response.status_code == 400 and "members" in response.json()
    assert list(team.members.all()) == []


@pytest.mark.parametrize("params", [{"per_page": "-5"}, {"page": "0", "per_page": "-1"}, {"page": BIG}])
def test_an_export_ignores_the_lists_page_and_page_size(ceo, params):
    rows = [CustomerFactory(owner=ceo) for _ in range(3)]
    for export_format in ("csv", "xlsx"):
        response = pages(ceo).get(reverse("customers:customer_list"), {**params, "export": export_format})
        assert response.status_code == 200
        exported = {row[0] for row in export_rows(response, export_format)}
        assert {row.name for row in rows} <= exported


def test_a_very_long_search_or_text_filter_is_no_database_error(ceo):
    """SQLite refuses LIKE patterns of 50,000 characters: `q` searches its first 100, a text filter
    longer than 200 is a field error."""
    CustomerFactory(owner=ceo)
    long_text = "名" * 70_000
    assert pages(ceo).get(reverse("customers:customer_list"), {"q": long_text}).status_code == 200
    assert api(ceo).get(CUSTOMERS_API, {"q": long_text}).status_code == 200
    response = api(ceo).get(CUSTOMERS_API, {"tag": long_text})
    assert response.status_code == 400 and "tag" in response.json()
    response = pages(ceo).get(reverse("customers:customer_list"), {"tag": long_text})
    assert response.status_code == 400 and "tag" in field_errors(response)


@pytest.mark.parametrize("body", ['{"decision_role": "a\\udfffb"}', '{"name": "\\ud800"}', '{"title": ["\\ud800"]}'])
def test_a_lone_surrogate_in_json_is_a_400(ceo, body):
    """Valid JSON, no character: a choice's error message echoed it and the renderer failed (500)."""
    contact = ContactFactory(customer=CustomerFactory(owner=ceo))
    before = writes()
    response = api(ceo).patch(f"{CONTACTS_API}{contact.pk}/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]
    assert writes() == before
