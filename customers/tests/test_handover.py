"""Handover (org/handover.py) of a leaver's customers: preview, confirm, contacts follow, shares move,
the org unit moves, audit rows, deactivation, hooks, permissions and bad input."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.authtoken.models import Token

from core import registry
from core.models import ObjectChange, Share
from customers.models import Contact, Customer
from customers.tests.factories import ContactFactory, CustomerFactory
from org.handover import handover_preview, records_handover
from org.models import Employee
from org.tests.factories import EmployeeFactory, full_grants, make_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world):
    keys = [t.key for t in registry.object_types()]
    role = make_role("handover_admin", full_grants(keys, "all"))
    return EmployeeFactory(username="handover.admin", unit=world.units["hq"], roles=[role])


@pytest.fixture
def leaver_data(world):
    seller = world.seller1
    customers = [CustomerFactory(owner=seller, name=f"交接客户{i}") for i in range(3)]
    contacts = [ContactFactory(customer=customer) for customer in customers]
    other = CustomerFactory(owner=world.south_seller, name="南区客户")
    content_type = ContentType.objects.get_for_model(Customer)
    share = Share.objects.create(content_type=content_type, object_id=other.pk, employee=seller, can_change=True)
    return {"customers": customers, "contacts": contacts, "shared": other, "share": share}


def lines(plan):
    return {line.key: line.count for line in plan.lines}


def test_preview_counts_and_writes_nothing(world, admin, leaver_data):
    before = ObjectChange.objects.count()
    plan = handover_preview(from_user=world.seller1, to_user=world.seller3, actor=admin)
    assert lines(plan)["customers.customer"] == 3
    assert lines(plan)["shares"] == 1
    assert ObjectChange.objects.count() == before
    assert Customer.objects.filter(owner=world.seller1).count() == 3


def test_handover_moves_customers_contacts_shares_and_unit_with_audit(world, admin, leaver_data):
    done = records_handover(from_user=world.seller1, to_user=world.seller3, actor=admin, reason="离职")
    assert lines(done)["customers.customer"] == 3 and lines(done)["shares"] == 1
    for customer in leaver_data["customers"]:
        customer.refresh_from_db()
        assert (customer.owner, customer.org_unit) == (world.seller3, world.units["nb2"])
        assert customer.owned_since is not None
        change = ObjectChange.objects.filter(object_id=customer.pk,
                                             content_type=ContentType.objects.get_for_model(Customer)).latest("id")
        assert change.user == admin
        assert change.prechange_data["owner"]["id"] == world.seller1.pk
        assert change.postchange_data["owner"]["id"] == world.seller3.pk
        assert change.postchange_data["org_unit"]["id"] == world.units["nb2"].pk
        assert change.postchange_data["handover"] == "离职"
    # Contacts follow their customer: the new owner may change them, the leaver no longer sees them.
    contact_ids = [c.pk for c in leaver_data["contacts"]]
    assert Contact.objects.visible_to(world.seller3, "change").filter(pk__in=contact_ids).count() == 3
    assert not Contact.objects.visible_to(world.seller1, "view").filter(pk__in=contact_ids).exists()
    share = Share.objects.get(pk=leaver_data["share"].pk)
    assert share.employee == world.seller3 and share.can_change
    # The leaver's page history says what happened.
    employee_change = ObjectChange.objects.filter(
        object_id=world.seller1.pk, content_type=ContentType.objects.get_for_model(Employee)).latest("id")
    assert world.seller3.get_full_name() in employee_change.postchange_data["handover"]
    assert Employee.objects.get(pk=world.seller1.pk).is_active  # not asked to deactivate


def test_selected_customers_only(world, admin, leaver_data):
    chosen = leaver_data["customers"][0]
    done = records_handover(from_user=world.seller1, to_user=world.seller2, object_types=["customers.customer"],
                            ids=[chosen.pk], actor=admin)
    assert lines(done)["customers.customer"] == 1
    assert Customer.objects.get(pk=chosen.pk).owner == world.seller2
    assert Customer.objects.filter(owner=world.seller1).count() == 2
    assert Share.objects.get(pk=leaver_data["share"].pk).employee == world.seller1  # not selected


def test_deactivate_ends_sessions_and_tokens_and_keeps_records(world, admin, leaver_data, client):
    token = Token.objects.create(user=world.seller1)
    client.force_login(world.seller1)
    records_handover(from_user=world.seller1, to_user=world.seller3, deactivate=True, actor=admin)
    assert not Employee.objects.get(pk=world.seller1.pk).is_active
    assert not Token.objects.filter(pk=token.pk).exists()
    assert client.get(reverse("customers:customer_list")).status_code == 302  # logged out
    assert Customer.objects.filter(pk__in=[c.pk for c in leaver_data["customers"]]).count() == 3


def test_handover_hooks_are_counted_and_applied(world, admin, leaver_data, monkeypatch):
    calls = []
    monkeypatch.setattr(registry, "_handover_hooks", {})
    registry.register_handover_hook("test.places", "Account-team places", lambda from_user, ids: 2,
                                    lambda from_user, to_user, ids, actor: calls.append((from_user, to_user, ids)) or 2)
    plan = handover_preview(from_user=world.seller1, to_user=world.seller3, actor=admin)
    assert lines(plan)["hook:test.places"] == 2 and not calls
    records_handover(from_user=world.seller1, to_user=world.seller3, actor=admin)
    assert calls == [(world.seller1, world.seller3, None)]
    ids = [leaver_data["customers"][0].pk]
    calls.clear()
    records_handover(from_user=world.seller3, to_user=world.seller2, object_types=["customers.customer"], ids=ids,
                     actor=admin)
    assert calls == [(world.seller3, world.seller2, ids)]


def test_bad_input_changes_nothing(world, admin, leaver_data):
    inactive = EmployeeFactory(unit=world.units["nd1"], is_active=False)
    no_unit = EmployeeFactory(unit=None)
    cases = [
        ({"to_user": None}, "to_user"),
        ({"to_user": inactive}, "to_user"),
        ({"to_user": no_unit}, "to_user"),
        ({"to_user": world.seller1}, "to_user"),  # to themselves
        ({"to_user": world.seller2, "object_types": ["no.such_type"]}, "object_types"),
        ({"to_user": world.seller2, "object_types": ["org.orgunit"]}, "object_types"),  # no owners
        ({"to_user": world.seller2, "object_types": []}, "object_types"),
        ({"to_user": world.seller2, "ids": [leaver_data["shared"].pk], "object_types": ["customers.customer"]},
         "ids"),  # not theirs
        ({"to_user": world.seller2, "ids": ["abc"], "object_types": ["customers.customer"]}, "ids"),
        ({"to_user": world.seller2, "ids": [leaver_data["customers"][0].pk]}, "ids"),  # needs one type
    ]
    before = ObjectChange.objects.count()
    for arguments, field in cases:
        with pytest.raises(ValidationError) as error:
            records_handover(from_user=world.seller1, actor=admin, **arguments)
        assert field in error.value.message_dict, (arguments, error.value)
    assert ObjectChange.objects.count() == before
    assert Customer.objects.filter(owner=world.seller1).count() == 3


def test_who_may_hand_over(world, admin, leaver_data):
    # A manager without the right to change employees may not; nor may a seller.
    for actor in (world.north_manager, world.seller2):
        with pytest.raises(PermissionDenied):
            records_handover(from_user=world.seller1, to_user=world.seller3, actor=actor)
    # An HR role that changes employees but sees only its own customers may not move others' customers.
    hr = make_role("hr", {"org.employee": {"view": "all", "change": "all"},
                          "customers.customer": {"view": "own", "change": "own"}})
    clerk = EmployeeFactory(unit=world.units["hq"], roles=[hr])
    with pytest.raises(PermissionDenied):
        records_handover(from_user=world.seller1, to_user=world.seller3, actor=clerk)
    # Nobody below a superuser hands a superuser's records over.
    boss = EmployeeFactory(unit=world.units["hq"], is_superuser=True)
    with pytest.raises(PermissionDenied):
        records_handover(from_user=boss, to_user=world.seller3, actor=admin)
    assert Customer.objects.filter(owner=world.seller1).count() == 3


def test_handover_page_preview_then_confirm(world, admin, leaver_data, client):
    client.force_login(admin)
    detail = client.get(reverse("org:employee_detail", args=[world.seller1.pk])).content.decode()
    assert 'data-action="handover"' in detail
    url = reverse("org:employee_handover", args=[world.seller1.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"to_user": world.seller3.pk, "object_types": ["customers.customer"],
                                 "preview": ""})
    assert response.status_code == 200 and 'data-testid="handover-preview"' in response.content.decode()
    assert Customer.objects.filter(owner=world.seller1).count() == 3  # preview only
    response = client.post(url, {"to_user": "99999999", "confirm": ""})
    assert response.status_code == 400
    response = client.post(url, {"to_user": world.seller3.pk, "object_types": ["customers.customer"],
                                 "ids": "1, x", "preview": ""})
    assert response.status_code == 400
    response = client.post(url, {"to_user": world.seller3.pk, "object_types": ["customers.customer"],
                                 "deactivate": "on", "confirm": ""})
    assert response.status_code == 302
    assert Customer.objects.filter(owner=world.seller3).count() == 3
    assert not Employee.objects.get(pk=world.seller1.pk).is_active
    client.force_login(world.north_manager)
    assert client.get(reverse("org:employee_handover", args=[world.seller2.pk])).status_code == 403


def test_large_handover_is_a_few_queries(world, admin, django_assert_max_num_queries):
    owner = world.seller2
    Customer.objects.bulk_create([Customer(name=f"批量{i}", owner=owner, org_unit=owner.unit) for i in range(600)])
    # Content types are looked up once per process: counted here only when this test runs first.
    ContentType.objects.get_for_models(*apps.get_models())
    with django_assert_max_num_queries(40):
        done = records_handover(from_user=owner, to_user=world.seller3, actor=admin)
    assert lines(done)["customers.customer"] == 600
    assert Customer.objects.filter(owner=world.seller3, org_unit=world.units["nb2"]).count() == 600
    assert ObjectChange.objects.filter(postchange_data__handover__isnull=False,
                                       content_type=ContentType.objects.get_for_model(Customer)).count() == 600


def test_the_new_owner_is_told_once_the_handover_commits(world, admin, leaver_data, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        done = records_handover(from_user=world.seller1, to_user=world.seller3, actor=admin, reason="离职")
    notice = Notification.objects.get(recipient=world.seller3, event="org.handover_received")
    assert done.total == 4  # three customers and one share
    assert str(world.seller1) in notice.title and "4" in notice.title
    assert ": 3" in notice.body and "离职" in notice.body
    assert notice.url == f"/customers/?owner={world.seller3.pk}"
    # Nobody else hears of it, and a handover that moved nothing tells nobody.
    assert not Notification.objects.filter(event="org.handover_received").exclude(recipient=world.seller3).exists()
    with django_capture_on_commit_callbacks(execute=True):
        records_handover(from_user=world.seller1, to_user=world.seller3, actor=admin)
    assert Notification.objects.filter(event="org.handover_received").count() == 1
