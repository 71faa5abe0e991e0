"""A page of a scoped list taken branch by branch (KedaoQuerySet._page_by_branch, PostgreSQL only)
holds exactly the rows, in exactly the order, of the plain query with the whole visibility
condition: whatever the user, the sort, the page, a filter, and when the bounded count stops
early. The customers below are spread so that every branch (own rows, subordinates', units',
shared ones, account teams, the pool) has rows beyond a page."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import Activity
from activities.tests.factories import ActivityFactory
from core.lookups import values_in
from core.models import Share
from core.testing.world import build_world
from customers.models import AccountTeamMember, Contact, Customer
from customers.tests.factories import ContactFactory, CustomerFactory
from org.tests.factories import EmployeeFactory, ProductLineFactory

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"
USERS = ("seller1", "dept_head", "branch_manager", "north_manager", "south_seller", "unit_viewer")


@pytest.fixture
def world():
    world = build_world()
    owners = [world.users[name] for name in ("seller1", "seller2", "seller3", "south_seller", "north_manager")]
    now = timezone.now()
    customers = []
    for n in range(60):
        owner = owners[n % len(owners)]
        customer = CustomerFactory(owner=owner, name=f"客户{n:02d}号有限公司")
        customers.append(customer)
    pool = CustomerFactory(owner=None, org_unit=world.units["north"], name="公海客户有限公司")
    customers.append(pool)
    # Dates out of creation order, some equal (the sort must settle ties the same way both times).
    for n, customer in enumerate(customers):
        Customer.all_objects.filter(pk=customer.pk).update(updated_at=now - timedelta(hours=(n * 7) % 23))
    kind = ContentType.objects.get_for_model(Customer)
    for customer in customers[3::9]:
        Share.objects.create(content_type=kind, object_id=customer.pk, employee=world.seller1)
    for customer in customers[4::11]:
        Share.objects.create(content_type=kind, object_id=customer.pk, team=world.teams["matrix"])
    line = ProductLineFactory()
    for customer in customers[5::8]:
        AccountTeamMember.objects.create(customer=customer, employee=world.seller1, product_line=line)
    for customer in customers[::2]:
        ContactFactory(customer=customer)
        ContactFactory(customer=customer)
    activity_kind = ContentType.objects.get_for_model(Activity)
    for n, customer in enumerate(customers[:30]):
        activity = ActivityFactory(owner=owners[(n + 1) % len(owners)], customer=customer,
                                   starts_at=now + timedelta(hours=(n * 5) % 17))
        if n % 3 == 0:
            Share.objects.create(content_type=activity_kind, object_id=activity.pk, employee=world.seller1)
    return world


def plain(queryset):
    """The same rows without branches, ties on the sort settled by the primary key as the page by
    branch settles them (the default sorts here run newest first)."""
    queryset = queryset._chain()
    queryset._scope_branches = queryset._scope_dense = queryset._scope_parents = None
    if not queryset.query.order_by:
        queryset = queryset.order_by(*queryset.model._meta.ordering, "-pk")
    return queryset


def pages(queryset, size):
    return [[row.pk for row in queryset[start:start + size]] for start in range(0, 40, size)]


@pytest.mark.skipif(not POSTGRES, reason="pages are taken by branch on PostgreSQL only")
@pytest.mark.parametrize("model", [Customer, Activity])
@pytest.mark.parametrize("username", USERS)
def test_a_page_by_branch_is_the_plain_page(world, model, username):
    user = world.users[username]
    visible = model.objects.visible_to(user)
    orderings = {Customer: ["-updated_at", "name", "-pk", "owner__username"],
                 Activity: ["starts_at", "-starts_at", "subject", "customer__name"]}[model]
    for ordering in [None, *orderings]:
        if ordering is None and visible._scope_branches is None:
            continue  # no page by branch: the plain page may order rows tied on the date either way
        rows = visible if ordering is None else visible.order_by(ordering, "pk")
        assert pages(rows, 7) == pages(plain(rows), 7), (username, ordering)
    for limit in (3, 10, 500):  # the bounded count, stopping early or not
        assert visible.order_by()[: limit + 1].count() == plain(visible).order_by()[: limit + 1].count()
    other = model.objects.order_by("pk").first()
    for combined in (visible | model.objects.filter(pk=other.pk), visible & model.objects.filter(pk__gt=other.pk)):
        # Combining rebuilds the WHERE clause: no page by branch, the plain rows.
        assert combined._scope_branches is None
        assert pages(combined.order_by("-pk"), 7) == pages(plain(combined).order_by("-pk"), 7)
    if model is Customer:
        narrowed = visible.filter(name__contains="1")
        assert pages(narrowed, 5) == pages(plain(narrowed), 5)
        assert sorted(narrowed.values_list("pk", flat=True)[:100]) == sorted(
            plain(narrowed).values_list("pk", flat=True)[:100])


def test_the_branches_are_used_on_postgresql_only_and_can_be_turned_off(world, settings):
    visible = Customer.objects.visible_to(world.seller1)
    assert visible._scope_branches is not None  # own rows, shares, account team
    with CaptureQueriesContext(connection) as queries:
        first_page = list(visible[:10])
    assert len(first_page) == 10
    assert ("UNION" in queries[0]["sql"]) is POSTGRES
    if POSTGRES:  # elsewhere the plain page leaves rows tied on the date in any order
        assert first_page == list(plain(visible)[:10])
    # A sort the owner's rows are not indexed by: the own-rows branch would walk the whole sort
    # index looking for them, so the page is one query (a count still goes by branch).
    with CaptureQueriesContext(connection) as queries:
        list(visible.order_by("name")[:10])
        visible.order_by()[:5].count()
    assert "UNION" not in queries[0]["sql"]
    # The count's slice is taken by branch on PostgreSQL, but the seller's own rows are asked
    # first, and answer it when they reach the bound: one query, without the branches.
    own = Customer.objects.filter(owner=world.seller1).count()
    assert own >= 5
    assert "UNION" not in queries[-1]["sql"] and "owner_id" in queries[-1]["sql"]
    assert len(queries) == 2
    # Short of the bound, the whole condition (by branch on PostgreSQL) is counted after them.
    with CaptureQueriesContext(connection) as queries:
        total = visible.order_by()[: own + 1000].count()
    assert total == plain(visible).count() > own
    assert len(queries) == 2 and ("UNION" in queries[-1]["sql"]) is POSTGRES
    # Rows already named by id (the calendar takes a week's ids first): one query reads them by id,
    # the same rows.
    ids = sorted(Customer.objects.values_list("pk", flat=True))[::3]
    named = Customer.objects.filter(values_in("pk", ids)).visible_to(world.seller1)
    assert named._scope_branches is not None
    with CaptureQueriesContext(connection) as queries:
        named_page = list(named[:10])
    assert "UNION" not in queries[0]["sql"]
    assert [row.pk for row in named_page] == [row.pk for row in plain(named)[:10]]
    settings.KEDAO = {**settings.KEDAO, "PAGE_BY_BRANCH": False}  # KEDAO_PAGE_BY_BRANCH=0
    with CaptureQueriesContext(connection) as queries:
        list(visible[:10])
    assert "UNION" not in queries[0]["sql"]
    # The CEO's condition has no branches: nothing changes. Nor has a manager's over units (a
    # unit's rows are dense), nor a child type's (contacts): one walk of the date index finds a
    # page sooner there (org/permissions.py).
    assert Customer.objects.visible_to(world.ceo)._scope_branches is None
    assert Customer.objects.visible_to(world.branch_manager)._scope_branches is None
    assert Contact.objects.visible_to(world.seller1)._scope_branches is None
    assert Activity.objects.visible_to(world.seller1)._scope_branches is not None


@pytest.mark.parametrize("username", ("branch_manager", "north_manager", "dept_head", "unit_viewer", "seller1"))
def test_a_bounded_count_asks_a_managers_units_first_and_stays_exact(world, username):
    """KedaoQuerySet.count: the units (or a seller's own rows) alone answer "more than N?" when they
    hold N rows; otherwise the whole condition is counted. Either way the figure is the plain
    query's, with a filter too."""
    user = world.users[username]
    for model in (Customer, Activity):
        visible = model.objects.visible_to(user)
        assert visible._scope_dense is not None  # the units, or the user's own rows
        narrowed = [visible.filter(name__contains="1")] if model is Customer else [visible.filter(status="planned")]
        for rows in (visible, *narrowed):
            for limit in (0, 1, 4, 9, 500):
                assert rows.order_by()[: limit + 1].count() == plain(rows).order_by()[: limit + 1].count(), (
                    username, model.__name__, limit)
    if username != "north_manager":
        return
    visible = Customer.objects.visible_to(user)
    units = Customer.objects.filter(org_unit__path__startswith=world.units["north"].path).count()
    assert units > 5
    with CaptureQueriesContext(connection) as queries:
        assert visible.order_by()[:5].count() == 5
    assert len(queries) == 1  # the units' rows reach the bound: one query, without the rest of the OR
    with CaptureQueriesContext(connection) as queries:
        total = visible.order_by()[:1000].count()
    assert len(queries) == 2 and total == plain(visible).count() > units  # shares and the pool add rows
    with CaptureQueriesContext(connection) as queries:
        visible.filter(name__contains="1").order_by()[:5].count()
    assert len(queries) == 1  # a narrowing filter: the whole condition at once, not twice


@pytest.mark.parametrize("username", USERS)
def test_a_short_page_of_contacts_from_the_users_customers_is_the_plain_page(world, username, settings):
    """KedaoQuerySet._page_by_parents: a user who reaches no unit gets a short page of contacts
    (the home page's latest five) from their customers' contacts, the same rows in the same order;
    a manager's (dense units), a long page, or too many customers: the plain query."""
    from core.models import KedaoQuerySet

    user = world.users[username]
    visible = Contact.objects.visible_to(user)
    reaches_units = username in ("branch_manager", "north_manager", "unit_viewer")
    assert (visible._scope_parents is None) is reaches_units
    for ordering in (("-updated_at",), ("name",), ("-updated_at", "-pk"), ("customer__name", "pk")):
        rows = visible.order_by(*ordering)
        # Ties settled by the id in the direction of the first key, as the page settles them.
        total = ordering if ordering[-1] in ("pk", "-pk") else (*ordering, "-pk" if ordering[0][0] == "-" else "pk")
        expected = [row.pk for row in plain(rows).order_by(*total)]
        for stop in (1, 5, 7):
            with CaptureQueriesContext(connection) as queries:
                page = [row.pk for row in rows[:stop]]
            assert page == expected[:stop], (username, ordering)
            by_parents = POSTGRES and not reaches_units
            assert (len(queries) == 2 and "customer_id" in queries[1]["sql"]) is by_parents
        assert [row.pk for row in rows[2:6]] == expected[2:6]
    # Someone who sees no customer at all (a new seller in a unit without a pool): no contact.
    newcomer = EmployeeFactory(username=f"new.{username}", unit=world.units["south"], roles=[world.roles["seller"]])
    assert list(Contact.objects.visible_to(newcomer).order_by("-updated_at")[:5]) == []
    assert list(Contact.objects.visible_to(newcomer).order_by("name").values_list("pk", flat=True)[:3]) == []
    if POSTGRES and not reaches_units:
        with CaptureQueriesContext(connection) as queries:
            list(visible.order_by("-updated_at")[: KedaoQuerySet.PARENTS_PAGE_MAX + 1])
        assert len(queries) == 1  # a long page: one walk of the date index
        settings.KEDAO = {**settings.KEDAO, "PAGE_BY_BRANCH": False}
        with CaptureQueriesContext(connection) as queries:
            list(visible.order_by("-updated_at")[:5])
        assert len(queries) == 1
