"""The example app's projects are registered as activity targets
(core.registry.register_activity_target): what a later object type gets from that registration."""

import pytest

from activities.models import Activity
from customers.models import Customer
from customers.tests.factories import CustomerFactory
from tests.example_app.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def log(client, user, **data):
    client.force_login(user)
    body = {"status": "done", "priority": "normal", **{k: str(v) for k, v in data.items()}}
    return client.post("/activities/add/", body)


def test_an_activity_logged_on_a_registered_record_shows_there_and_on_its_customer(client, world):
    """The example app's projects are registered as activity targets: the panel on a project's page
    offers "Log", the activity is linked to the project and lands on the project's customer."""
    seller = world.users["seller1"]
    customer = CustomerFactory(owner=seller)
    project = ProjectFactory(owner=seller, customer=customer, name="二期改造")
    client.force_login(seller)
    page = client.get(f"/activities/add/?related=example_app.project:{project.pk}&kind=visit")
    assert page.status_code == 200
    assert f'value="example_app.project:{project.pk}"' in page.content.decode()
    response = log(client, seller, kind="visit", subject="项目现场勘察", starts_at="2026-11-20T10:00",
                   related=f"example_app.project:{project.pk}")
    assert response.status_code == 302
    activity = Activity.objects.get(subject="项目现场勘察")
    assert activity.related == project and activity.customer == customer
    assert Customer.objects.get(pk=customer.pk).last_contacted_at is not None
    # The project's page lists it; the activity's page links back; the list filters by it.
    detail = client.get(project.get_absolute_url()).content.decode()
    assert "项目现场勘察" in detail
    assert project.get_absolute_url() in client.get(activity.get_absolute_url()).content.decode()
    listed = client.get("/activities/", {"related": f"example_app.project:{project.pk}"})
    assert [a.pk for a in listed.context["table"].data] == [activity.pk]
    assert client.get("/activities/", {"related": "auth.user:1"}).status_code == 400


def test_a_record_the_user_may_not_see_or_an_unregistered_type_cannot_be_linked(client, world):
    seller = world.users["seller1"]
    hidden = ProjectFactory(owner=world.users["south_seller"], customer=CustomerFactory(owner=world.users["south_seller"]))
    for value, reason in ((f"example_app.project:{hidden.pk}", "may not see"),
                          ("org.employee:1", "cannot be linked"), ("example_app.project:abc", "cannot be linked")):
        response = log(client, seller, kind="note", subject=f"越权{value}", related=value)
        assert response.status_code == 400, value
        assert reason in response.content.decode() or "不能" in response.content.decode() or \
            "无权" in response.content.decode()
        assert not Activity.objects.filter(subject=f"越权{value}").exists()
    # The linked record's customer and the customer given must agree.
    mine = ProjectFactory(owner=seller, customer=CustomerFactory(owner=seller))
    response = log(client, seller, kind="note", subject="错配项目", related=f"example_app.project:{mine.pk}",
                   customer=CustomerFactory(owner=seller).pk)
    assert response.status_code == 400 and not Activity.objects.filter(subject="错配项目").exists()
