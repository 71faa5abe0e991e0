"""A new password or a deactivation ends the user's API tokens and login sessions.

Whoever changes it (the user, an administrator on the page or through the API): the old token
answers 401, a new login gets a new key, other browsers are logged out.
"""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework.test import APIClient

from core.models import ObjectChange
from core.registry import ACTIONS, object_types
from org.models import Employee
from org.tests.factories import EmployeeFactory, OrgUnitFactory, full_grants, make_role

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kd-9!reset-Lantern"
DEMO_PASSWORD = "demo"  # the factories' password
PROBE = "/api/org/employees/"


@pytest.fixture
def admin():
    every_key = [t.key for t in object_types()]
    role = make_role("administrator", full_grants(every_key, "all", actions=ACTIONS))
    return EmployeeFactory(username="it.admin", unit=OrgUnitFactory(), roles=[role])


@pytest.fixture
def user():
    org_viewer = make_role("org-viewer", full_grants(("org.employee",), "all", actions=("view",)))
    return EmployeeFactory(username="north.seller1", unit=OrgUnitFactory(), roles=[org_viewer])


def token_for(username, password=DEMO_PASSWORD):
    response = APIClient().post("/api/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def browser_of(username, password=DEMO_PASSWORD):
    client = Client()
    assert client.post("/login/", {"username": username, "password": password}).status_code == 302
    assert client.get("/org/employees/").status_code == 200
    return client


def logged_out(client):
    response = client.get("/org/employees/")
    return response.status_code == 302 and "/login/" in response["Location"]


def sessions_of(employee):
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(employee.pk)]


def admin_api(admin):
    client = APIClient()
    client.force_authenticate(admin)
    return client


def test_api_password_reset_revokes_token_and_sessions(admin, user):
    old = token_for(user.username)
    other_browser = browser_of(user.username)
    assert with_token(old).get(PROBE).status_code == 200
    response = admin_api(admin).patch(f"/api/org/employees/{user.pk}/", {"password": NEW_PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    assert with_token(old).get(PROBE).status_code == 401
    assert sessions_of(user) == []
    assert logged_out(other_browser)
    new = token_for(user.username, NEW_PASSWORD)
    assert new != old
    assert with_token(new).get(PROBE).status_code == 200
    # The history says who reset the password and when; never the hash.
    change = ObjectChange.objects.filter(object_id=user.pk, content_type__model="employee").latest("pk")
    assert change.user == admin
    assert change.prechange_data["password_changed_at"] is None
    assert change.postchange_data["password_changed_at"]
    assert "password" not in change.postchange_data


def test_page_password_reset_revokes_token_and_sessions(admin, user):
    old = token_for(user.username)
    other_browser = browser_of(user.username)
    client = Client()
    client.force_login(admin)
    user = Employee.objects.get(pk=user.pk)
    data = {"username": user.username, "last_name": user.last_name, "first_name": user.first_name,
            "email": user.email, "unit": str(user.unit_id), "version": str(user.version), "is_active": "on",
            "roles": [str(pk) for pk in user.roles.values_list("pk", flat=True)], "password": NEW_PASSWORD}
    response = client.post(f"/org/employees/{user.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert with_token(old).get(PROBE).status_code == 401
    assert logged_out(other_browser)
    assert token_for(user.username, NEW_PASSWORD) != old
    # The administrator's own session is untouched.
    assert client.get("/org/employees/").status_code == 200


def test_api_deactivation_revokes_token_and_every_session(admin, user):
    old = token_for(user.username)
    other_browser = browser_of(user.username)
    response = admin_api(admin).patch(f"/api/org/employees/{user.pk}/", {"is_active": False}, format="json")
    assert response.status_code == 200, response.content
    assert with_token(old).get(PROBE).status_code == 401
    assert sessions_of(user) == []
    assert logged_out(other_browser)
    from rest_framework.authtoken.models import Token

    assert not Token.objects.filter(user=user).exists()


def test_other_edits_keep_the_token(admin, user):
    old = token_for(user.username)
    response = admin_api(admin).patch(f"/api/org/employees/{user.pk}/", {"title": "客户经理"}, format="json")
    assert response.status_code == 200
    assert with_token(old).get(PROBE).status_code == 200


def test_own_password_change_keeps_this_session_and_ends_the_others(user):
    old = token_for(user.username)
    other_browser = browser_of(user.username)
    this_browser = browser_of(user.username)
    response = this_browser.post("/account/password/", {
        "old_password": "demo", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    # Deleted at once, not only refused when the other browser comes back.
    assert len(sessions_of(user)) == 1
    assert this_browser.get("/org/employees/").status_code == 200
    assert logged_out(other_browser)
    assert with_token(old).get(PROBE).status_code == 401
    assert token_for(user.username, NEW_PASSWORD) != old
