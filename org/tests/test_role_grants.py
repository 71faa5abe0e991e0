"""Role grants changed through the API are written with the role, and audited with it."""

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from core.models import ObjectChange
from org.models import Role
from org.tests.factories import EmployeeFactory, make_role

pytestmark = pytest.mark.django_db


def test_api_grant_change_is_saved_and_audited_old_to_new():
    role = make_role("seller", {"customers.customer": {"view": "own"}})
    admin = EmployeeFactory(is_superuser=True)
    client = APIClient()
    client.force_authenticate(admin)
    response = client.patch(f"/api/org/roles/{role.pk}/", {"grants": [
        {"object_type": "customers.customer", "action": "view", "scope": "subtree"},
        {"object_type": "customers.customer", "action": "change", "scope": "own"},
    ]}, format="json")
    assert response.status_code == 200, response.content
    assert sorted((g["action"], g["scope"]) for g in response.json()["grants"]) == [
        ("change", "own"), ("view", "subtree")]
    changes = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Role), object_id=role.pk)
    assert changes.count() == 1
    change = changes.get()
    assert change.prechange_data["grants"] == ["customers.customer.view:own"]
    assert change.postchange_data["grants"] == ["customers.customer.change:own", "customers.customer.view:subtree"]


def test_api_refuses_a_grant_given_twice_and_keeps_the_old_ones():
    role = make_role("seller", {"customers.customer": {"view": "own"}})
    admin = EmployeeFactory(is_superuser=True)
    client = APIClient()
    client.force_authenticate(admin)
    grant = {"object_type": "customers.customer", "action": "view", "scope": "all"}
    response = client.patch(f"/api/org/roles/{role.pk}/", {"grants": [grant, grant]}, format="json")
    assert response.status_code == 400
    assert "grants" in response.json()
    assert list(role.permissions.values_list("scope", flat=True)) == ["own"]
