"""The writes behind customer and contact pages: audit trail, handover, recycle bin, restore.

Customers have no workflow services of their own yet; their writes go through the generic
`core.services` (object_save / object_delete / object_restore / share_add). These tests hold
those to what a user sees on a customer: the history panel, the recycle bin, who sees what after
a handover.
"""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from core.models import ObjectChange
from core.services import VersionConflict, object_delete, object_restore, object_save, share_add
from customers.models import Contact, Customer, Level
from customers.tests.factories import ContactFactory, make_credit_code

pytestmark = pytest.mark.django_db


def history(obj):
    return list(ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(obj.__class__),
                                            object_id=obj.pk).order_by("time", "id"))


@pytest.fixture
def seller(world):
    return world.seller1


@pytest.fixture
def customer(seller):
    return object_save(instance=Customer(name="北京测试有限公司", credit_code=make_credit_code(),
                                         level=Level.POTENTIAL), actor=seller)


# --- create and update -----------------------------------------------------------------------


def test_create_sets_owner_unit_and_bookkeeping_and_writes_one_audit_row(seller, customer):
    assert customer.owner == seller
    assert customer.org_unit == seller.unit
    assert customer.created_by == seller and customer.updated_by == seller
    assert customer.version == 1
    (row,) = history(customer)
    assert row.action == ObjectChange.Action.CREATE
    assert row.user == seller and row.user_name == "north.seller1"
    assert row.postchange_data["name"] == "北京测试有限公司"
    assert row.postchange_data["owner"] == {"id": seller.pk, "label": str(seller)}
    assert row.prechange_data is None


def test_update_records_old_and_new_values_and_bumps_the_version(seller, customer):
    customer.level = Level.CUSTOMER
    customer.city = "北京"
    object_save(instance=customer, actor=seller, expected_version=1)
    customer.refresh_from_db()
    assert customer.version == 2
    update = history(customer)[-1]
    assert update.action == ObjectChange.Action.UPDATE
    assert update.diff() == [("city", "", "北京"), ("level", "potential", "customer")]


def test_saving_without_a_change_adds_no_audit_row(seller, customer):
    object_save(instance=Customer.objects.get(pk=customer.pk), actor=seller)
    assert [row.action for row in history(customer)] == [ObjectChange.Action.CREATE]


def test_stale_version_is_refused_and_changes_nothing(seller, customer):
    first = Customer.objects.get(pk=customer.pk)
    second = Customer.objects.get(pk=customer.pk)
    first.name = "先保存的名字"
    object_save(instance=first, actor=seller, expected_version=1)
    second.name = "后保存的名字"
    with pytest.raises(VersionConflict) as conflict:
        object_save(instance=second, actor=seller, expected_version=1)
    assert conflict.value.current.name == "先保存的名字"
    assert Customer.objects.get(pk=customer.pk).name == "先保存的名字"
    assert len(history(customer)) == 2


def test_tags_are_part_of_the_audited_state(seller, customer):
    api = APIClient()
    api.force_authenticate(seller)
    response = api.patch(f"/api/customers/customers/{customer.pk}/", {"tags": ["重点", "华北"]}, format="json")
    assert response.status_code == 200, response.json()
    assert sorted(response.json()["tags"]) == ["华北", "重点"]
    assert ("tags", [], ["华北", "重点"]) in history(customer)[-1].diff()


# --- handover --------------------------------------------------------------------------------


def test_handover_moves_the_customer_to_the_new_owners_unit(world, customer):
    manager = world.north_manager
    customer = Customer.objects.get(pk=customer.pk)
    customer.owner = world.seller3  # 天津分公司, also in 北区
    object_save(instance=customer, actor=manager)
    customer.refresh_from_db()
    assert customer.org_unit == world.units["nb2"]
    assert ("owner", {"id": world.seller1.pk, "label": str(world.seller1)},
            {"id": world.seller3.pk, "label": str(world.seller3)}) in history(customer)[-1].diff()
    # The former owner no longer sees it; the new owner and the region manager do.
    assert not Customer.objects.visible_to(world.seller1).filter(pk=customer.pk).exists()
    assert Customer.objects.visible_to(world.seller3).filter(pk=customer.pk).exists()
    assert Customer.objects.visible_to(world.north_manager).filter(pk=customer.pk).exists()


def test_seller_cannot_hand_a_customer_out_of_their_reach(world, customer):
    customer = Customer.objects.get(pk=customer.pk)
    customer.owner = world.south_seller
    with pytest.raises(ValidationError) as refused:
        object_save(instance=customer, actor=world.seller1)
    assert "owner" in refused.value.message_dict
    customer.refresh_from_db()
    assert customer.owner == world.seller1 and customer.version == 1
    assert len(history(customer)) == 1


def test_refused_create_leaves_nothing_and_an_unsaved_instance(world):
    instance = Customer(name="越权客户有限公司", owner=world.south_seller)
    with pytest.raises(ValidationError):
        object_save(instance=instance, actor=world.seller1)
    assert instance.pk is None and instance._state.adding
    assert not Customer.all_objects.filter(name="越权客户有限公司").exists()
    assert not ObjectChange.objects.filter(object_repr="越权客户有限公司").exists()


# --- recycle bin -----------------------------------------------------------------------------


def test_deleted_customer_disappears_with_its_contacts_and_comes_back_with_them(seller, customer):
    contact = ContactFactory(customer=customer)
    object_delete(instance=customer, actor=seller)

    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert not Customer.objects.visible_to(seller).filter(pk=customer.pk).exists()
    # The contact itself is not deleted, but nobody sees it while its customer is in the bin.
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert not Contact.objects.visible_to(seller).filter(pk=contact.pk).exists()

    object_restore(instance=Customer.all_objects.get(pk=customer.pk), actor=seller)
    assert Customer.objects.visible_to(seller).filter(pk=customer.pk).exists()
    assert Contact.objects.visible_to(seller).filter(pk=contact.pk).exists()
    assert [row.action for row in history(customer)] == ["create", "delete", "restore"]


def test_delete_with_a_stale_version_is_refused(seller, customer):
    fresh = Customer.objects.get(pk=customer.pk)
    fresh.city = "天津"
    object_save(instance=fresh, actor=seller)
    with pytest.raises(VersionConflict):
        object_delete(instance=customer, actor=seller, expected_version=1)
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_restore_is_refused_when_the_credit_code_was_given_to_another_customer(seller, customer):
    object_delete(instance=customer, actor=seller)
    object_save(instance=Customer(name="新客户有限公司", credit_code=customer.credit_code), actor=seller)
    deleted = Customer.all_objects.get(pk=customer.pk)
    with pytest.raises(ValidationError) as refused:
        object_restore(instance=deleted, actor=seller)
    assert refused.value.messages
    assert Customer.all_objects.get(pk=customer.pk).deleted_at is not None
    assert [row.action for row in history(customer)] == ["create", "delete"]


def test_contact_cannot_be_restored_before_its_customer(seller, customer):
    contact = ContactFactory(customer=customer)
    object_delete(instance=contact, actor=seller)
    object_delete(instance=customer, actor=seller)
    with pytest.raises(ValidationError) as refused:
        object_restore(instance=Contact.all_objects.get(pk=contact.pk), actor=seller)
    assert customer.name in refused.value.messages[0]
    assert Contact.all_objects.get(pk=contact.pk).deleted_at is not None


def test_recycle_bin_page_lists_and_restores_a_customer(client, seller, customer):
    object_delete(instance=customer, actor=seller)
    client.force_login(seller)
    page = client.get("/recycle-bin/")
    assert page.status_code == 200
    assert customer.name in page.content.decode()
    response = client.post(f"/recycle-bin/customers.customer/{customer.pk}/restore/")
    assert response.status_code == 302
    assert Customer.objects.filter(pk=customer.pk).exists()


def test_nobody_restores_a_customer_outside_their_scope(client, world, customer):
    object_delete(instance=customer, actor=world.seller1)
    client.force_login(world.south_seller)
    assert customer.name not in client.get("/recycle-bin/").content.decode()
    response = client.post(f"/recycle-bin/customers.customer/{customer.pk}/restore/")
    assert response.status_code == 404
    assert not Customer.objects.filter(pk=customer.pk).exists()


# --- account team ----------------------------------------------------------------------------


def test_sharing_a_customer_lets_a_colleague_see_it_and_is_audited(world, customer):
    assert not Customer.objects.visible_to(world.south_seller).filter(pk=customer.pk).exists()
    share_add(instance=customer, actor=world.seller1, employee=world.south_seller, role="技术支持")
    from org.permissions import clear_cache

    clear_cache(world.south_seller)
    assert Customer.objects.visible_to(world.south_seller).filter(pk=customer.pk).exists()
    # Seeing is not editing unless the share says so.
    assert not Customer.objects.visible_to(world.south_seller, "change").filter(pk=customer.pk).exists()
    assert history(customer)[-1].action == ObjectChange.Action.UPDATE


def test_only_someone_who_may_change_a_customer_can_share_it(world, customer):
    with pytest.raises(PermissionDenied):
        share_add(instance=customer, actor=world.south_seller, employee=world.south_seller)
