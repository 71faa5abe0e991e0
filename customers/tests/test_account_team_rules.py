"""Account team, hierarchy visibility and the shares API: behaviour a user notices (issue 8, 3–5)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.models import ObjectChange, Share
from customers.models import AccountTeamMember, Customer
from customers.team_services import account_team_member_add
from customers.tests.factories import CustomerFactory
from org.models import CompanySettings
from org.tests.factories import EmployeeFactory, ProductLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    return {"auto": ProductLineFactory(code="AUTO", name="自动化"),
            "bldg": ProductLineFactory(code="BLDG", name="楼宇"),
            "med": ProductLineFactory(code="MED", name="医疗")}


@pytest.fixture
def key_account(world):
    """A 南区 customer: nobody in 北区 sees it through their scope."""
    return CustomerFactory(name="西门子（中国）有限公司", owner=world.south_seller)


def visible(user, model=Customer, action="view"):
    # A fresh user object: the permission cache lives one request, as in production.
    fresh = type(user).objects.get(pk=user.pk)
    return set(model.objects.visible_to(fresh, action).values_list("pk", flat=True))


def customer_key():
    return ContentType.objects.get_for_model(Customer)


# --- one account manager per line, each sees the customer ---------------------------------------


def test_two_lines_two_managers_each_sees_the_customer(world, lines, key_account):
    owner = world.south_seller
    assert key_account.pk not in visible(world.seller1) | visible(world.seller3)
    account_team_member_add(customer=key_account, employee=world.seller1, product_line=lines["auto"], actor=owner)
    account_team_member_add(customer=key_account, employee=world.seller3, product_line=lines["bldg"], actor=owner)
    assert key_account.pk in visible(world.seller1) and key_account.pk in visible(world.seller3)
    assert key_account.pk in visible(world.seller1, action="export")
    # Members see it; they do not edit the customer's own data (owner's scope, "may edit" shares).
    assert key_account.pk not in visible(world.seller1, action="change")


def test_a_second_account_manager_for_a_line_is_refused(world, lines, key_account):
    from django.core.exceptions import ValidationError

    account_team_member_add(customer=key_account, employee=world.seller1, product_line=lines["auto"],
                            actor=world.south_seller)
    with pytest.raises(ValidationError) as refused:
        account_team_member_add(customer=key_account, employee=world.seller2, product_line=lines["auto"],
                                actor=world.south_seller)
    assert "product_line" in refused.value.message_dict
    # The database holds it too (two requests at once).
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountTeamMember.objects.create(customer=key_account, employee=world.seller2,
                                         product_line=lines["auto"], role="account_manager")
    # Another role on the same line is fine: a pre-sales engineer next to the account manager.
    account_team_member_add(customer=key_account, employee=world.seller2, product_line=lines["auto"],
                            role="presales", actor=world.south_seller)
    assert AccountTeamMember.objects.filter(customer=key_account).count() == 2


def test_only_who_may_change_the_customer_manages_its_team(world, lines, key_account):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        account_team_member_add(customer=key_account, employee=world.seller1, product_line=lines["auto"],
                                actor=world.seller1)
    assert not AccountTeamMember.objects.exists()


# --- the panel: add and remove with HTMX; removal counts on the next request ---------------------


def test_panel_add_remove_takes_effect_on_the_next_request(world, lines, key_account, client):
    member_client = type(client)()
    member_client.force_login(world.seller1)
    assert member_client.get(key_account.get_absolute_url()).status_code == 404

    client.force_login(world.south_seller)
    url = reverse("customers:account_team_manage", args=[key_account.pk])
    response = client.post(url, {"employee": world.seller1.pk, "product_line": lines["auto"].pk,
                                 "role": "account_manager"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "account-team-panel" in response.content.decode() and str(world.seller1) in response.content.decode()
    assert member_client.get(key_account.get_absolute_url()).status_code == 200

    # A second account manager for 自动化: the panel says why, nothing is written.
    response = client.post(url, {"employee": world.seller2.pk, "product_line": lines["auto"].pk,
                                 "role": "account_manager"}, headers={"HX-Request": "true"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'data-testid="account-team-error"' in body
    assert "该客户在此产品线已有客户经理" in body or "already has an account manager" in body
    assert AccountTeamMember.objects.filter(customer=key_account).count() == 1

    member = AccountTeamMember.objects.get(customer=key_account)
    response = client.post(url, {"remove": member.pk}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert member_client.get(key_account.get_absolute_url()).status_code == 404

    # Audited on the membership rows, listed in the customer's history.
    changes = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(AccountTeamMember),
                                          object_id=member.pk)
    assert sorted(changes.values_list("action", flat=True)) == ["create", "delete"]
    assert all(change.user_id == world.south_seller.pk for change in changes)
    history = client.get(reverse("core:panel", args=["customers.customer", key_account.pk, "history"]))
    assert history.content.decode().count("自动化") >= 2


def test_panel_bad_input_is_a_message_not_a_500(world, lines, key_account, client):
    client.force_login(world.south_seller)
    url = reverse("customers:account_team_manage", args=[key_account.pk])
    for data in ({"employee": "", "product_line": lines["auto"].pk}, {"employee": "１２", "product_line": "x"},
                 {"employee": world.seller1.pk, "product_line": lines["auto"].pk, "role": "boss"},
                 {"remove": "99999999999999999999999"}):
        response = client.post(url, data, headers={"HX-Request": "true"})
        assert response.status_code in (400, 404), (data, response.status_code)
    assert not AccountTeamMember.objects.exists()
    # A customer outside the caller's scope: 404, as if it did not exist.
    client.force_login(world.seller1)
    response = client.post(url, {"employee": world.seller1.pk, "product_line": lines["auto"].pk})
    assert response.status_code == 404 and not AccountTeamMember.objects.exists()


# --- hierarchy: managers see what their people work on -------------------------------------------


def test_hierarchy_setting_on_and_off(world, lines, key_account):
    """south_seller's customer shared with seller3 (dotted line to dept_head, unit 天津): on, dept_head
    (subordinates), branch_manager and north_manager (subtree) see it; off, none of them."""
    Share.objects.create(content_type=customer_key(), object_id=key_account.pk, employee=world.seller3)
    assert key_account.pk in visible(world.seller3)
    managers = (world.dept_head, world.north_manager)
    assert all(key_account.pk in visible(manager) for manager in managers)
    assert key_account.pk not in visible(world.branch_manager)  # 天津 is not below 北京分公司
    CompanySettings.objects.update_or_create(pk=1, defaults={"hierarchy_visibility": False})
    assert all(key_account.pk not in visible(manager) for manager in managers)
    assert key_account.pk in visible(world.seller3)


def test_hierarchy_reaches_account_teams_and_nests(world, lines, key_account):
    account_team_member_add(customer=key_account, employee=world.seller1, product_line=lines["med"],
                            actor=world.south_seller)
    seller, lead, branch, region, ceo = (visible(world.seller1), visible(world.dept_head),
                                         visible(world.branch_manager), visible(world.north_manager),
                                         visible(world.ceo))
    assert key_account.pk in seller
    assert seller <= lead <= region <= ceo and seller <= branch <= region
    CompanySettings.objects.update_or_create(pk=1, defaults={"hierarchy_visibility": False})
    assert key_account.pk not in visible(world.dept_head)
    assert key_account.pk in visible(world.seller1)


def test_company_settings_page(world, client):
    from org.tests.factories import full_grants, make_role

    client.force_login(world.seller1)
    assert client.get(reverse("org:company_settings")).status_code == 403
    admin = EmployeeFactory(roles=[make_role("admin", full_grants(["org.role"], "all"))])
    client.force_login(admin)
    assert client.get(reverse("org:company_settings")).status_code == 200
    assert CompanySettings.current().hierarchy_visibility is True  # on by default, nothing stored
    response = client.post(reverse("org:company_settings"), {})  # the box unticked
    assert response.status_code == 302
    assert CompanySettings.current().hierarchy_visibility is False
    change = ObjectChange.objects.get(content_type=ContentType.objects.get_for_model(CompanySettings))
    assert change.user_id == admin.pk and change.postchange_data["hierarchy_visibility"] is False


# --- shares API ----------------------------------------------------------------------------------


SHARES = "/api/core/shares/"


def test_shares_api_list_create_delete(world, key_account, client):
    client.force_login(world.south_seller)
    query = {"object_type": "customers.customer", "object_id": key_account.pk}
    assert client.get(SHARES, query).json()["results"] == []
    response = client.post(SHARES, {**query, "employee": world.seller1.pk, "can_change": True,
                                    "role": "技术支持"}, content_type="application/json")
    assert response.status_code == 201, response.content
    share = response.json()
    assert share["employee"] == world.seller1.pk and share["can_change"] is True
    assert key_account.pk in visible(world.seller1, action="change")
    assert [row["id"] for row in client.get(SHARES, query).json()["results"]] == [share["id"]]
    # The history of the customer says who was added.
    assert ObjectChange.objects.filter(content_type=customer_key(), object_id=key_account.pk).count() == 1
    # seller1 may see the share now; a seller who cannot see the customer gets 404.
    other = type(client)()
    other.force_login(world.seller2)
    assert other.get(f"{SHARES}{share['id']}/").status_code == 404
    assert other.delete(f"{SHARES}{share['id']}/").status_code == 404
    assert client.delete(f"{SHARES}{share['id']}/").status_code == 204
    assert key_account.pk not in visible(world.seller1)


@pytest.mark.parametrize(("body", "field"), [
    ({"object_type": "nope.nothing", "object_id": 1, "employee": 1}, "object_type"),
    ({"object_type": "org.orgunit", "object_id": 1, "employee": 1}, "object_type"),
    ({"object_type": "customers.customer", "object_id": "abc", "employee": 1}, "object_id"),
    ({"object_type": "customers.customer", "object_id": "KEY"}, "employee"),
    ({"object_type": "customers.customer", "object_id": "KEY", "employee": "SELLER", "team": "TEAM"}, "employee"),
    ({"object_type": "customers.customer", "object_id": "KEY", "employee": 99999999}, "employee"),
    ({"object_type": "customers.customer", "object_id": "KEY", "employee": "NOBODY"}, "employee"),
    ({"object_type": "customers.customer", "object_id": "KEY", "team": 99999999}, "team"),
    ({"object_type": "customers.customer", "object_id": "KEY", "employee": "SELLER", "can_change": "maybe"},
     "can_change"),
])
def test_shares_api_bad_input_is_400(world, key_account, client, body, field):
    names = {"KEY": key_account.pk, "SELLER": world.seller1.pk, "TEAM": world.teams["matrix"].pk,
             "NOBODY": world.nobody.pk}
    body = {name: names.get(value, value) if isinstance(value, str) else value for name, value in body.items()}
    client.force_login(world.south_seller)
    response = client.post(SHARES, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Share.objects.exists()


def test_shares_api_scope(world, key_account, client):
    query = {"object_type": "customers.customer", "object_id": key_account.pk}
    client.force_login(world.seller1)
    assert client.get(SHARES, query).status_code == 404  # outside the view scope
    assert client.post(SHARES, {**query, "employee": world.seller1.pk},
                       content_type="application/json").status_code == 404
    Share.objects.create(content_type=customer_key(), object_id=key_account.pk, employee=world.seller1)
    assert client.get(SHARES, query).status_code == 200  # view only: may read the team…
    response = client.post(SHARES, {**query, "employee": world.seller2.pk}, content_type="application/json")
    assert response.status_code == 403  # …not change it
    assert Share.objects.count() == 1
    assert client.get(SHARES, {"object_type": "customers.customer"}).status_code == 400
    assert client.get(SHARES).status_code == 400


# --- hooks for the merge and the handover (registered by the lead with h1's and h5's registries) --


def test_merge_hook_keeps_one_account_manager_per_line(world, lines, key_account):
    from customers.team_services import account_team_merge_hook

    merged = CustomerFactory(owner=world.south_seller)
    owner = world.south_seller
    account_team_member_add(customer=key_account, employee=world.seller1, product_line=lines["auto"], actor=owner)
    clash = account_team_member_add(customer=merged, employee=world.seller2, product_line=lines["auto"], actor=owner)
    other = account_team_member_add(customer=merged, employee=world.seller3, product_line=lines["bldg"], actor=owner)
    account_team_merge_hook(survivor=key_account, merged=merged, actor=owner)
    assert set(AccountTeamMember.objects.filter(customer=merged).values_list("pk", flat=True)) == {other.pk}
    assert AccountTeamMember.all_objects.get(pk=clash.pk).deleted_at is not None
    # What is left can move to the survivor without breaking the rule.
    AccountTeamMember.objects.filter(customer=merged).update(customer=key_account)


def test_handover_hook_moves_account_places(world, lines, key_account):
    from customers.team_services import account_places_apply, account_places_count

    owner = world.south_seller
    member = account_team_member_add(customer=key_account, employee=world.seller1, product_line=lines["auto"],
                                     actor=owner)
    assert account_places_count(world.seller1, [key_account.pk]) == 1
    assert account_places_apply(world.seller1, world.seller2, [key_account.pk], owner) == 1
    member.refresh_from_db()
    assert member.employee == world.seller2
    assert key_account.pk in visible(world.seller2) and key_account.pk not in visible(world.seller1)
    assert ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(AccountTeamMember),
                                       object_id=member.pk, action="update").count() == 1


def test_panels_on_the_customer_page(world, lines, key_account, client):
    from customers.models import CustomerStrategy

    owner = world.south_seller
    account_team_member_add(customer=key_account, employee=world.seller1, product_line=lines["auto"], actor=owner)
    CustomerStrategy.objects.create(customer=key_account, product_line=lines["auto"], title="产线改造",
                                    competitors="西门子")

    def panel(key):
        return client.get(reverse("core:panel", args=["customers.customer", key_account.pk, key])).content.decode()

    client.force_login(owner)
    team = panel("account-team")
    assert str(world.seller1) in team and 'data-testid="account-team-form"' in team
    assert "产线改造" in panel("strategies") and "西门子" in panel("strategies")
    client.force_login(world.seller1)  # a member sees the team, does not manage it
    team = panel("account-team")
    assert str(world.seller1) in team and 'data-testid="account-team-form"' not in team
    assert "产线改造" in panel("strategies")


def test_handover_moves_the_leavers_account_team_places(world, lines, key_account):
    """A leaver's place on a customer's account team goes to the successor with the handover
    (the account-team hook registered in customers/apps.py), whether or not the customer is theirs."""
    from org.handover import handover_preview, records_handover

    admin = EmployeeFactory(username="handover.admin", unit=world.units["hq"], is_superuser=True)
    leaver, successor = world.seller1, world.seller2
    account_team_member_add(customer=key_account, employee=leaver, product_line=lines["auto"], actor=admin)
    preview = handover_preview(from_user=leaver, to_user=successor, actor=admin)
    assert any(line.key == "hook:customers.account_team" and line.count == 1 for line in preview.lines)
    records_handover(from_user=leaver, to_user=successor, actor=admin)
    member = AccountTeamMember.objects.get(customer=key_account, product_line=lines["auto"])
    assert member.employee == successor
    assert key_account.pk in visible(successor) and key_account.pk not in visible(leaver)


def test_merge_keeps_one_account_manager_per_line(world, lines):
    """Merging two customers whose teams both have an account manager for 自动化: the survivor's
    stays, the merged one's is taken off (audited); the merged customer's 楼宇 manager moves over."""
    from customers.merge import customers_merge

    admin = EmployeeFactory(username="merge.admin", unit=world.units["hq"], is_superuser=True)
    survivor = CustomerFactory(name="西门子股份公司", owner=world.seller1)
    merged = CustomerFactory(name="西门子(中国)公司", owner=world.seller1)
    account_team_member_add(customer=survivor, employee=world.seller1, product_line=lines["auto"], actor=admin)
    account_team_member_add(customer=merged, employee=world.seller2, product_line=lines["auto"], actor=admin)
    account_team_member_add(customer=merged, employee=world.seller3, product_line=lines["bldg"], actor=admin)
    customers_merge(survivor=survivor, merged=[merged], values={}, actor=admin)
    team = {(m.product_line.code, m.employee_id) for m in AccountTeamMember.objects.filter(customer=survivor)}
    assert team == {("AUTO", world.seller1.pk), ("BLDG", world.seller3.pk)}
