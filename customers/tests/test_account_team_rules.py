"""Account team by product line, the shares API and the hierarchy setting, as a user meets them:
one account manager per line, each of them sees the customer, a removal counts on the next request,
every change is in the customer's history; managers see what their people work on (setting on/off)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import ObjectChange, Share
from core.services import share_add
from customers.models import AccountTeamMember, Customer
from customers.team_services import account_team_member_add, account_team_member_remove
from customers.tests.factories import CustomerFactory
from org.models import CompanySettings
from org.tests.factories import EmployeeFactory, ProductLineFactory

pytestmark = pytest.mark.django_db

TEAM_API = "/api/customers/account-team-members/"
SHARES_API = "/api/core/shares/"


@pytest.fixture
def lines():
    return ProductLineFactory(code="AUTO", name="自动化"), ProductLineFactory(code="BLDG", name="楼宇")


@pytest.fixture
def south_customer(world):
    """Owned in the South: nobody in the North sees it through ownership or units."""
    return CustomerFactory(owner=world.south_seller, name="南方电网测试客户")


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def sees(user, customer):
    """A fresh user object: what the next request would see (grants are cached per user object)."""
    fresh = type(user).objects.get(pk=user.pk)
    return Customer.objects.visible_to(fresh, "view").filter(pk=customer.pk).exists()


def page_status(client, user, customer):
    client.force_login(user)
    return client.get(customer.get_absolute_url()).status_code


def set_hierarchy(on):
    CompanySettings.objects.update_or_create(pk=1, defaults={"hierarchy_visibility": on})


# --- one account manager per product line -------------------------------------------------------


def test_one_account_manager_per_line_two_lines_two_managers(world, lines, south_customer):
    auto, building = lines
    account_team_member_add(customer=south_customer, employee=world.seller1, product_line=auto,
                            actor=world.south_seller)
    with pytest.raises(ValidationError) as refused:
        account_team_member_add(customer=south_customer, employee=world.seller3, product_line=auto,
                                actor=world.south_seller)
    assert "product_line" in refused.value.message_dict
    account_team_member_add(customer=south_customer, employee=world.seller3, product_line=building,
                            actor=world.south_seller)
    managers = set(AccountTeamMember.objects.filter(customer=south_customer).values_list("employee", "product_line"))
    assert managers == {(world.seller1.pk, auto.pk), (world.seller3.pk, building.pk)}
    # Each account manager sees the customer (neither owns it nor shares its unit).
    assert sees(world.seller1, south_customer) and sees(world.seller3, south_customer)
    # …and may not change it: the members do not step on each other (互不干预).
    assert not Customer.objects.visible_to(world.seller1, "change").filter(pk=south_customer.pk).exists()


def test_a_second_manager_for_a_line_is_a_400_in_the_api(world, lines, south_customer):
    auto, building = lines
    body = {"customer": south_customer.pk, "employee": world.seller1.pk, "product_line": auto.pk}
    assert api(world.south_seller).post(TEAM_API, body, format="json").status_code == 201
    response = api(world.south_seller).post(TEAM_API, {**body, "employee": world.seller3.pk}, format="json")
    assert response.status_code == 400
    assert "product_line" in response.json()
    # A pre-sales engineer on the same line is not a second manager.
    response = api(world.south_seller).post(TEAM_API, {**body, "employee": world.seller3.pk, "role": "presales"},
                                            format="json")
    assert response.status_code == 201, response.content


def test_a_second_manager_for_a_line_is_refused_on_the_panel(world, lines, south_customer, client):
    auto, _building = lines
    account_team_member_add(customer=south_customer, employee=world.seller1, product_line=auto,
                            actor=world.south_seller)
    client.force_login(world.south_seller)
    url = reverse("customers:account_team_manage", args=[south_customer.pk])
    response = client.post(url, {"employee": world.seller3.pk, "product_line": auto.pk, "role": "account_manager"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "account-team-error" in response.content.decode()
    assert AccountTeamMember.objects.filter(customer=south_customer).count() == 1


def test_the_team_of_a_customer_is_managed_by_whoever_may_change_it(world, lines, south_customer):
    auto, _building = lines
    # seller1 cannot even see the customer: 404 through the API (not 403: its existence stays hidden).
    response = api(world.seller1).post(TEAM_API, {"customer": south_customer.pk, "employee": world.seller1.pk,
                                                  "product_line": auto.pk}, format="json")
    assert response.status_code == 400 and "customer" in response.json()
    assert not AccountTeamMember.objects.exists()


# --- membership changes count on the next request, and are audited ---------------------------------


def test_removal_takes_effect_on_the_next_request_and_is_in_the_history(world, lines, south_customer, client):
    auto, _building = lines
    assert page_status(client, world.seller1, south_customer) == 404
    member = account_team_member_add(customer=south_customer, employee=world.seller1, product_line=auto,
                                     actor=world.south_seller)
    assert page_status(client, world.seller1, south_customer) == 200
    client.force_login(world.south_seller)
    response = client.post(reverse("customers:account_team_manage", args=[south_customer.pk]),
                           {"remove": member.pk})
    assert response.status_code == 302
    assert page_status(client, world.seller1, south_customer) == 404
    # Both changes are audited on the membership row, and the customer's history lists them.
    rows = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(AccountTeamMember),
                                       object_id=member.pk).order_by("time", "pk")
    assert [row.action for row in rows] == ["create", "delete"]
    assert all(row.user_id == world.south_seller.pk for row in rows)
    client.force_login(world.south_seller)
    page = client.get(south_customer.get_absolute_url()).content.decode()
    assert page.count("kedao-history-part") >= 2
    assert str(world.seller1) in page


def test_a_member_who_leaves_the_team_loses_the_contacts_too(world, lines, south_customer):
    from customers.tests.factories import ContactFactory

    auto, _building = lines
    contact = ContactFactory(customer=south_customer)
    member = account_team_member_add(customer=south_customer, employee=world.seller1, product_line=auto,
                                     actor=world.south_seller)
    from customers.models import Contact

    fresh = type(world.seller1).objects.get(pk=world.seller1.pk)
    assert Contact.objects.visible_to(fresh, "view").filter(pk=contact.pk).exists()
    account_team_member_remove(member=member, actor=world.south_seller)
    fresh = type(world.seller1).objects.get(pk=world.seller1.pk)
    assert not Contact.objects.visible_to(fresh, "view").filter(pk=contact.pk).exists()


# --- managers see what their people work on --------------------------------------------------------


@pytest.mark.parametrize("on", [True, False], ids=["hierarchy-on", "hierarchy-off"])
def test_a_manager_sees_what_is_shared_with_their_people(world, lines, south_customer, on):
    auto, _building = lines
    set_hierarchy(on)
    shared = CustomerFactory(owner=world.south_seller, name="共享给一号的客户")
    share_add(instance=shared, actor=world.south_seller, employee=world.seller1)
    account_team_member_add(customer=south_customer, employee=world.seller1, product_line=auto,
                            actor=world.south_seller)
    for manager in ("dept_head", "branch_manager", "north_manager"):  # subordinates, subtree, subtree
        boss = world.users[manager]
        assert sees(boss, shared) is on, manager
        assert sees(boss, south_customer) is on, manager
    # Nobody outside seller1's hierarchy gains anything.
    assert not sees(world.seller3, shared) and not sees(world.seller2, south_customer)
    # The CEO sees everything either way.
    assert sees(world.ceo, shared) and sees(world.ceo, south_customer)


def test_visible_sets_nest_seller_manager_ceo(world, lines, south_customer):
    auto, building = lines
    share_add(instance=CustomerFactory(owner=world.south_seller), actor=world.south_seller, employee=world.seller1)
    share_add(instance=CustomerFactory(owner=world.south_seller), actor=world.south_seller,
              team=world.teams["matrix"])
    account_team_member_add(customer=south_customer, employee=world.seller1, product_line=auto,
                            actor=world.south_seller)
    account_team_member_add(customer=CustomerFactory(owner=world.seller3), employee=world.seller3,
                            product_line=building, actor=world.seller3)
    CustomerFactory.create_batch(3, owner=world.seller1)

    def visible(name):
        user = type(world.seller1).objects.get(pk=world.users[name].pk)
        return set(Customer.objects.visible_to(user, "view").values_list("pk", flat=True))

    seller, head, branch, region, ceo = (visible(name) for name in
                                         ("seller1", "dept_head", "branch_manager", "north_manager", "ceo"))
    assert seller <= head <= ceo and seller <= branch <= region <= ceo
    assert south_customer.pk in seller and seller < ceo


def test_the_setting_is_read_once_per_request(world, django_assert_max_num_queries):
    user = type(world.dept_head).objects.get(pk=world.dept_head.pk)
    list(Customer.objects.visible_to(user, "view"))
    with django_assert_max_num_queries(1):  # the list itself: setting, people and shares are cached
        list(Customer.objects.visible_to(user, "view"))


def test_only_an_administrator_changes_the_setting_and_it_is_audited(world, client):
    client.force_login(world.north_manager)
    assert client.get(reverse("org:company_settings")).status_code == 403
    admin = EmployeeFactory(username="admin", is_superuser=True)
    client.force_login(admin)
    assert client.get(reverse("org:company_settings")).status_code == 200
    response = client.post(reverse("org:company_settings"), {})  # the box unticked: off
    assert response.status_code == 302
    assert CompanySettings.current().hierarchy_visibility is False
    change = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(CompanySettings)).get()
    assert change.user_id == admin.pk
    client.post(reverse("org:company_settings"), {"hierarchy_visibility": "on"})
    assert CompanySettings.current().hierarchy_visibility is True


# --- the shares API ----------------------------------------------------------------------------------


def test_shares_api_lists_adds_and_removes_for_whoever_may_change(world, south_customer):
    owner = api(world.south_seller)
    query = {"object_type": "customers.customer", "object_id": south_customer.pk}
    assert owner.get(SHARES_API, query).json()["results"] == []
    response = owner.post(SHARES_API, {**query, "employee": world.seller3.pk}, format="json")
    assert response.status_code == 201, response.content
    share_id = response.json()["id"]
    assert sees(world.seller3, south_customer)
    assert [row["employee"] for row in owner.get(SHARES_API, query).json()["results"]] == [world.seller3.pk]
    # The view-only grantee sees the list but may not share further or remove the share.
    grantee = api(world.seller3)
    assert grantee.get(SHARES_API, query).status_code == 200
    assert grantee.post(SHARES_API, {**query, "employee": world.seller2.pk}, format="json").status_code == 403
    assert grantee.delete(f"{SHARES_API}{share_id}/").status_code == 403
    assert owner.delete(f"{SHARES_API}{share_id}/").status_code == 204
    assert not Share.objects.filter(pk=share_id).exists()
    assert not sees(world.seller3, south_customer)


@pytest.mark.parametrize("body, field", [
    ({"object_type": "customers.nothing"}, "object_type"),
    ({"object_type": "org.orgunit"}, "object_type"),  # not a shareable type
    ({"employee": None}, "employee"),  # neither a person nor a team
    ({"team": 1}, "employee"),  # both
    ({"employee": 999999999}, "employee"),
    ({"object_id": "x"}, "object_id"),
], ids=["unknown-type", "global-type", "neither", "both", "no-such-employee", "bad-id"])
def test_shares_api_bad_input_is_a_400(world, south_customer, body, field):
    payload = {"object_type": "customers.customer", "object_id": south_customer.pk, "employee": world.seller3.pk,
               **body}
    if "team" in body:
        payload["team"] = world.teams["matrix"].pk
    response = api(world.south_seller).post(SHARES_API, payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Share.objects.exists()


def test_shares_api_hides_records_out_of_scope(world, south_customer):
    stranger = api(world.seller1)
    query = {"object_type": "customers.customer", "object_id": south_customer.pk}
    assert stranger.get(SHARES_API, query).status_code == 404
    response = stranger.post(SHARES_API, {**query, "employee": world.seller1.pk}, format="json")
    assert response.status_code == 404
    share = share_add(instance=south_customer, actor=world.south_seller, employee=world.seller3)
    assert stranger.get(f"{SHARES_API}{share.pk}/").status_code == 404
    assert stranger.delete(f"{SHARES_API}{share.pk}/").status_code == 404
    assert api(world.south_seller).get(SHARES_API, {"object_type": "customers.customer"}).status_code == 400
    assert Share.objects.filter(pk=share.pk).exists()


def test_account_team_members_follow_their_customer_in_the_api(world, lines, south_customer):
    auto, _building = lines
    member = account_team_member_add(customer=south_customer, employee=world.seller1, product_line=auto,
                                     actor=world.south_seller)
    assert api(world.seller3).get(f"{TEAM_API}{member.pk}/").status_code == 404
    listed = api(world.seller1).get(TEAM_API).json()["results"]
    assert [row["id"] for row in listed] == [member.pk]
    assert api(world.seller1).delete(f"{TEAM_API}{member.pk}/").status_code == 403
    assert AccountTeamMember.objects.filter(pk=member.pk).exists()


@pytest.fixture
def inactive_person():
    return EmployeeFactory(is_active=False)


def test_someone_who_left_cannot_join_a_team(world, lines, south_customer, inactive_person):
    auto, _building = lines
    response = api(world.south_seller).post(TEAM_API, {"customer": south_customer.pk, "employee": inactive_person.pk,
                                                       "product_line": auto.pk}, format="json")
    assert response.status_code == 400 and "employee" in response.json()
