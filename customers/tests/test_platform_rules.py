"""The platform's write rules, seen on customers and contacts: services check the actor before they
write, related fields offer only what the user may see, the column chooser saves, and the history
never names a record the reader may not see."""

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import ObjectChange, Share
from core.services import object_delete, object_restore, object_save, share_add
from customers.forms import ContactForm, CustomerForm
from customers.models import Contact, Customer
from customers.tests.factories import ContactFactory, CustomerFactory, make_credit_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def others_customer(world):
    """A customer of the south seller: outside north.seller1's reach."""
    return CustomerFactory(name="华南别人的客户", owner=world.south_seller)


def audit_count(obj):
    return ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(obj.__class__),
                                       object_id=obj.pk).count()


# --- services check before they write ----------------------------------------------------------


def test_object_save_refuses_a_seller_changing_a_customer_outside_their_scope(world, others_customer):
    stale = Customer.objects.get(pk=others_customer.pk)
    stale.name = "被抢走的客户"
    stale.owner = world.seller1  # would take it over, if the service only checked afterwards
    with pytest.raises(PermissionDenied):
        object_save(instance=stale, actor=world.seller1)
    fresh = Customer.objects.get(pk=others_customer.pk)
    assert (fresh.name, fresh.owner_id, fresh.version) == ("华南别人的客户", world.south_seller.pk, 1)
    assert audit_count(fresh) == 0


def test_object_save_refuses_a_create_without_the_add_grant(world):
    with pytest.raises(PermissionDenied):
        object_save(instance=Customer(name="无权新建"), actor=world.nobody)
    assert not Customer.all_objects.filter(name="无权新建").exists()


def test_object_delete_and_restore_refuse_a_record_outside_the_scope(world, others_customer):
    with pytest.raises(PermissionDenied):
        object_delete(instance=others_customer, actor=world.seller1)
    assert Customer.objects.filter(pk=others_customer.pk).exists()
    object_delete(instance=others_customer, actor=world.south_seller)
    deleted = Customer.all_objects.get(pk=others_customer.pk)
    with pytest.raises(PermissionDenied):
        object_restore(instance=deleted, actor=world.seller1)
    assert Customer.all_objects.get(pk=others_customer.pk).deleted_at is not None


def test_share_add_refuses_a_record_outside_the_scope(world, others_customer):
    with pytest.raises(PermissionDenied):
        share_add(instance=others_customer, actor=world.seller1, employee=world.seller1)
    assert not Share.objects.filter(object_id=others_customer.pk).exists()


def test_a_contact_cannot_be_moved_to_a_hidden_customer_by_a_direct_service_call(world, others_customer):
    own = CustomerFactory(owner=world.seller1)
    contact = ContactFactory(customer=own)
    contact.customer = others_customer
    with pytest.raises(ValidationError):
        object_save(instance=contact, actor=world.seller1)
    assert Contact.objects.get(pk=contact.pk).customer_id == own.pk


# --- related fields are scoped by the framework ------------------------------------------------


def test_contact_form_offers_and_accepts_only_customers_the_user_may_change(world, others_customer):
    own = CustomerFactory(owner=world.seller1)
    form = ContactForm(user=world.seller1)
    assert set(form.fields["customer"].queryset) == {own}
    form = ContactForm({"customer": others_customer.pk, "name": "张三"}, user=world.seller1)
    assert not form.is_valid() and "customer" in form.errors


def test_a_form_that_sets_a_queryset_in_its_own_init_is_still_restricted(world, others_customer):
    class CarelessForm(ContactForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["customer"].queryset = Customer.objects.all()  # forgets the scope

    form = CarelessForm({"customer": others_customer.pk, "name": "张三"}, user=world.seller1)
    assert others_customer not in form.fields["customer"].queryset
    assert not form.is_valid() and "customer" in form.errors


def test_owner_choices_are_the_people_the_user_may_see(world):
    form = CustomerForm(user=world.nobody)  # nobody: no grant on employees
    assert isinstance(form.fields["owner"], forms.ModelChoiceField)
    assert not form.fields["owner"].queryset.exists()
    assert CustomerForm(user=world.seller1).fields["owner"].queryset.filter(pk=world.ceo.pk).exists()


def test_api_refuses_a_contact_on_a_customer_the_caller_may_not_change(world, others_customer):
    api = APIClient()
    api.force_authenticate(world.seller1)
    response = api.post("/api/customers/contacts/", {"customer": others_customer.pk, "name": "李四"},
                        format="json")
    assert response.status_code == 400 and "customer" in response.json()
    assert not Contact.objects.filter(name="李四").exists()


# --- one validation path: the API runs the model's own validation ------------------------------


def test_api_normalises_through_the_model_and_refuses_a_duplicate_credit_code(world):
    api = APIClient()
    api.force_authenticate(world.seller1)
    code = make_credit_code()
    first = api.post("/api/customers/customers/", {"name": "  规范   名称  ", "credit_code": code.lower()},
                     format="json")
    assert first.status_code == 201, first.content
    assert (first.json()["name"], first.json()["credit_code"]) == ("规范 名称", code)
    duplicate = api.post("/api/customers/customers/", {"name": "另一家", "credit_code": code}, format="json")
    assert duplicate.status_code == 409 and duplicate.json()["candidates"][0]["matched"] == ["credit_code"]
    confirmed = api.post("/api/customers/customers/", {"name": "另一家", "credit_code": code,
                                                       "confirm_duplicate": True}, format="json")
    assert confirmed.status_code == 400 and "credit_code" in confirmed.json()


# --- the column chooser saves (it was a 500 for everyone) --------------------------------------


def test_column_choice_is_saved_for_the_user(client, world):
    client.force_login(world.seller1)
    url = reverse("customers:customer_list")
    response = client.post(url, {"columns": ["name"]})
    assert response.status_code == 302
    world.seller1.refresh_from_db()
    hidden = world.seller1.preferences["hidden_columns"]["customers.customer"]
    assert "name" not in hidden and hidden
    assert client.get(url).status_code == 200


# --- history names only what the reader may see ------------------------------------------------


def test_history_does_not_name_a_customer_the_reader_cannot_see(client, world, others_customer):
    own = CustomerFactory(owner=world.seller1, name="我自己的客户")
    contact = ContactFactory(customer=others_customer, name="被移动的联系人")
    contact.customer = own
    object_save(instance=contact, actor=world.ceo)  # a manager moves it to the seller's customer
    client.force_login(world.seller1)
    page = client.get(reverse("customers:contact_detail", args=[contact.pk])).content.decode()
    assert "被移动的联系人" in page and "我自己的客户" in page
    assert "华南别人的客户" not in page


def test_column_chooser_labels_every_column_like_its_header(client, world):
    from customers.tables import ContactTable, CustomerTable

    for table in (CustomerTable, ContactTable):
        labels = [str(label) for _name, label in table.optional_columns()]
        assert all(labels) and "None" not in labels, labels
    client.force_login(world.seller1)
    page = client.get(reverse("customers:customer_list")).content.decode()
    assert ">None<" not in page and "None</label>" not in page
