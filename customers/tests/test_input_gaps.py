"""Issue 5, item 9, on customers and contacts: a credit code typed with spaces, a contact deleted
before its customer, and the contact form's customer search offering only what the form accepts."""

import re
from urllib.parse import urlencode

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import Share
from core.services import object_delete
from core.testing.reading import field_errors, option_pks
from customers.models import Contact, Customer
from customers.tests.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db

SPACED = "9131 0115 MA1K 3YJ5 2L"
CODE = "91310115MA1K3YJ52L"


def pages(user):
    client = Client()
    client.force_login(user)
    return client


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_docs_example_code_is_valid():
    from customers.validators import validate_credit_code

    validate_credit_code(CODE)


@pytest.mark.parametrize("typed", [SPACED, "９１３１０１１５ＭＡ１Ｋ３ＹＪ５２Ｌ", "9131\u30000115 ma1k 3yj5 2l", f"  {SPACED}  "])
def test_a_credit_code_typed_with_spaces_is_stored_without_them(world, typed):
    seller = world.seller1
    response = api(seller).post("/api/customers/customers/", {"name": "空格代码有限公司", "credit_code": typed},
                                format="json")
    assert response.status_code == 201, response.content
    assert response.json()["credit_code"] == CODE
    Customer.objects.filter(pk=response.json()["id"]).update(credit_code="")
    page = pages(seller).post(reverse("customers:customer_add"), {
        "name": "空格代码页面有限公司", "kind": "company", "level": "potential", "credit_code": typed,
        "confirm_duplicate": "1"})  # a name like the one created above: a probable duplicate
    assert page.status_code == 302, field_errors(page)
    assert Customer.objects.get(name="空格代码页面有限公司").credit_code == CODE


def test_the_credit_code_box_lets_people_type_the_spaces(world):
    html = pages(world.seller1).get(reverse("customers:customer_add")).content.decode()
    box = re.search(r'<input[^>]*name="credit_code"[^>]*>', html).group(0)
    assert 'maxlength="18"' not in box


def test_a_too_long_code_still_says_how_long_it_is(world):
    response = api(world.seller1).post("/api/customers/customers/",
                                       {"name": "太长有限公司", "credit_code": SPACED + " 12"}, format="json")
    assert response.status_code == 400 and "credit_code" in response.json()
    assert "20" in response.json()["credit_code"][0]


def test_a_contact_deleted_before_its_customer_is_in_the_bin_and_says_to_restore_the_customer(world):
    seller = world.seller1
    customer = CustomerFactory(owner=seller, name="先删联系人的公司")
    contact = ContactFactory(customer=customer, name="先删的联系人")
    object_delete(instance=contact, actor=seller)
    object_delete(instance=Customer.objects.get(pk=customer.pk), actor=seller)
    client = pages(seller)
    bin_page = client.get(reverse("core:recycle_bin")).content.decode()
    restore_contact = reverse("core:restore", args=["customers.contact", contact.pk])
    assert restore_contact in bin_page
    response = client.post(restore_contact)
    assert response.status_code == 302
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("先删联系人的公司" in message for message in messages), messages
    assert Contact.all_objects.get(pk=contact.pk).deleted_at is not None
    # Customer first, then the contact comes back.
    assert client.post(reverse("core:restore", args=["customers.customer", customer.pk])).status_code == 302
    assert client.post(restore_contact).status_code == 302
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_the_bin_shows_no_contact_of_a_customer_one_may_not_delete(world):
    other = CustomerFactory(owner=world.south_seller, name="南区别人的公司")
    contact = ContactFactory(customer=other)
    object_delete(instance=contact, actor=world.south_seller)
    object_delete(instance=Customer.objects.get(pk=other.pk), actor=world.south_seller)
    page = pages(world.seller1).get(reverse("core:recycle_bin")).content.decode()
    assert reverse("core:restore", args=["customers.contact", contact.pk]) not in page
    assert pages(world.seller1).post(reverse("core:restore", args=["customers.contact", contact.pk])).status_code == 404


def test_the_contact_forms_customer_search_offers_only_customers_the_form_accepts(world):
    """seller3 sees a 南区 customer shared to view only: the form refuses it, so the search must
    not offer it."""
    seller3 = world.seller3
    own = CustomerFactory(owner=seller3, name="搜索自己的客户")
    view_only = CustomerFactory(owner=world.south_seller, name="搜索只读共享客户")
    Share.objects.create(content_type_id=_customer_type(), object_id=view_only.pk, employee=seller3)
    client = pages(seller3)
    form_html = client.get(reverse("customers:contact_add")).content.decode()
    url = re.search(r'name="customer__search"[^>]*hx-get="([^"]+)"', form_html).group(1).replace("&amp;", "&")
    # As htmx sends it: the widget's URL (with its action) plus the typed text.
    offered = option_pks(client.get(f"{url}{'&' if '?' in url else '?'}{urlencode({'customer__search': '搜索'})}"))
    assert own.pk in offered
    assert view_only.pk not in offered
    # What it offers, the form takes.
    response = client.post(reverse("customers:contact_add"), {"customer": str(own.pk), "name": "新联系人"})
    assert response.status_code == 302, field_errors(response)
    # The plain autocomplete (view) still finds the shared customer, e.g. for a filter.
    plain = option_pks(client.get(reverse("core:autocomplete", args=["customers.customer"]), {"q": "搜索"}))
    assert view_only.pk in plain


def test_autocomplete_for_an_action_not_granted_is_refused(world):
    response = pages(world.reader).get(reverse("core:autocomplete", args=["customers.customer"]), {"action": "change"})
    assert response.status_code == 403


def _customer_type():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Customer).pk
