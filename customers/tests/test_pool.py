"""The public pool (公海): who sees which pool, claims within caps, assignment, release, automatic
return with a warning first, the last contact, and the pages and API around them."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import ObjectChange
from customers import services
from customers.models import Customer, PoolMove, PoolRule
from customers.services.pool import rules_for
from customers.tests.factories import ContactFactory, CustomerFactory
from org.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def pool_customer(unit, name="公海客户", **fields):
    return CustomerFactory(name=name, owner=None, org_unit=unit, **fields)


def history(customer):
    return list(ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Customer),
                                            object_id=customer.pk).order_by("time", "id"))


def rule(unit, **values):
    values.setdefault("name", f"{unit.name}规则")
    return PoolRule.objects.create(org_unit=unit, **values)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


# --- who sees which pool ---------------------------------------------------------------------------


def test_pools_are_seen_from_below_and_not_from_another_region(world):
    north = pool_customer(world.units["north"], "北区公海")
    branch = pool_customer(world.units["nb1"], "北京分公司公海")
    south = pool_customer(world.units["south"], "南区公海")
    hq = pool_customer(world.units["hq"], "总部公海")

    def seen(user):
        return set(Customer.objects.visible_to(user, "view").filter(owner__isnull=True).values_list("pk", flat=True))

    assert seen(world.seller1) == {north.pk, branch.pk, hq.pk}  # 北京销售一部 ⊂ 北京分公司 ⊂ 北区 ⊂ 总部
    assert seen(world.seller3) == {north.pk, hq.pk}  # 天津分公司: not the sibling branch's pool
    assert seen(world.south_seller) == {south.pk, hq.pk}
    assert seen(world.north_manager) == {north.pk, branch.pk, hq.pk}  # subtree scope + the pools above
    assert seen(world.ceo) == {north.pk, branch.pk, south.pk, hq.pk}
    assert seen(world.nobody) == set()  # no grant on customers: no pool either


def test_seeing_a_pool_does_not_let_a_seller_edit_its_customers(world):
    customer = pool_customer(world.units["north"])
    assert Customer.objects.visible_to(world.seller1, "view").filter(pk=customer.pk).exists()
    assert not Customer.objects.visible_to(world.seller1, "change").filter(pk=customer.pk).exists()
    assert Customer.objects.visible_to(world.north_manager, "change").filter(pk=customer.pk).exists()


# --- claims ------------------------------------------------------------------------------------------------


def test_claim_takes_the_customer_into_the_sellers_unit_and_is_audited(world):
    customer = pool_customer(world.units["north"])
    contact = ContactFactory(customer=customer)
    services.customer_claim(customer=customer, actor=world.seller1)
    customer.refresh_from_db()
    assert customer.owner == world.seller1
    assert customer.org_unit == world.units["nd1"]
    assert customer.owned_since is not None
    move = PoolMove.objects.get(customer=customer)
    assert (move.kind, move.actor, move.to_user, move.org_unit) == ("claimed", world.seller1, world.seller1,
                                                                   world.units["north"])
    last = history(customer)[-1]
    assert last.user == world.seller1
    assert last.prechange_data["owner"] is None and last.postchange_data["owner"]["id"] == world.seller1.pk
    assert "Claimed" in last.postchange_data["pool"] or "领取" in last.postchange_data["pool"]
    # The contacts follow: the seller now sees them as theirs.
    from customers.models import Contact
    assert Contact.objects.visible_to(world.seller1, "change").filter(pk=contact.pk).exists()


def test_claim_refused_beyond_the_holding_cap(world):
    rule(world.units["north"], holding_cap=2)
    CustomerFactory.create_batch(2, owner=world.seller1)
    customer = pool_customer(world.units["north"])
    with pytest.raises(ValidationError, match="2"):
        services.customer_claim(customer=customer, actor=world.seller1)
    customer.refresh_from_db()
    assert customer.owner is None and not PoolMove.objects.exists()


def test_daily_claim_cap_counts_todays_claims_only(world):
    rule(world.units["north"], daily_claim_cap=2)
    first, second, third = (pool_customer(world.units["north"], f"客户{i}") for i in range(3))
    services.customer_claim(customer=first, actor=world.seller1)
    services.customer_claim(customer=second, actor=world.seller1)
    with pytest.raises(ValidationError, match="daily limit|每日"):
        services.customer_claim(customer=third, actor=world.seller1)
    assert Customer.objects.get(pk=third.pk).owner is None
    # Tomorrow the count starts again.
    services.customer_claim(customer=third, actor=world.seller1, now=timezone.now() + DAY)
    assert Customer.objects.get(pk=third.pk).owner == world.seller1


def test_a_unit_without_rules_inherits_its_nearest_ancestors(world):
    rule(world.units["hq"], holding_cap=100)
    rule(world.units["north"], holding_cap=50, daily_claim_cap=10)
    rules = rules_for(world.units["nd1"])
    assert (rules.holding_cap, rules.daily_claim_cap, rules.pool_unit_id) == (50, 10, world.units["north"].pk)
    assert rules_for(world.units["south"]).holding_cap == 100
    PoolRule.objects.filter(org_unit=world.units["north"]).update(deleted_at=timezone.now())
    assert rules_for(world.units["nd1"]).holding_cap == 100  # a rule in the bin counts no more


def test_claiming_a_taken_customer_says_so_and_changes_nothing(world):
    customer = CustomerFactory(owner=world.seller2)
    with pytest.raises((ValidationError, PermissionDenied)):
        services.customer_claim(customer=customer, actor=world.seller1)
    taken = pool_customer(world.units["north"])
    services.customer_claim(customer=taken, actor=world.seller2)
    with pytest.raises(ValidationError, match="Someone else|别人"):
        services.customer_claim(customer=Customer.objects.get(pk=taken.pk), actor=world.north_manager)
    assert Customer.objects.get(pk=taken.pk).owner == world.seller2


def test_claim_from_another_regions_pool_is_refused(world):
    customer = pool_customer(world.units["south"])
    with pytest.raises(PermissionDenied):
        services.customer_claim(customer=customer, actor=world.seller1)
    assert Customer.objects.get(pk=customer.pk).owner is None


def test_claim_needs_the_right_to_change_customers(world):
    customer = pool_customer(world.units["south"])
    with pytest.raises(PermissionDenied):
        services.customer_claim(customer=customer, actor=world.reader)  # sees it, may change nothing
    with pytest.raises(PermissionDenied):
        services.customer_claim(customer=customer, actor=world.nobody)


# --- assignment and release ----------------------------------------------------------------------------


def test_manager_assigns_from_the_pool_to_someone_in_their_scope(world):
    from notifications.models import Notification

    customer = pool_customer(world.units["north"])
    with django_capture_on_commit():
        services.customer_assign(customer=customer, to_user=world.seller3, actor=world.north_manager,
                                 reason="天津客户")
    customer.refresh_from_db()
    assert (customer.owner, customer.org_unit) == (world.seller3, world.units["nb2"])
    # The new owner is told, through the notification centre.
    notice = Notification.objects.get(recipient=world.seller3, event="customers.customer.owner_changed")
    assert customer.name in notice.title and notice.body == "天津客户"
    move = PoolMove.objects.get(customer=customer)
    assert (move.kind, move.actor, move.reason) == ("assigned", world.north_manager, "天津客户")
    assert "天津客户" in history(customer)[-1].postchange_data["pool"]


def test_assign_refuses_bad_targets_and_outsiders(world):
    customer = pool_customer(world.units["north"])
    inactive = EmployeeFactory(unit=world.units["nd1"], is_active=False)
    with pytest.raises(ValidationError) as error:
        services.customer_assign(customer=customer, to_user=inactive, actor=world.north_manager)
    assert "to_user" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.customer_assign(customer=customer, to_user=world.south_seller, actor=world.north_manager)
    assert "to_user" in error.value.message_dict  # outside what the manager manages
    with pytest.raises(PermissionDenied):
        services.customer_assign(customer=customer, to_user=world.seller1, actor=world.seller2)  # a seller
    with pytest.raises(ValidationError):
        services.customer_assign(customer=customer, to_user=world.seller1, actor=world.north_manager,
                                 reason="太长" * 101)
    customer.refresh_from_db()
    assert customer.owner is None and not PoolMove.objects.exists()


def test_assign_respects_the_receivers_holding_cap(world):
    rule(world.units["north"], holding_cap=1)
    CustomerFactory(owner=world.seller1)
    customer = pool_customer(world.units["north"])
    with pytest.raises(ValidationError) as error:
        services.customer_assign(customer=customer, to_user=world.seller1, actor=world.north_manager)
    assert "to_user" in error.value.message_dict


def test_release_goes_to_the_pool_of_the_unit_holding_the_rules(world):
    rule(world.units["north"], return_after_days=30)
    customer = CustomerFactory(owner=world.seller1)
    services.customer_release(customer=customer, actor=world.seller1, reason="不再跟进")
    customer.refresh_from_db()
    assert customer.owner is None
    assert customer.org_unit == world.units["north"]  # 北区's pool, seen by all of 北区
    assert Customer.objects.visible_to(world.seller3, "view").filter(pk=customer.pk).exists()
    assert PoolMove.objects.get(customer=customer).from_user == world.seller1
    with pytest.raises(ValidationError):
        services.customer_release(customer=customer, actor=world.north_manager)  # already there


def test_release_without_rules_stays_in_the_owners_unit_and_needs_change(world):
    customer = CustomerFactory(owner=world.seller2)
    with pytest.raises(PermissionDenied):
        services.customer_release(customer=customer, actor=world.seller1)
    services.customer_release(customer=customer, actor=world.dept_head)
    customer.refresh_from_db()
    assert (customer.owner, customer.org_unit) == (None, world.units["nd1"])


def test_editing_a_pool_customer_keeps_it_in_the_pool(world):
    from core.services import object_save

    customer = pool_customer(world.units["north"])
    customer.phone = "010-88886666"
    object_save(instance=customer, actor=world.north_manager)
    customer.refresh_from_db()
    assert (customer.owner, customer.org_unit, customer.phone) == (None, world.units["north"], "010-88886666")
    # An owned customer whose owner is left empty on a form goes to the editor (as before the pool).
    owned = CustomerFactory(owner=world.seller1)
    owned.owner = None
    object_save(instance=owned, actor=world.dept_head)
    assert Customer.objects.get(pk=owned.pk).owner == world.dept_head


# --- last contacted ------------------------------------------------------------------------------------


def test_touch_sets_last_contacted_only_forward_and_is_audited(world):
    customer = CustomerFactory(owner=world.seller1)
    when = timezone.now() - DAY
    services.customer_touch(customer=customer, when=when, actor=world.seller1)
    assert Customer.objects.get(pk=customer.pk).last_contacted_at == when
    assert history(customer)[-1].postchange_data == {"last_contacted_at": when.isoformat()}
    services.customer_touch(customer=customer, when=when - 5 * DAY)  # older: ignored
    assert Customer.objects.get(pk=customer.pk).last_contacted_at == when
    with pytest.raises(ValidationError):
        services.customer_touch(customer=customer, when=timezone.now() + 2 * DAY, actor=world.seller1)
    with pytest.raises(PermissionDenied):
        services.customer_touch(customer=customer, actor=world.south_seller)
    version = Customer.objects.get(pk=customer.pk).version
    services.customer_touch(customer=customer)
    assert Customer.objects.get(pk=customer.pk).version == version  # no edit conflict with an open form


def test_not_contacted_filter_page_and_api(world, client):
    now = timezone.now()
    old = CustomerFactory(owner=world.seller1, name="久未联系")
    Customer.objects.filter(pk=old.pk).update(created_at=now - 100 * DAY, last_contacted_at=now - 40 * DAY)
    never = CustomerFactory(owner=world.seller2, name="从未联系")
    Customer.objects.filter(pk=never.pk).update(created_at=now - 100 * DAY)
    recent = CustomerFactory(owner=world.seller1, name="刚联系")
    Customer.objects.filter(pk=recent.pk).update(created_at=now - 100 * DAY, last_contacted_at=now - 2 * DAY)
    CustomerFactory(owner=world.seller1, name="新客户")  # created today, never contacted: not counted
    CustomerFactory(owner=world.south_seller, name="南区旧客户")
    Customer.objects.filter(name="南区旧客户").update(created_at=now - 100 * DAY)

    response = api(world.dept_head).get("/api/customers/customers/", {"not_contacted_days": 30})
    assert {row["name"] for row in response.json()["results"]} == {"久未联系", "从未联系"}
    assert api(world.dept_head).get("/api/customers/customers/", {"not_contacted_days": -3}).status_code == 400

    client.force_login(world.dept_head)
    page = client.get(reverse("customers:not_contacted"), {"days": 30})
    assert page.status_code == 200
    rows = {(row["owner"], row["count"]) for row in page.context["by_owner"]}
    assert rows == {(str(world.seller1), 1), (str(world.seller2), 1)}  # not 南区's: out of scope
    assert page.context["total"] == 2
    drill = page.context["by_owner"][0]["url"]
    listed = client.get(drill)
    assert listed.status_code == 200
    assert client.get(reverse("customers:not_contacted"), {"days": "abc"}).status_code == 400
    assert client.get(reverse("customers:not_contacted"), {"days": "0"}).status_code == 400


def test_not_contacted_page_writes_its_rows_escaped(world, client):
    """The page's two tables are written in Python (pool_views._not_contacted_rows): names are
    escaped as the template would, each row links to the list of those customers, the units are
    indented by depth; with nothing to show, each table says so."""
    now = timezone.now()
    world.seller1.last_name, world.seller1.first_name = "<b>王", "</td>伟"
    world.seller1.save(update_fields=["last_name", "first_name"])
    old = CustomerFactory(owner=world.seller1, name="久未联系")
    Customer.objects.filter(pk=old.pk).update(created_at=now - 100 * DAY)
    client.force_login(world.dept_head)
    html = client.get(reverse("customers:not_contacted"), {"days": 30}).content.decode()
    owners = html.split('data-testid="by-owner"')[1].split("</table>")[0]
    assert "&lt;b&gt;王&lt;/td&gt;伟" in owners and "<b>王" not in owners
    assert f"owner={world.seller1.pk}" in owners and "not_contacted_days=30" in owners
    units = html.split('data-testid="by-unit"')[1].split("</table>")[0]
    assert world.seller1.unit.name in units and 'class="ps-' in units
    Customer.objects.filter(pk=old.pk).update(last_contacted_at=now)
    html = client.get(reverse("customers:not_contacted"), {"days": 30}).content.decode()
    assert html.count("Every customer you see was contacted recently.") + \
        html.count("您可见的客户近期都有联系。") == 2


# --- automatic return and warnings ---------------------------------------------------------------------


def test_overdue_customers_return_and_owners_are_warned_first(world):
    rule(world.units["north"], return_after_days=30, warn_days_before=3)
    world.seller1.email = "seller1@example.cn"
    world.seller1.save()
    now = timezone.now()
    overdue = CustomerFactory(owner=world.seller1, name="逾期客户")
    Customer.objects.filter(pk=overdue.pk).update(owned_since=now - 40 * DAY)
    contacted = CustomerFactory(owner=world.seller1, name="已跟进")
    Customer.objects.filter(pk=contacted.pk).update(owned_since=now - 40 * DAY, last_contacted_at=now - 5 * DAY)
    soon = CustomerFactory(owner=world.seller1, name="即将回收")
    Customer.objects.filter(pk=soon.pk).update(owned_since=now - 28 * DAY)
    # Contacted long ago by the previous owner, but assigned two days ago: not overdue.
    reassigned = CustomerFactory(owner=world.seller1, name="新分配")
    Customer.objects.filter(pk=reassigned.pk).update(owned_since=now - 2 * DAY, last_contacted_at=now - 90 * DAY)
    south = CustomerFactory(owner=world.south_seller, name="南区无规则")
    Customer.objects.filter(pk=south.pk).update(owned_since=now - 400 * DAY)

    with django_capture_on_commit():
        returned, warned = services.pool_return_due(now=now)
    assert (returned, warned) == (1, 1)
    overdue.refresh_from_db()
    assert (overdue.owner, overdue.org_unit) == (None, world.units["north"])
    move = PoolMove.objects.get(customer=overdue)
    assert (move.kind, move.from_user, move.actor) == ("returned", world.seller1, None)
    assert "30" in history(overdue)[-1].postchange_data["pool"]
    for customer in (contacted, soon, reassigned, south):
        assert Customer.objects.get(pk=customer.pk).owner is not None
    # Through the one notification service: in the notification centre, and a mail for the worker.
    from notifications.models import Notification, OutgoingMail

    notice = Notification.objects.get(recipient=world.seller1, event="customers.pool_warning")
    assert "即将回收" in notice.body
    queued = OutgoingMail.objects.get(event="customers.pool_warning")
    assert queued.address == "seller1@example.cn" and "即将回收" in queued.body
    assert Customer.objects.get(pk=soon.pk).return_warned_at is not None

    # The next round warns nobody twice; a contact restarts the clock and allows a later warning.
    with django_capture_on_commit():
        assert services.pool_return_due(now=now + datetime.timedelta(hours=1)) == (0, 0)
    assert Notification.objects.filter(event="customers.pool_warning").count() == 1
    services.customer_touch(customer=soon, actor=world.seller1)
    assert Customer.objects.get(pk=soon.pk).return_warned_at is None
    # Three days later without the contact it would have gone; with it, it stays.
    services.pool_return_due(now=now + 3 * DAY)
    assert Customer.objects.get(pk=soon.pk).owner == world.seller1


def test_home_slot_lists_the_users_customers_returning_soon(world, client):
    rule(world.units["north"], return_after_days=30, warn_days_before=5)
    soon = CustomerFactory(owner=world.seller1, name="快回公海了")
    Customer.objects.filter(pk=soon.pk).update(owned_since=timezone.now() - 27 * DAY)
    CustomerFactory(owner=world.seller1, name="还早")
    client.force_login(world.seller1)
    page = client.get(reverse("home"))
    slots = {item["slot"].key: item["rows"] for item in page.context["attention"]}
    assert [row.name for row in slots["customers.returning"]] == ["快回公海了"]
    client.force_login(world.seller2)
    page = client.get(reverse("home"))
    assert "customers.returning" not in {item["slot"].key for item in page.context["attention"]}


def test_run_scheduled_runs_the_pool_job(world):
    from io import StringIO

    rule(world.units["north"], return_after_days=10)
    customer = CustomerFactory(owner=world.seller1)
    Customer.objects.filter(pk=customer.pk).update(owned_since=timezone.now() - 11 * DAY)
    out = StringIO()
    call_command("run_scheduled", "--job", "customers.pool", stdout=out)
    assert "1" in out.getvalue() and Customer.objects.get(pk=customer.pk).owner is None
    from django.core.management.base import CommandError
    with pytest.raises(CommandError):
        call_command("run_scheduled", "--job", "no.such.job", stdout=out)


def test_pool_task_runs_in_the_background_backend(world, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from customers.tasks import pool_housekeeping

    rule(world.units["north"], return_after_days=10)
    customer = CustomerFactory(owner=world.seller1)
    Customer.objects.filter(pk=customer.pk).update(owned_since=timezone.now() - 11 * DAY)
    result = pool_housekeeping.enqueue()
    assert result.return_value == {"returned": 1, "warned": 0}


# --- pages and API ----------------------------------------------------------------------------------


def test_pool_page_shows_caps_and_claims(world, client):
    rule(world.units["north"], holding_cap=50, daily_claim_cap=10)
    CustomerFactory.create_batch(3, owner=world.seller1)
    customer = pool_customer(world.units["north"], "北区公海一号")
    pool_customer(world.units["south"], "南区公海一号")
    client.force_login(world.seller1)
    page = client.get(reverse("customers:pool"))
    html = page.content.decode()
    assert "北区公海一号" in html and "南区公海一号" not in html
    assert "3/50" in html and "0/10" in html
    response = client.post(reverse("customers:customer_claim", args=[customer.pk]))
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).owner == world.seller1
    # A second claim of the same customer (another tab): a message, not an error page.
    response = client.post(reverse("customers:customer_claim", args=[customer.pk]), follow=True)
    assert response.status_code == 200
    assert client.get(reverse("customers:customer_claim", args=[customer.pk])).status_code == 405
    other = pool_customer(world.units["south"], "南区公海二号")
    assert client.post(reverse("customers:customer_claim", args=[other.pk])).status_code == 404


def test_customer_page_actions_release_and_log_a_contact(world, client):
    customer = CustomerFactory(owner=world.seller1)
    client.force_login(world.seller1)
    page = client.get(customer.get_absolute_url()).content.decode()
    assert 'data-action="release"' in page and 'data-action="touch"' in page and 'data-action="claim"' not in page
    assert client.post(reverse("customers:customer_touch", args=[customer.pk])).status_code == 302
    assert Customer.objects.get(pk=customer.pk).last_contacted_at is not None
    response = client.post(reverse("customers:customer_release", args=[customer.pk]))
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).owner is None
    page = client.get(customer.get_absolute_url()).content.decode()
    assert 'data-action="claim"' in page and 'data-action="release"' not in page
    client.force_login(world.seller2)
    assert client.post(reverse("customers:customer_touch", args=[customer.pk])).status_code in (403, 404)


def test_assign_page(world, client):
    customer = pool_customer(world.units["north"])
    client.force_login(world.seller1)
    assert client.get(reverse("customers:customer_assign", args=[customer.pk])).status_code == 403
    client.force_login(world.north_manager)
    url = reverse("customers:customer_assign", args=[customer.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"to_user": world.south_seller.pk})
    assert response.status_code == 400 and Customer.objects.get(pk=customer.pk).owner is None
    response = client.post(url, {"to_user": "99999999"})
    assert response.status_code == 400
    response = client.post(url, {"to_user": world.seller2.pk, "reason": "分配"})
    assert response.status_code == 302 and Customer.objects.get(pk=customer.pk).owner == world.seller2


def test_pool_api(world):
    rule(world.units["north"], holding_cap=5, daily_claim_cap=1)
    first = pool_customer(world.units["north"], "一号")
    second = pool_customer(world.units["north"], "二号")
    south = pool_customer(world.units["south"], "南区")
    seller = api(world.seller1)
    listed = seller.get("/api/customers/pool/").json()["results"]
    assert {row["name"] for row in listed} == {"一号", "二号"}
    assert all(row["owner"] is None for row in listed)
    assert seller.get("/api/customers/pool/standing/").json() == {
        "holding": 0, "holding_cap": 5, "claimed_today": 0, "daily_claim_cap": 1, "may_claim": True}
    response = seller.post(f"/api/customers/customers/{first.pk}/claim/")
    assert response.status_code == 200 and response.json()["owner"] == world.seller1.pk
    response = seller.post(f"/api/customers/customers/{second.pk}/claim/")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert seller.post(f"/api/customers/customers/{south.pk}/claim/").status_code == 404
    assert seller.post("/api/customers/customers/99999999/claim/").status_code == 404
    response = seller.post(f"/api/customers/customers/{first.pk}/touch/", {"when": "not a date"}, format="json")
    assert response.status_code == 400 and "when" in response.json()
    assert seller.post(f"/api/customers/customers/{first.pk}/touch/", {}, format="json").status_code == 200
    response = seller.post(f"/api/customers/customers/{first.pk}/release/", {"reason": "x" * 201}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = seller.post(f"/api/customers/customers/{first.pk}/release/", {"reason": "不做了"}, format="json")
    assert response.status_code == 200 and response.json()["owner"] is None

    manager = api(world.north_manager)
    response = manager.post(f"/api/customers/customers/{second.pk}/assign/", {"to_user": 99999999}, format="json")
    assert response.status_code == 400 and "to_user" in response.json()
    response = manager.post(f"/api/customers/customers/{second.pk}/assign/", {"to_user": world.seller2.pk},
                            format="json")
    assert response.status_code == 200 and response.json()["owner"] == world.seller2.pk
    assert seller.post(f"/api/customers/customers/{first.pk}/assign/", {"to_user": world.seller1.pk},
                       format="json").status_code == 403
    assert APIClient().get("/api/customers/pool/").status_code in (401, 403)


def django_capture_on_commit():
    """Run on-commit callbacks (the warning mails) inside the test's transaction."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)
