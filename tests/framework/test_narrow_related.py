"""The related rows a list joins are read narrowed to what names them
(core.models.KedaoQuerySet.narrow_related): their __str__ and, for a scoped type, owner and unit;
naming them costs no query, and a relation joined further stays joinable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity
from activities.tests.factories import ActivityFactory
from customers.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_joined_rows_hold_their_names_owner_and_unit_and_nothing_else(world):
    customer = CustomerFactory(owner=world.seller1, name="窄读客户有限公司", phone="010-12345678")
    ActivityFactory(owner=world.seller1, customer=customer)
    rows = Activity.objects.select_related("customer", "owner", "org_unit").narrow_related()
    with CaptureQueriesContext(connection) as captured:
        row = rows.get(customer=customer)
        names = (str(row.customer), str(row.owner), str(row.org_unit))
        owner_and_unit = (row.customer.owner_id, row.customer.org_unit_id)
    assert len(captured) == 1
    assert names == (customer.name, str(world.seller1), str(world.seller1.unit))
    assert owner_and_unit == (world.seller1.pk, customer.org_unit_id)
    assert "phone" in row.customer.get_deferred_fields()
    assert "email" in row.owner.get_deferred_fields()
    # The record itself is read whole; a deferred column still reads when asked (one query).
    assert not row.get_deferred_fields()
    assert row.customer.phone == "010-12345678"


def test_a_relation_joined_through_a_narrowed_row_stays(world):
    customer = CustomerFactory(owner=world.seller1)
    ActivityFactory(owner=world.seller1, customer=customer)
    rows = Activity.objects.select_related("customer__owner").narrow_related()
    with CaptureQueriesContext(connection) as captured:
        row = rows.get(customer=customer)
        assert str(row.customer.owner) == str(world.seller1)
    assert len(captured) == 1


def test_an_only_queryset_is_left_as_it_is(world):
    ActivityFactory(owner=world.seller1)
    rows = Activity.objects.select_related("customer").only("subject", "customer__name")
    assert rows.narrow_related().query.deferred_loading == rows.query.deferred_loading


def test_the_activity_list_and_api_name_customers_and_owners(client, world):
    customer = CustomerFactory(owner=world.seller1, name="列表上的客户有限公司")
    ActivityFactory(owner=world.seller1, customer=customer, subject="窄读拜访")
    client.force_login(world.seller1)
    page = client.get(reverse("activities:activity_list")).content.decode()
    assert "窄读拜访" in page and customer.name in page
    row = next(r for r in client.get(reverse("activities-api:activity-list")).json()["results"]
               if r["subject"] == "窄读拜访")
    assert row["customer_name"] == customer.name and row["owner_name"] == str(world.seller1)


def test_related_rows_fetched_by_id_are_narrowed_too(world):
    """Past JOIN_LIMIT relations a page fetches its related rows by id (related_by_id): narrowed
    the same way, still from the base manager (a customer in the recycle bin is still named)."""
    from django.utils import timezone

    from customers.models import Customer

    customer = CustomerFactory(owner=world.seller1, name="分开读的客户有限公司")
    ActivityFactory(owner=world.seller1, customer=customer)
    Customer.all_objects.filter(pk=customer.pk).update(deleted_at=timezone.now())
    rows = Activity.objects.select_related("customer", "opportunity", "owner", "org_unit", "updated_by")
    assert len(rows.query.select_related) > Activity.objects.none().JOIN_LIMIT
    narrowed = rows.related_by_id(narrow=True)
    assert not narrowed.query.select_related
    with CaptureQueriesContext(connection) as captured:
        row = narrowed.get(customer_id=customer.pk)
        names = (str(row.customer), str(row.owner), row.customer.owner_id)
    assert names == (customer.name, str(world.seller1), world.seller1.pk)
    assert "phone" in row.customer.get_deferred_fields()
    before = len(captured)
    with CaptureQueriesContext(connection) as again:
        str(row.org_unit), str(row.customer)
    # The row, then one query per relation that has rows: customer, owner, unit (no opportunity,
    # no editor); naming them again reads nothing.
    assert before == 4 and len(again) == 0
