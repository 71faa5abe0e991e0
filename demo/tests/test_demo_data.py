"""The demo and benchmark data commands: idempotent, valid data, the documented logins work."""

import io

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command
from taggit.models import TaggedItem

from core.models import Share
from core.registry import object_types
from customers.models import Contact, Customer
from customers.validators import validate_credit_code
from org.models import Employee, OrgUnit, ProductLine, Role, RolePermission, Team


def snapshot():
    return {
        "units": sorted(OrgUnit.all_objects.values_list("id", "path", "manager_id")),
        "employees": sorted(Employee.objects.values_list("id", "unit_id", "manager_id", "password")),
        "dotted": Employee.dotted_managers.through.objects.count(),
        "roles": sorted(RolePermission.objects.values_list("id", "role_id", "object_type", "action", "scope")),
        "teams": sorted(Team.objects.values_list("id", "name")),
        "members": Team.members.through.objects.count(),
        "lines": ProductLine.objects.count(),
        "customers": sorted(Customer.all_objects.values_list("id", "credit_code", "owner_id", "updated_at")),
        "contacts": Contact.objects.count(),
        "tags": TaggedItem.objects.count(),
        "shares": sorted(Share.objects.values_list("id", "object_id", "employee_id", "team_id")),
    }


@pytest.mark.django_db
def test_demo_data_twice_changes_nothing():
    call_command("demo_data", customers=300, stdout=io.StringIO())
    first = snapshot()
    out = io.StringIO()
    call_command("demo_data", customers=300, stdout=out)
    assert snapshot() == first
    assert "north.seller1" in out.getvalue()


@pytest.mark.django_db
def test_demo_company_is_realistic_and_logins_work():
    call_command("demo_data", customers=300, stdout=io.StringIO())
    assert 150 <= Employee.objects.count() <= 170
    assert set(OrgUnit.objects.filter(kind="region").values_list("name", flat=True)) == {"北区", "东区", "南区"}
    assert ProductLine.objects.count() == 3

    admin = Employee.objects.get(username="admin")
    assert admin.is_superuser and check_password("admin", admin.password)
    users = {u.username: u for u in Employee.objects.filter(username__in=["ceo", "north.manager", "north.seller1"])}
    assert all(check_password("demo", u.password) for u in users.values())
    north = OrgUnit.objects.get(name="北区")
    assert north.manager == users["north.manager"]
    assert users["north.seller1"].unit.path.startswith(north.path + ".")
    # Solid line up to the CEO.
    chain, person = [], users["north.seller1"]
    while person.manager_id:
        person = person.manager
        chain.append(person.username)
    assert chain[-1] == "ceo" and "north.manager" in chain
    assert Employee.dotted_managers.through.objects.exists()

    # Every role grants on every registered object type.
    keys = {t.key for t in object_types()}
    for role in Role.objects.all():
        assert {p.object_type for p in role.permissions.all()} == keys, role.code

    # The demo's near-duplicates (customers/demo.py) have no credit code.
    codes = list(Customer.objects.exclude(credit_code="").values_list("credit_code", flat=True))
    assert len(codes) == len(set(codes))
    for code in codes:
        validate_credit_code(code)
    assert Customer.objects.filter(owner__isnull=False).exclude(credit_code="").count() == 300
    for customer in Customer.objects.filter(owner__isnull=False).select_related("owner"):
        assert customer.org_unit_id == customer.owner.unit_id
        # One to three contacts; five at the customers that show a relationship map.
        assert 1 <= customer.contacts.count() <= (5 if customer.contacts.filter(relations_out__isnull=False).exists() else 3)
    # The public pool of 北区 (customers without owner), with its rules.
    pool = Customer.objects.filter(owner__isnull=True)
    assert pool.exists() and set(pool.values_list("org_unit__code", flat=True)) == {"NORTH"}

    ceo, manager, seller = users["ceo"], users["north.manager"], users["north.seller1"]
    everyone = Customer.objects.count()
    assert Customer.objects.visible_to(ceo).count() == everyone
    north_rows = Customer.objects.visible_to(manager).count()
    assert 0 < north_rows < everyone
    mine = Customer.objects.visible_to(seller)
    assert mine.filter(owner=seller).exists()
    assert mine.exclude(owner=seller).filter(owner__isnull=False).exists(), \
        "a customer of another seller is shared with north.seller1"
    assert mine.filter(owner__isnull=True).exists(), "north.seller1 sees the pool of 北区"


@pytest.mark.django_db
def test_bench_data_builds_the_three_users_once():
    call_command("bench_data", customers=600, users=60, units=20, stdout=io.StringIO())
    assert OrgUnit.objects.count() == 20
    assert Employee.objects.count() == 60
    assert Customer.objects.count() == 600
    ceo, branch, seller = (Employee.objects.get(username=f"bench.{n}") for n in ("ceo", "branch", "seller"))
    assert check_password("bench", seller.password)
    assert Customer.objects.visible_to(ceo).count() == 600
    assert 0 < Customer.objects.visible_to(seller).count() < Customer.objects.visible_to(branch).count() < 600
    out = io.StringIO()
    call_command("bench_data", customers=600, users=60, units=20, stdout=out)
    assert "already present" in out.getvalue()
    assert Customer.objects.count() == 600


@pytest.mark.django_db
def test_demo_sellers_have_a_relationship_map_to_show():
    from customers.models import ContactEmployeeRelation, ContactRelation

    call_command("demo_data", customers=300, stdout=io.StringIO())
    mapped = Customer.objects.filter(contacts__relations_out__isnull=False).distinct()
    assert mapped.count() == 12
    assert ContactRelation.objects.count() == 12 * 5
    assert ContactEmployeeRelation.objects.filter(contact__customer__in=mapped).count() >= 12
    seller1 = Employee.objects.get(username="north.seller1")
    assert mapped.filter(owner=seller1).exists()
