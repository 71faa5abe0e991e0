"""The privilege rule (org/services.py): nobody changes a user more powerful than they are, nobody
grants or assigns more than they hold, only a superuser sets is_superuser / is_staff.

Every refused request is checked to write nothing: the stored row, its roles and grants, and the
audit log stay as they were. Each surface is covered: API and pages.
"""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from core.models import ObjectChange
from core.registry import ACTIONS, object_types
from org import services
from org.models import Employee, Role, Scope
from org.tests.factories import EmployeeFactory, OrgUnitFactory, full_grants, make_role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kd-9!takeover-Lantern"
ORG_KEYS = ("org.orgunit", "org.employee", "org.role", "org.team", "org.productline")


class People:
    pass


@pytest.fixture
def people():
    p = People()
    unit = OrgUnitFactory(code="HQ-T")
    every_key = [t.key for t in object_types()]
    p.administrator = make_role("administrator", full_grants(every_key, "all", actions=ACTIONS))
    p.executive = make_role("executive", full_grants(("customers.customer",), "all"))
    # HR manages people and roles, but works only on their own customers.
    p.hr_role = make_role("hr", {**full_grants(ORG_KEYS, "all", actions=ACTIONS),
                                 **full_grants(("customers.customer",), "own")})
    p.seller_role = make_role("seller", full_grants(("customers.customer",), "own"))
    p.root = EmployeeFactory(username="root", unit=unit, is_superuser=True, is_staff=True)
    p.admin = EmployeeFactory(username="it.admin", unit=unit, roles=[p.administrator])
    p.ceo = EmployeeFactory(username="ceo", unit=unit, roles=[p.executive])
    p.hr = EmployeeFactory(username="hr", unit=unit, roles=[p.hr_role])
    p.seller = EmployeeFactory(username="seller", unit=unit, roles=[p.seller_role])
    return p


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user):
    client = Client()
    client.force_login(user)
    return client


def state(employee):
    employee = Employee.objects.get(pk=employee.pk)
    return (employee.password, employee.is_active, employee.is_superuser, employee.is_staff, employee.version,
            sorted(employee.roles.values_list("code", flat=True)))


def role_state(role):
    return sorted(role.permissions.values_list("object_type", "action", "scope")), Role.objects.get(pk=role.pk).name


def audit_count():
    return ObjectChange.objects.count()


def employee_form(employee, **changes):
    data = {"username": employee.username, "last_name": employee.last_name, "first_name": employee.first_name,
            "email": employee.email, "unit": str(employee.unit_id), "version": str(employee.version),
            "roles": [str(pk) for pk in employee.roles.values_list("pk", flat=True)], "is_active": "on"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- API ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("change", [{"password": NEW_PASSWORD}, {"is_active": False}, {"title": "x"},
                                    {"roles": []}])
def test_api_administrator_cannot_change_the_superuser(people, change):
    before, logged = state(people.root), audit_count()
    response = api(people.admin).patch(f"/api/org/employees/{people.root.pk}/", change, format="json")
    assert response.status_code == 403, response.content
    assert str(people.root) in response.json()["detail"]
    assert state(people.root) == before and audit_count() == logged
    assert Employee.objects.get(pk=people.root.pk).check_password("demo")


def test_api_superuser_may_change_the_superuser_and_the_administrator(people):
    response = api(people.root).patch(f"/api/org/employees/{people.admin.pk}/", {"password": NEW_PASSWORD},
                                      format="json")
    assert response.status_code == 200, response.content
    assert Employee.objects.get(pk=people.admin.pk).check_password(NEW_PASSWORD)


def test_api_administrator_still_manages_ordinary_users(people):
    response = api(people.admin).patch(f"/api/org/employees/{people.seller.pk}/",
                                       {"password": NEW_PASSWORD, "roles": [people.executive.pk]}, format="json")
    assert response.status_code == 200, response.content
    assert Employee.objects.get(pk=people.seller.pk).check_password(NEW_PASSWORD)


def test_api_cannot_change_a_user_whose_roles_grant_more(people):
    # HR may change employees, but the CEO sees every customer and HR only their own.
    before, logged = state(people.ceo), audit_count()
    for change in ({"password": NEW_PASSWORD}, {"is_active": False}, {"roles": [people.seller_role.pk]}):
        response = api(people.hr).patch(f"/api/org/employees/{people.ceo.pk}/", change, format="json")
        assert response.status_code == 403, (change, response.content)
    assert state(people.ceo) == before and audit_count() == logged


def test_api_cannot_assign_oneself_a_stronger_role(people):
    before, logged = state(people.hr), audit_count()
    response = api(people.hr).patch(f"/api/org/employees/{people.hr.pk}/",
                                    {"roles": [people.hr_role.pk, people.executive.pk]}, format="json")
    assert response.status_code == 400, response.content
    assert "executive" in " ".join(response.json()["roles"])
    assert state(people.hr) == before and audit_count() == logged


def test_api_cannot_assign_another_user_a_stronger_role_nor_create_one_with_it(people):
    response = api(people.hr).patch(f"/api/org/employees/{people.seller.pk}/",
                                    {"roles": [people.executive.pk]}, format="json")
    assert response.status_code == 400 and "roles" in response.json()
    response = api(people.hr).post("/api/org/employees/", {
        "username": "new.one", "unit": people.hr.unit_id, "password": NEW_PASSWORD,
        "roles": [people.administrator.pk]}, format="json")
    assert response.status_code == 400 and "roles" in response.json()
    assert not Employee.objects.filter(username="new.one").exists()


def test_api_may_assign_roles_within_what_one_holds(people):
    response = api(people.hr).patch(f"/api/org/employees/{people.seller.pk}/",
                                    {"roles": [people.seller_role.pk], "title": "客户经理"}, format="json")
    assert response.status_code == 200, response.content


def test_api_cannot_widen_a_role_one_holds(people):
    # Escalation through one's own role: HR adds "every customer" to the hr role.
    before, logged = role_state(people.hr_role), audit_count()
    grants = [{"object_type": k, "action": a, "scope": "all"} for k in ORG_KEYS for a in ("view", "change")]
    grants.append({"object_type": "customers.customer", "action": "view", "scope": "all"})
    response = api(people.hr).patch(f"/api/org/roles/{people.hr_role.pk}/", {"grants": grants}, format="json")
    assert response.status_code == 400, response.content
    assert "grants" in response.json()
    assert role_state(people.hr_role) == before and audit_count() == logged


def test_api_cannot_create_a_role_granting_more(people):
    response = api(people.hr).post("/api/org/roles/", {"name": "超级", "code": "super", "grants": [
        {"object_type": "customers.customer", "action": "delete", "scope": "subtree"}]}, format="json")
    assert response.status_code == 400 and "grants" in response.json()
    assert not Role.objects.filter(code="super").exists()
    response = api(people.hr).post("/api/org/roles/", {"name": "只看自己", "code": "own-view", "grants": [
        {"object_type": "customers.customer", "action": "view", "scope": "own"}]}, format="json")
    assert response.status_code == 201, response.content


def test_api_cannot_change_or_delete_a_role_granting_more(people):
    before = role_state(people.executive)
    client = api(people.hr)
    assert client.patch(f"/api/org/roles/{people.executive.pk}/", {"name": "降级"}, format="json").status_code == 403
    assert client.patch(f"/api/org/roles/{people.executive.pk}/", {"grants": []}, format="json").status_code == 403
    assert client.delete(f"/api/org/roles/{people.executive.pk}/").status_code == 403
    assert role_state(people.executive) == before
    assert Role.objects.get(pk=people.executive.pk).deleted_at is None


@pytest.mark.parametrize("flag", ["is_superuser", "is_staff"])
def test_api_only_a_superuser_sets_superuser_or_staff(people, flag):
    before = state(people.seller)
    for actor in (people.admin, people.seller if flag == "is_staff" else people.hr):
        response = api(actor).patch(f"/api/org/employees/{people.seller.pk}/", {flag: True}, format="json")
        assert response.status_code in (400, 403), response.content
    response = api(people.admin).patch(f"/api/org/employees/{people.admin.pk}/", {flag: True}, format="json")
    assert response.status_code == 400 and flag in response.json(), response.content
    assert state(people.seller) == before
    assert getattr(Employee.objects.get(pk=people.admin.pk), flag) is False
    # Sending the stored value is not a change (a PUT round-trip).
    response = api(people.admin).patch(f"/api/org/employees/{people.seller.pk}/", {flag: False}, format="json")
    assert response.status_code == 200
    response = api(people.root).patch(f"/api/org/employees/{people.seller.pk}/", {flag: True}, format="json")
    assert response.status_code == 200 and response.json()[flag] is True


# --- pages -------------------------------------------------------------------------------------

def test_page_administrator_cannot_open_or_post_the_superusers_edit_form(people):
    client = page(people.admin)
    url = f"/org/employees/{people.root.pk}/edit/"
    before, logged = state(people.root), audit_count()
    assert client.get(url).status_code == 403
    response = client.post(url, employee_form(people.root, password=NEW_PASSWORD, is_active=None))
    assert response.status_code == 403
    assert state(people.root) == before and audit_count() == logged


def test_page_cannot_change_a_user_whose_roles_grant_more(people):
    client = page(people.hr)
    url = f"/org/employees/{people.ceo.pk}/edit/"
    before = state(people.ceo)
    assert client.get(url).status_code == 403
    assert client.post(url, employee_form(people.ceo, password=NEW_PASSWORD)).status_code == 403
    assert state(people.ceo) == before


def test_page_cannot_assign_oneself_a_stronger_role(people):
    client = page(people.hr)
    before, logged = state(people.hr), audit_count()
    data = employee_form(people.hr, roles=[str(people.hr_role.pk), str(people.administrator.pk)])
    response = client.post(f"/org/employees/{people.hr.pk}/edit/", data)
    assert response.status_code == 400
    assert "administrator" in response.context["form"].errors["roles"][0]
    assert state(people.hr) == before and audit_count() == logged


def test_page_role_form_refuses_grants_beyond_the_actor_and_marks_the_cell(people):
    client = page(people.hr)
    before = role_state(people.hr_role)
    data = {"name": people.hr_role.name, "code": people.hr_role.code, "version": str(people.hr_role.version)}
    for key in ORG_KEYS:
        for action in ("view", "change"):
            data[f"grant__{key}__{action}"] = "all"
    data["grant__customers.customer__view"] = "all"
    response = client.post(f"/org/roles/{people.hr_role.pk}/edit/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["grant__customers.customer__view"]
    assert 'data-field-error="grant__customers.customer__view"' in response.content.decode()
    assert role_state(people.hr_role) == before


def test_page_cannot_edit_or_delete_a_role_granting_more(people):
    client = page(people.hr)
    assert client.get(f"/org/roles/{people.executive.pk}/edit/").status_code == 403
    assert client.post(f"/org/roles/{people.executive.pk}/delete/", {"confirm": "on"}).status_code == 403
    assert Role.objects.get(pk=people.executive.pk).deleted_at is None


def test_page_superuser_flags_are_offered_to_superusers_only(people):
    url = f"/org/employees/{people.seller.pk}/edit/"
    assert "is_superuser" not in page(people.admin).get(url).context["form"].fields
    page(people.admin).post(url, employee_form(people.seller, is_superuser="on", is_staff="on"))
    assert state(people.seller)[2:4] == (False, False)
    assert "is_superuser" in page(people.root).get(url).context["form"].fields
    seller = Employee.objects.get(pk=people.seller.pk)
    assert page(people.root).post(url, employee_form(seller, is_staff="on")).status_code == 302
    assert Employee.objects.get(pk=people.seller.pk).is_staff


def test_page_bulk_edit_cannot_move_the_superuser(people):
    before = state(people.root)
    response = page(people.admin).post("/org/employees/bulk-edit/", {
        "pk": [str(people.root.pk), str(people.seller.pk)], "unit": str(OrgUnitFactory().pk), "_apply": "1"})
    assert response.status_code == 400
    assert state(people.root) == before
    assert Employee.objects.get(pk=people.root.pk).unit_id == people.root.unit_id


# --- the comparison itself ---------------------------------------------------------------------

@pytest.mark.parametrize("held, wanted, allowed", [
    ("all", "subtree", True), ("subtree", "unit", True), ("subtree", "own", True),
    ("unit", "subtree", False), ("subordinates", "unit", False), ("unit", "subordinates", False),
    ("own", "subordinates", False), ("subtree", "all", False), ("own", "own", True),
])
def test_scopes_are_compared_as_a_partial_order(people, held, wanted, allowed):
    make_role("probe", {"customers.customer": {"view": held}})
    actor = EmployeeFactory(roles=[Role.objects.get(code="probe")])
    beyond = services.grants_beyond(actor, [("customers.customer", "view", wanted)])
    assert (beyond == []) is allowed


def test_scope_of_a_global_type_decides_nothing(people):
    # Org objects have no owner: "own" on employees already reaches every employee.
    actor = EmployeeFactory(roles=[make_role("org-own", {"org.employee": {"change": Scope.OWN}})])
    assert services.grants_beyond(actor, [("org.employee", "change", Scope.ALL)]) == []
    assert services.grants_beyond(actor, [("org.employee", "delete", Scope.OWN)]) != []
