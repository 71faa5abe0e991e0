"""The duplicate check and the merge through the API, and the merge service itself."""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from core.models import ObjectChange, Share
from core.registry import _merge_hooks, register_merge_hook
from customers.merge import customers_merge
from customers.models import Contact, Customer
from customers.tests.factories import ContactFactory, CustomerFactory, make_credit_code

pytestmark = pytest.mark.django_db

URL = "/api/customers/customers/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def history(customer):
    return ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Customer),
                                       object_id=customer.pk)


# --- GET duplicates ---------------------------------------------------------------------------------


def test_duplicates_lists_candidates_best_first_with_score_and_keys(world):
    mine = CustomerFactory(name="北京华为技术有限公司", owner=world.seller1, phone="010-88886666")
    CustomerFactory(name="华为技术有限公司", owner=world.seller1)
    answer = api(world.seller1).get(f"{URL}duplicates/", {"name": "华为技术（北京）有限公司", "phone": "01088886666"})
    assert answer.status_code == 200
    rows = answer.json()["candidates"]
    assert rows[0]["id"] == mine.pk and rows[0]["name"] == "北京华为技术有限公司"
    assert rows[0]["matched"] == ["name", "phone"] and rows[0]["score"] == 100
    assert rows[0]["visible"] is True and rows[0]["credit_code"] == mine.credit_code
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_a_seller_learns_a_customer_is_taken_without_its_data(world):
    theirs = CustomerFactory(name="深圳腾讯科技有限公司", owner=world.south_seller, phone="0755-86013388",
                             notes="秘密")
    answer = api(world.seller1).get(f"{URL}duplicates/", {"name": "腾讯科技"})
    (row,) = answer.json()["candidates"]
    assert row == {"visible": False, "id": None, "name": None, "credit_code": None,
                   "owner_name": str(world.south_seller), "owner_unit_name": str(world.south_seller.unit),
                   "score": row["score"], "matched": ["name"]}
    body = answer.content.decode()
    for secret in ("深圳腾讯", theirs.credit_code, "86013388", "秘密", f'"id": {theirs.pk}', f'"id":{theirs.pk}'):
        assert secret not in body
    # The CEO sees it in full.
    (row,) = api(world.ceo).get(f"{URL}duplicates/", {"name": "腾讯科技"}).json()["candidates"]
    assert row["visible"] and row["id"] == theirs.pk


@pytest.mark.parametrize(("params", "field"), [
    ({}, "name"),
    ({"name": "  "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"email": "not-an-address"}, "email"),
    ({"credit_code": "12345"}, "credit_code"),
    ({"name": "华为", "limit": "0"}, "limit"),
    ({"name": "华为", "limit": "many"}, "limit"),
])
def test_duplicates_bad_params_are_a_400_naming_the_field(world, params, field):
    answer = api(world.seller1).get(f"{URL}duplicates/", params)
    assert answer.status_code == 400
    assert field in answer.json()


def test_duplicates_needs_a_login_and_a_grant(world):
    assert APIClient().get(f"{URL}duplicates/", {"name": "华为"}).status_code in (401, 403)
    assert api(world.nobody).get(f"{URL}duplicates/", {"name": "华为"}).status_code == 403


def test_duplicates_and_merge_are_in_the_openapi_schema(admin_client):
    schema = admin_client.get("/api/schema/?format=json").json()
    get = schema["paths"]["/api/customers/customers/duplicates/"]["get"]
    assert {p["name"] for p in get["parameters"]} >= {"name", "credit_code", "phone", "email", "limit"}
    assert get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Candidates")
    assert "candidates" in schema["components"]["schemas"]["Candidates"]["properties"]
    post = schema["paths"]["/api/customers/customers/"]["post"]
    assert "409" in post["responses"] and "201" in post["responses"]
    assert "confirm_duplicate" in str(schema["components"]["schemas"])
    merge = schema["paths"]["/api/customers/customers/merge/"]["post"]
    ref = merge["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert {"survivor", "merged", "values", "versions"} <= set(schema["components"]["schemas"][ref]["properties"])


# --- POST create: 409 ---------------------------------------------------------------------------------


def test_create_answers_409_with_candidates_then_creates_when_confirmed(world):
    CustomerFactory(name="北京华为技术有限公司", owner=world.south_seller)
    body = {"name": "华为技术（北京）有限公司"}
    answer = api(world.seller1).post(URL, body, format="json")
    assert answer.status_code == 409
    (row,) = answer.json()["candidates"]
    assert row["visible"] is False and row["owner_name"] == str(world.south_seller)
    assert not Customer.objects.filter(name="华为技术（北京）有限公司").exists()
    answer = api(world.seller1).post(URL, {**body, "confirm_duplicate": True}, format="json")
    assert answer.status_code == 201
    assert "confirm_duplicate" not in answer.json()
    assert Customer.objects.filter(name="华为技术（北京）有限公司").count() == 1


def test_a_new_company_is_created_without_a_409(world):
    CustomerFactory(name="北京华为技术有限公司")
    answer = api(world.seller1).post(URL, {"name": "上海华为技术有限公司"}, format="json")
    assert answer.status_code == 201


def test_the_same_credit_code_is_a_409_whatever_the_name_and_a_400_when_confirmed(world):
    code = make_credit_code()
    CustomerFactory(name="完全不同有限公司", credit_code=code, owner=world.south_seller)
    answer = api(world.seller1).post(URL, {"name": "另一个名字有限公司", "credit_code": code}, format="json")
    assert answer.status_code == 409
    assert answer.json()["candidates"][0]["matched"] == ["credit_code"]
    answer = api(world.seller1).post(URL, {"name": "另一个名字有限公司", "credit_code": code,
                                           "confirm_duplicate": True}, format="json")
    assert answer.status_code == 400 and "credit_code" in answer.json()
    assert Customer.objects.filter(credit_code=code).count() == 1


def test_bad_data_with_a_similar_name_is_a_400_not_a_409(world):
    CustomerFactory(name="北京华为技术有限公司")
    answer = api(world.seller1).post(URL, {"name": "华为技术", "email": "nope"}, format="json")
    assert answer.status_code == 400 and "email" in answer.json()


# --- merge service ------------------------------------------------------------------------------------


@pytest.fixture
def pair(world):
    survivor = CustomerFactory(name="北京华为技术有限公司", owner=world.seller1, phone="", city="北京")
    merged = CustomerFactory(name="华为技术（北京）有限公司", owner=world.seller1, phone="010-88886666",
                             city="北京市", email="info@huawei.com")
    merged.tags.add("重点")
    ContactFactory(customer=merged, name="张三")
    ContactFactory(customer=survivor, name="李四")
    return survivor, merged


def test_merge_moves_related_rows_chooses_values_and_is_in_both_histories(world, pair):
    survivor, merged = pair
    ct = ContentType.objects.get_for_model(Customer)
    Share.objects.create(content_type=ct, object_id=merged.pk, employee=world.seller3, can_change=True)
    Share.objects.create(content_type=ct, object_id=survivor.pk, employee=world.seller3, can_change=False)
    Share.objects.create(content_type=ct, object_id=merged.pk, employee=world.south_seller)
    result = customers_merge(survivor=survivor, merged=[merged], values={"city": merged.pk}, actor=world.seller1)
    assert result.pk == survivor.pk
    survivor.refresh_from_db()
    # Chosen: city from the merged one; blank phone filled from it; name kept; tags united.
    assert (survivor.name, survivor.city, survivor.phone, survivor.email) == (
        "北京华为技术有限公司", "北京市", "010-88886666", "info@huawei.com")
    assert list(survivor.tags.names()) == ["重点"]
    assert sorted(Contact.objects.filter(customer=survivor).values_list("name", flat=True)) == ["张三", "李四"]
    shares = {s.employee_id: s.can_change for s in Share.objects.filter(content_type=ct, object_id=survivor.pk)}
    assert shares == {world.seller3.pk: True, world.south_seller.pk: False}
    assert not Share.objects.filter(content_type=ct, object_id=merged.pk).exists()
    gone = Customer.all_objects.get(pk=merged.pk)
    assert gone.deleted_at is not None and gone.merged_into_id == survivor.pk
    assert not Customer.objects.filter(pk=merged.pk).exists()
    merge_row = history(survivor).filter(postchange_data__has_key="merged").get()
    assert merge_row.postchange_data["merged"] == [{"id": merged.pk, "label": merged.name}]
    assert merge_row.postchange_data["moved"]
    delete_row = history(merged).get(action="delete")
    assert delete_row.postchange_data["merged_into"]["id"] == survivor.pk


def test_merge_calls_registered_hooks_for_conflicting_rows(world, pair):
    survivor, merged = pair
    calls = []
    register_merge_hook(Contact, lambda *, survivor, merged, actor: calls.append((survivor.pk, [m.pk for m in merged])))
    try:
        customers_merge(survivor=survivor, merged=[merged], actor=world.seller1)
    finally:
        _merge_hooks.pop("customers.contact")
    assert calls == [(survivor.pk, [merged.pk])]


def test_a_failing_merge_leaves_everything_as_it_was(world, pair):
    survivor, merged = pair

    def refuse(**kwargs):
        raise RuntimeError("hook failed")

    register_merge_hook(Contact, refuse)
    try:
        with pytest.raises(RuntimeError):
            customers_merge(survivor=survivor, merged=[merged], actor=world.seller1)
    finally:
        _merge_hooks.pop("customers.contact")
    assert Customer.objects.filter(pk=merged.pk).exists()
    assert Contact.objects.filter(customer=merged).count() == 1


# --- merge API ------------------------------------------------------------------------------------


def test_merge_api_merges_and_answers_with_the_survivor(world, pair):
    survivor, merged = pair
    answer = api(world.seller1).post(f"{URL}merge/", {"survivor": survivor.pk, "merged": [merged.pk],
                                                       "values": {"phone": merged.pk}}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["id"] == survivor.pk and answer.json()["phone"] == "010-88886666"
    assert Customer.all_objects.get(pk=merged.pk).merged_into_id == survivor.pk


@pytest.mark.parametrize(("body", "field"), [
    ({"merged": [1]}, "survivor"),
    ({"survivor": 1, "merged": []}, "merged"),
    ({"survivor": 1, "merged": "x"}, "merged"),
    ({"survivor": "x", "merged": [2]}, "survivor"),
    ({"survivor": 1, "merged": [2], "values": {"phone": "a"}}, "values"),
])
def test_merge_api_bad_bodies_are_a_400_naming_the_field(world, body, field):
    answer = api(world.seller1).post(f"{URL}merge/", body, format="json")
    assert answer.status_code == 400 and field in answer.json()


def test_merge_api_refusals(world, pair):
    survivor, merged = pair
    client = api(world.seller1)
    # With itself.
    answer = client.post(f"{URL}merge/", {"survivor": survivor.pk, "merged": [survivor.pk]}, format="json")
    assert answer.status_code == 400 and "merged" in answer.json()
    # An unknown field.
    answer = client.post(f"{URL}merge/", {"survivor": survivor.pk, "merged": [merged.pk],
                                          "values": {"secret": merged.pk}}, format="json")
    assert answer.status_code == 400 and "values" in answer.json()
    # A value from a customer that is not being merged.
    answer = client.post(f"{URL}merge/", {"survivor": survivor.pk, "merged": [merged.pk],
                                          "values": {"city": 999999}}, format="json")
    assert answer.status_code == 400 and "values" in answer.json()
    # One outside the caller's scope: 404, nothing merged.
    other = CustomerFactory(name="华为技术有限公司", owner=world.south_seller)
    answer = client.post(f"{URL}merge/", {"survivor": survivor.pk, "merged": [other.pk]}, format="json")
    assert answer.status_code == 404
    # Visible but not changeable: a reader gets 403.
    answer = api(world.reader).post(f"{URL}merge/", {"survivor": survivor.pk, "merged": [merged.pk]}, format="json")
    assert answer.status_code == 403
    # A stale version: 412.
    answer = client.post(f"{URL}merge/", {"survivor": survivor.pk, "merged": [merged.pk],
                                          "versions": {str(merged.pk): merged.version + 5}}, format="json")
    assert answer.status_code == 412
    assert Customer.objects.filter(pk__in=[survivor.pk, merged.pk, other.pk]).count() == 3
    assert not history(survivor).filter(postchange_data__has_key="merged").exists()


def test_a_visible_but_not_changeable_customer_is_a_403(world, pair):
    survivor, merged = pair
    # The dept head sees the seller's customers; a share without can_change lets seller2 view one.
    ct = ContentType.objects.get_for_model(Customer)
    mine = CustomerFactory(name="华为技术有限公司", owner=world.seller2)
    Share.objects.create(content_type=ct, object_id=survivor.pk, employee=world.seller2, can_change=False)
    answer = api(world.seller2).post(f"{URL}merge/", {"survivor": mine.pk, "merged": [survivor.pk]}, format="json")
    assert answer.status_code == 403
    assert Customer.objects.filter(pk=survivor.pk).exists()


def test_the_recycle_bin_says_into_which_customer_one_was_merged(client, world, pair):
    survivor, merged = pair
    customers_merge(survivor=survivor, merged=[merged], actor=world.seller1)
    client.force_login(world.seller1)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/recycle-bin/").content.decode()
    assert "华为技术（北京）有限公司" in page and "merged into 北京华为技术有限公司" in page
