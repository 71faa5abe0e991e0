"""Bad input gets a clear 400 (or 409/412 for a stale edit), never a 500, never a partial write.

Covers the customers and contacts API and the customer page form: malformed JSON, wrong types,
over-long values, a credit code with a wrong check digit or already used, an unknown sort field,
writes that would put a record outside the writer's scope, and two edits from the same version.
"""

import json
import re
from contextlib import contextmanager

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient
from taggit.models import Tag, TaggedItem

from core.models import ObjectChange, Share
from core.services import object_delete
from customers.models import Contact, Customer, Level
from customers.tests.factories import ContactFactory, CustomerFactory, bad_check_digit, make_credit_code

pytestmark = pytest.mark.django_db

CUSTOMERS = "/api/customers/customers/"
CONTACTS = "/api/customers/contacts/"


def _counts():
    return {
        "customers": Customer.all_objects.count(),
        "contacts": Contact.all_objects.count(),
        "changes": ObjectChange.objects.count(),
        "tags": Tag.objects.count(),
        "tagged": TaggedItem.objects.count(),
    }


def _snapshot():
    return (_counts(),
            list(Customer.all_objects.order_by("pk").values()),
            list(Contact.all_objects.order_by("pk").values()))


@contextmanager
def nothing_written():
    """Rows of customers, contacts, tags and the audit trail are exactly as before."""
    before = _snapshot()
    yield
    assert _snapshot() == before


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def seller(world):
    return world.seller1


@pytest.fixture
def own_customer(seller):
    return CustomerFactory(owner=seller, name="北京自有客户有限公司")


@pytest.fixture
def own_contact(own_customer):
    return ContactFactory(customer=own_customer, name="王经理")


def valid_customer(**overrides):
    data = {"name": "杭州西湖测试科技有限公司", "credit_code": make_credit_code(), "level": Level.PROSPECT}
    data.update(overrides)
    return data


def assert_field_error(response, field):
    assert response.status_code == 400, (response.status_code, response.content[:500])
    body = response.json()
    assert field in body, body
    assert isinstance(body[field], list) and body[field] and all(isinstance(m, str) and m for m in body[field])


# --- malformed JSON --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CUSTOMERS, CONTACTS])
@pytest.mark.parametrize("payload", ['{"name": "半截', "{name: 'x'}", "[1, 2", "\x00\xff", "null"])
def test_malformed_json_is_a_400_and_writes_nothing(seller, own_customer, url, payload):
    with nothing_written():
        response = api_for(seller).post(url, data=payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()  # a message, not an empty body


def test_malformed_json_in_a_patch_changes_nothing(seller, own_customer):
    with nothing_written():
        response = api_for(seller).patch(f"{CUSTOMERS}{own_customer.pk}/", data='{"name": ',
                                         content_type="application/json")
    assert response.status_code == 400


# --- wrong types and values ------------------------------------------------------------------


@pytest.mark.parametrize("field, value", [
    ("level", 123),
    ("level", "vip"),
    ("owner", "abc"),
    ("owner", 999999),
    ("website", "not a url"),
    ("kind", ["company"]),
    ("industry", {"a": 1}),
    ("tags", "not-a-list"),
    ("name", ""),
    ("name", "   "),
    ("name", None),
    ("name", ["甲公司"]),
])
def test_customer_wrong_type_is_a_400_keyed_by_the_field(seller, field, value):
    with nothing_written():
        response = api_for(seller).post(CUSTOMERS, valid_customer(**{field: value}), format="json")
    assert_field_error(response, field)


@pytest.mark.parametrize("field, value", [
    ("birthday", "yesterday"),
    ("birthday", "2024-02-30"),
    ("email", "not-an-email"),
    ("decision_role", 123),
    ("customer", "abc"),
    ("customer", 999999),
    ("name", ""),
])
def test_contact_wrong_type_is_a_400_keyed_by_the_field(seller, own_customer, field, value):
    data = {"customer": own_customer.pk, "name": "刘工", field: value}
    with nothing_written():
        response = api_for(seller).post(CONTACTS, data, format="json")
    assert_field_error(response, field)


def test_wrong_type_in_a_patch_changes_nothing(seller, own_customer, own_contact):
    api = api_for(seller)
    with nothing_written():
        assert_field_error(api.patch(f"{CUSTOMERS}{own_customer.pk}/", {"website": "not a url", "name": "新名字"},
                                     format="json"), "website")
        assert_field_error(api.patch(f"{CONTACTS}{own_contact.pk}/", {"birthday": "yesterday", "title": "总监"},
                                     format="json"), "birthday")


# --- over-long values ------------------------------------------------------------------------


def test_customer_name_of_201_characters_is_refused_200_is_accepted(seller):
    api = api_for(seller)
    with nothing_written():
        assert_field_error(api.post(CUSTOMERS, valid_customer(name="客" * 201), format="json"), "name")
    response = api.post(CUSTOMERS, valid_customer(name="客" * 200), format="json")
    assert response.status_code == 201, response.json()
    assert Customer.objects.get(pk=response.json()["id"]).name == "客" * 200


@pytest.mark.parametrize("field, length", [("short_name", 51), ("phone", 31), ("address", 256), ("city", 51)])
def test_other_over_long_customer_fields_are_refused(seller, field, length):
    with nothing_written():
        response = api_for(seller).post(CUSTOMERS, valid_customer(**{field: "1" * length}), format="json")
    assert_field_error(response, field)


@pytest.mark.parametrize("field, length", [("name", 101), ("mobile", 31), ("wechat", 51)])
def test_over_long_contact_fields_are_refused(seller, own_customer, field, length):
    data = {"customer": own_customer.pk, "name": "刘工", field: "1" * length}
    with nothing_written():
        response = api_for(seller).post(CONTACTS, data, format="json")
    assert_field_error(response, field)


# --- credit code -----------------------------------------------------------------------------


def test_credit_code_with_a_wrong_check_digit_is_refused(seller):
    with nothing_written():
        response = api_for(seller).post(CUSTOMERS, valid_customer(credit_code=bad_check_digit(make_credit_code())),
                                        format="json")
    assert_field_error(response, "credit_code")


def test_credit_code_of_a_live_customer_cannot_be_used_twice(seller, world):
    # Someone else's customer, even one the seller cannot see: the code is still taken. First a 409
    # naming only the owner (customers/duplicates.py); confirmed, a 400 on the field.
    other = CustomerFactory(owner=world.south_seller)
    api = api_for(seller)
    with nothing_written():
        first = api.post(CUSTOMERS, valid_customer(credit_code=other.credit_code), format="json")
        assert first.status_code == 409 and first.json()["candidates"][0]["matched"] == ["credit_code"]
        assert first.json()["candidates"][0]["name"] is None
        assert_field_error(api.post(CUSTOMERS, valid_customer(credit_code=other.credit_code, confirm_duplicate=True),
                                    format="json"), "credit_code")


def test_credit_code_cannot_be_changed_to_one_already_used(seller, own_customer):
    taken = CustomerFactory(owner=seller)
    with nothing_written():
        assert_field_error(api_for(seller).patch(f"{CUSTOMERS}{own_customer.pk}/",
                                                 {"credit_code": taken.credit_code}, format="json"),
                           "credit_code")


def test_credit_code_of_a_customer_in_the_recycle_bin_can_be_reused(seller, own_customer):
    object_delete(instance=own_customer, actor=seller)
    response = api_for(seller).post(CUSTOMERS, valid_customer(credit_code=own_customer.credit_code),
                                    format="json")
    assert response.status_code == 201, response.json()
    assert Customer.all_objects.filter(credit_code=own_customer.credit_code).count() == 2


def test_unchanged_credit_code_does_not_clash_with_itself(seller, own_customer):
    response = api_for(seller).put(f"{CUSTOMERS}{own_customer.pk}/",
                                   valid_customer(credit_code=own_customer.credit_code.lower()), format="json")
    assert response.status_code == 200, response.json()


# --- sorting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [CUSTOMERS, CONTACTS])
@pytest.mark.parametrize("ordering", ["password", "owner__password", "-deleted_at", "name;drop", "?"])
def test_unknown_ordering_is_a_400_keyed_ordering(seller, own_contact, url, ordering):
    response = api_for(seller).get(url, {"ordering": ordering})
    assert_field_error(response, "ordering")


def test_known_ordering_sorts(seller):
    for name in ("B 贸易公司", "A 科技公司", "C 物流公司"):  # Latin initials: same order in every collation
        CustomerFactory(owner=seller, name=name)
    api = api_for(seller)
    ascending = [row["name"] for row in api.get(CUSTOMERS, {"ordering": "name"}).json()["results"]]
    descending = [row["name"] for row in api.get(CUSTOMERS, {"ordering": "-name"}).json()["results"]]
    assert ascending == sorted(ascending) and len(ascending) == 3
    assert descending == ascending[::-1]


def test_unknown_ordering_on_the_list_page_is_a_400_with_the_message_beside_the_filter(client, seller):
    client.force_login(seller)
    response = client.get("/customers/", {"ordering": "owner__password"})
    assert response.status_code == 400
    assert 'data-field-error="ordering"' in response.content.decode()


# --- writes outside the writer's scope -------------------------------------------------------


def test_contact_on_a_customer_the_caller_cannot_see_is_refused(seller, world):
    foreign = CustomerFactory(owner=world.south_seller)
    with nothing_written():
        response = api_for(seller).post(CONTACTS, {"customer": foreign.pk, "name": "刘工"}, format="json")
    assert_field_error(response, "customer")


def test_contact_on_a_customer_the_caller_may_see_but_not_change_is_refused(seller, world):
    shared = CustomerFactory(owner=world.south_seller)
    Share.objects.create(content_type=ContentType.objects.get_for_model(Customer), object_id=shared.pk,
                         employee=seller, can_change=False)
    api = api_for(seller)
    assert api.get(f"{CUSTOMERS}{shared.pk}/").status_code == 200  # visible…
    with nothing_written():
        response = api.post(CONTACTS, {"customer": shared.pk, "name": "刘工"}, format="json")
    assert_field_error(response, "customer")  # …but not a place to add contacts


def test_moving_a_contact_to_a_foreign_customer_is_refused(seller, own_contact, world):
    foreign = CustomerFactory(owner=world.south_seller)
    with nothing_written():
        response = api_for(seller).patch(f"{CONTACTS}{own_contact.pk}/", {"customer": foreign.pk}, format="json")
    assert_field_error(response, "customer")


def test_seller_cannot_create_a_customer_owned_by_someone_outside_their_scope(seller, world):
    with nothing_written():
        response = api_for(seller).post(CUSTOMERS, valid_customer(owner=world.south_seller.pk), format="json")
    assert_field_error(response, "owner")


def test_seller_cannot_hand_their_customer_to_someone_outside_their_scope(seller, own_customer, world):
    with nothing_written():
        response = api_for(seller).patch(f"{CUSTOMERS}{own_customer.pk}/",
                                         {"owner": world.south_seller.pk, "name": "改名"}, format="json")
    assert_field_error(response, "owner")


def test_manager_may_assign_a_customer_to_a_seller_in_their_subtree(world):
    response = api_for(world.north_manager).post(CUSTOMERS, valid_customer(owner=world.seller1.pk), format="json")
    assert response.status_code == 201, response.json()
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.owner == world.seller1
    assert customer.org_unit == world.seller1.unit


# --- the page form ---------------------------------------------------------------------------


def page_data(**overrides):
    data = {"name": "杭州西湖测试科技有限公司", "kind": "company", "credit_code": make_credit_code(),
            "level": Level.PROSPECT}
    data.update(overrides)
    return data


def test_page_form_bad_credit_code_is_a_400_with_the_message_beside_the_field(client, seller):
    client.force_login(seller)
    code = bad_check_digit("91350100M000100Y43")
    with nothing_written():
        response = client.post("/customers/add/", page_data(credit_code=code))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field-error="credit_code"' in html
    # What the user typed is still there, so they can correct the one character.
    assert code in html
    assert "杭州西湖测试科技有限公司" in html


@pytest.mark.parametrize("field, value", [
    ("name", "客" * 201), ("level", "vip"), ("website", "not a url"), ("owner", "abc"), ("name", "")])
def test_page_form_other_bad_values_are_a_400_with_a_field_error(client, seller, field, value):
    client.force_login(seller)
    with nothing_written():
        response = client.post("/customers/add/", page_data(**{field: value}))
    assert response.status_code == 400
    assert f'data-field-error="{field}"' in response.content.decode()


def test_page_form_duplicate_credit_code_is_a_400_not_a_500(client, seller, world):
    other = CustomerFactory(owner=world.south_seller)
    client.force_login(seller)
    with nothing_written():
        response = client.post("/customers/add/", page_data(credit_code=other.credit_code.lower()))
    assert response.status_code == 400
    assert 'data-field-error="credit_code"' in response.content.decode()


def test_page_form_may_reuse_the_credit_code_of_a_customer_in_the_recycle_bin(client, seller, own_customer):
    object_delete(instance=own_customer, actor=seller)
    client.force_login(seller)
    response = client.post("/customers/add/", page_data(credit_code=own_customer.credit_code))
    assert response.status_code == 302
    assert Customer.objects.filter(credit_code=own_customer.credit_code).count() == 1


def test_page_form_owner_outside_the_sellers_scope_is_refused(client, seller, world):
    client.force_login(seller)
    with nothing_written():
        response = client.post("/customers/add/", page_data(owner=world.south_seller.pk))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field-error="owner"' in html
    # The refused record was not created, so the page must not offer to open it (Cancel goes back
    # to the list, not to the detail page of an id that was rolled back).
    assert not re.search(r"/customers/\d+/", html)


# --- two edits from the same version ---------------------------------------------------------


def _updates(obj):
    return ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(obj.__class__),
                                       object_id=obj.pk, action=ObjectChange.Action.UPDATE)


def test_page_second_edit_from_the_same_version_is_refused_with_the_current_values(client, seller, own_customer):
    client.force_login(seller)
    url = f"/customers/{own_customer.pk}/edit/"
    form = client.get(url)
    assert form.status_code == 200
    version = own_customer.version
    assert f'name="version" value="{version}"' in form.content.decode()

    first = client.post(url, page_data(name="第一次修改有限公司", credit_code=own_customer.credit_code,
                                       version=version))
    assert first.status_code == 302
    second = client.post(url, page_data(name="第二次修改有限公司", credit_code=own_customer.credit_code,
                                        version=version))
    assert second.status_code == 409
    html = second.content.decode()
    assert 'data-testid="current-values"' in html
    current_block = html.split('data-testid="current-values"', 1)[1].split("</dl>", 1)[0]
    assert "第一次修改有限公司" in current_block
    # The user's own input is kept for them to re-apply…
    assert "第二次修改有限公司" in html
    # …and a deliberate resubmission is based on what is stored now.
    own_customer.refresh_from_db()
    assert own_customer.name == "第一次修改有限公司"
    assert f'name="version" value="{own_customer.version}"' in html
    assert _updates(own_customer).count() == 1

    retry = client.post(url, page_data(name="第二次修改有限公司", credit_code=own_customer.credit_code,
                                       version=own_customer.version))
    assert retry.status_code == 302
    own_customer.refresh_from_db()
    assert own_customer.name == "第二次修改有限公司"
    assert _updates(own_customer).count() == 2


def test_api_second_patch_with_the_same_if_match_is_412(seller, own_customer):
    api = api_for(seller)
    url = f"{CUSTOMERS}{own_customer.pk}/"
    etag = api.get(url)["ETag"]
    assert etag

    first = api.patch(url, {"name": "第一次修改有限公司"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200, first.json()
    assert first["ETag"] != etag
    second = api.patch(url, {"name": "第二次修改有限公司"}, format="json", HTTP_IF_MATCH=etag)
    assert second.status_code == 412
    assert second.json()["current"]["name"] == "第一次修改有限公司"
    assert second["ETag"] == first["ETag"]

    own_customer.refresh_from_db()
    assert own_customer.name == "第一次修改有限公司"
    changes = _updates(own_customer)
    assert changes.count() == 1
    assert changes.get().diff() == [("name", "北京自有客户有限公司", "第一次修改有限公司")]


def test_api_stale_if_match_on_put_and_delete_is_412_and_changes_nothing(seller, own_customer):
    api = api_for(seller)
    url = f"{CUSTOMERS}{own_customer.pk}/"
    stale = api.get(url)["ETag"]
    assert api.patch(url, {"city": "北京"}, format="json", HTTP_IF_MATCH=stale).status_code == 200
    with nothing_written():
        assert api.put(url, valid_customer(credit_code=own_customer.credit_code), format="json",
                       HTTP_IF_MATCH=stale).status_code == 412
        assert api.delete(url, HTTP_IF_MATCH=stale).status_code == 412
    assert Customer.objects.filter(pk=own_customer.pk).exists()


def test_api_contact_second_patch_with_the_same_if_match_is_412(seller, own_contact):
    api = api_for(seller)
    url = f"{CONTACTS}{own_contact.pk}/"
    etag = api.get(url)["ETag"]
    assert api.patch(url, {"title": "总监"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    response = api.patch(url, {"title": "经理"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    own_contact.refresh_from_db()
    assert own_contact.title == "总监"
    assert _updates(own_contact).count() == 1


def test_error_bodies_are_json_objects_of_lists(seller):
    response = api_for(seller).post(CUSTOMERS, {"name": "客" * 201, "level": 1, "website": "x"}, format="json")
    assert response.status_code == 400
    body = json.loads(response.content)
    assert set(body) == {"name", "level", "website"}
