"""People are found the way colleagues type them: 杨建华, 建华, yangjianhua, yjh (issue 7, item 2).

Every surface goes through the one search definition (EmployeeFilterSet.search_fields): the list
page's `q`, the API's `?q=`, global search and the person picker (autocomplete).
"""

import pytest

from org.models import Employee
from org.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

QUERIES = ["杨建华", "杨", "建华", "杨 建华", "yangjianhua", "YangJianhua", "yang jianhua", "yjh", "YJH"]


@pytest.fixture
def yang(world):
    EmployeeFactory(username="wang.wei", last_name="王", first_name="伟", unit=world.units["nd1"])
    return EmployeeFactory(username="yang.jh", last_name="杨", first_name="建华", unit=world.units["nd1"])


@pytest.fixture
def ceo_client(client, world):
    client.force_login(EmployeeFactory(username="admin", is_superuser=True, unit=world.units["hq"]))
    return client


@pytest.mark.parametrize("query", QUERIES)
def test_employee_list_finds_a_person_by_full_name_parts_pinyin_and_initials(ceo_client, yang, query):
    page = ceo_client.get("/org/employees/", {"q": query}).content.decode()
    assert f"/org/employees/{yang.pk}/" in page
    assert "王伟" not in page


@pytest.mark.parametrize("query", ["杨建华", "yangjianhua", "yjh"])
def test_api_global_search_and_picker_find_the_full_name(ceo_client, yang, query):
    api = ceo_client.get("/api/org/employees/", {"q": query}).json()
    assert [row["id"] for row in api["results"]] == [yang.pk]
    assert f"/org/employees/{yang.pk}/" in ceo_client.get("/search/", {"q": query}).content.decode()
    options = ceo_client.get("/autocomplete/org.employee/", {"q": query}).content.decode()
    assert f'value="{yang.pk}"' in options and "王伟" not in options


def test_a_query_does_not_match_across_two_readings(ceo_client, yang):
    # "huay" would only match the key's pinyin and initials glued together.
    assert f"/org/employees/{yang.pk}/" not in ceo_client.get("/org/employees/", {"q": "huay"}).content.decode()


def test_renaming_updates_the_key_also_with_update_fields(yang):
    yang.first_name = "国华"
    yang.save(update_fields=["first_name"])
    assert Employee.objects.filter(search_key__icontains="yangguohua").get() == yang


def test_bulk_created_people_are_findable(world):
    Employee.objects.bulk_create([Employee(username="zeng.gf", last_name="曾", first_name="国藩")])
    # 曾 as a family name reads zeng; pypinyin's default reading (ceng) is kept too.
    for query in ("zengguofan", "zgf", "cengguofan", "曾国藩"):
        assert Employee.objects.filter(search_key__icontains=query).filter(username="zeng.gf").exists()


def test_global_search_tells_two_namesakes_apart_by_unit_and_title(client, world):
    from org.tests.factories import EmployeeFactory

    EmployeeFactory(username="wangwei.north", last_name="王", first_name="伟", unit=world.units["nd1"],
                    title="客户经理")
    EmployeeFactory(username="wangwei.south", last_name="王", first_name="伟", unit=world.units["south"],
                    title="区域经理")
    client.force_login(world.ceo)
    page = client.get("/search/", {"q": "王伟"}).content.decode()
    assert "北京销售一部 · 客户经理" in page and "南区 · 区域经理" in page


def test_an_employee_mobile_must_look_like_a_phone_number(client, world):
    from rest_framework.test import APIClient

    from org.tests.factories import EmployeeFactory

    person = EmployeeFactory(username="mobile.check", unit=world.units["south"])
    root = EmployeeFactory(username="root.mobile", unit=world.units["hq"], is_superuser=True)
    api = APIClient()
    api.force_authenticate(root)
    bad = api.patch(f"/api/org/employees/{person.pk}/", {"mobile": "abc"}, format="json")
    assert bad.status_code == 400 and "mobile" in bad.json()
    good = api.patch(f"/api/org/employees/{person.pk}/", {"mobile": "+86 138-0013-8000"}, format="json")
    assert good.status_code == 200, good.content
