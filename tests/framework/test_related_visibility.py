"""A list's related column names only records the reader may see (core.tables.hides_related).
Most related records are the reader's own or in a unit they reach: those are told visible from
the loaded row (org.permissions.reaches_by_scope) without building the related type's condition
or querying it; the rest are still checked by the one permission decision."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Share
from core.permissions import reaches_by_scope
from customers.models import Customer
from customers.tests.factories import CustomerFactory
from tests.example_app.models import Project
from tests.example_app.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

HIDDEN = ("一条您无权查看的记录", "a record you cannot see")


def _reaches(world, username, customer):
    return reaches_by_scope(world.users[username], Customer, "view", customer.owner_id, customer.org_unit_id)


def test_reaches_by_scope_follows_each_scope(world):
    own = CustomerFactory(owner=world.seller1)
    colleague = CustomerFactory(owner=world.seller2)  # same department, another seller
    south = CustomerFactory(owner=world.south_seller)
    # A seller's role is "own": their own customer only.
    assert _reaches(world, "seller1", own)
    assert not _reaches(world, "seller1", colleague)
    # The department head's is "subordinates"; the branch manager's "subtree" (nd1 is under nb1).
    assert _reaches(world, "dept_head", colleague)
    assert not _reaches(world, "dept_head", south)
    assert _reaches(world, "branch_manager", colleague)
    assert not _reaches(world, "branch_manager", south)
    # The unit viewer's "unit" scope reaches the south unit's records.
    assert _reaches(world, "unit_viewer", south) and not _reaches(world, "unit_viewer", own)
    assert _reaches(world, "ceo", south)
    # Only a scoped type has owners and units to go by: anything else is "ask scope_filter".
    assert not reaches_by_scope(world.seller1, Project._meta.get_field("org_unit").related_model, "view",
                                world.seller1.pk, world.seller1.unit_id)


def test_reaches_by_scope_never_says_visible_what_visible_to_hides(world):
    """reaches_by_scope repeats the first part of scope_filter's rule in Python: for every user
    of the world and customers of every owner and unit (the pool included), whatever it calls
    visible is in visible_to(). A change to one rule that the other does not follow fails here."""
    owners = [None, *world.users.values()]
    customers = [CustomerFactory(owner=owner, org_unit=unit)
                 for owner in owners for unit in {owner.unit if owner else None, world.units["nb1"]} if unit]
    said = 0
    for user in world.users.values():
        visible = set(Customer.objects.visible_to(user, "view").values_list("pk", flat=True))
        for customer in customers:
            if reaches_by_scope(user, Customer, "view", customer.owner_id, customer.org_unit_id):
                said += 1
                assert customer.pk in visible, (user.username, customer.owner_id, customer.org_unit_id)
    assert said > len(world.users)  # not vacuous: own records, subordinates' and units' were vouched for


def _customer_checks(queries):
    """The statements that read which of the page's customers the reader may see."""
    return [q["sql"] for q in queries
            if q["sql"].startswith('SELECT "customers_customer"."id" AS "pk" FROM "customers_customer"')]


def test_a_list_of_own_records_names_their_customers_without_a_look_up(client, world):
    mine = [ProjectFactory(owner=world.seller1, customer=CustomerFactory(owner=world.seller1, name=f"自己的客户{n}"))
            for n in range(3)]
    client.force_login(world.seller1)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("example_app:project_list")).content.decode()
    for project in mine:
        assert project.customer.name in page
    assert not any(label in page for label in HIDDEN)
    assert _customer_checks(captured.captured_queries) == []


def test_a_shared_record_on_a_customer_out_of_reach_is_still_checked_and_hidden(client, world):
    ProjectFactory(owner=world.seller1, customer=CustomerFactory(owner=world.seller1, name="自己的客户"))
    hidden = CustomerFactory(owner=world.south_seller, name="华南保密客户有限公司")
    shared_customer = CustomerFactory(owner=world.south_seller, name="共享的华南客户有限公司")
    Share.objects.create(content_type=ContentType.objects.get_for_model(Customer), object_id=shared_customer.pk,
                         employee=world.seller1)
    for customer, name in ((hidden, "看不到客户的项目"), (shared_customer, "看得到客户的项目")):
        project = ProjectFactory(owner=world.south_seller, customer=customer, name=name)
        Share.objects.create(content_type=ContentType.objects.get_for_model(Project), object_id=project.pk,
                             employee=world.seller1)
    client.force_login(world.seller1)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("example_app:project_list")).content.decode()
    assert "看不到客户的项目" in page and "看得到客户的项目" in page and "自己的客户" in page
    assert "华南保密客户有限公司" not in page and any(label in page for label in HIDDEN)
    # Shared with the seller, so visible, though neither theirs nor in their unit: the query said so.
    assert "共享的华南客户有限公司" in page
    checks = _customer_checks(captured.captured_queries)
    assert len(checks) == 1
    # Only the two customers the loaded rows could not vouch for were asked about.
    assert str(hidden.pk) in checks[0] and str(shared_customer.pk) in checks[0]


def test_a_branch_manager_sees_their_branchs_customers_named_without_a_look_up(client, world):
    project = ProjectFactory(owner=world.seller2, customer=CustomerFactory(owner=world.seller2, name="部门同事的客户"))
    client.force_login(world.branch_manager)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("example_app:project_list")).content.decode()
    assert project.customer.name in page and not any(label in page for label in HIDDEN)
    assert _customer_checks(captured.captured_queries) == []
