"""Duplicate prevention on the pages: candidates while typing, confirmation on save, the merge page."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client

from customers.models import Contact, Customer
from customers.tests.factories import ContactFactory, CustomerFactory, make_credit_code

pytestmark = pytest.mark.django_db

ADD = "/customers/add/"
CANDIDATES = "/customers/duplicates/"
MERGE = "/customers/merge/"


def login(user):
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read the English texts
    return client


def test_the_create_form_asks_for_candidates_while_typing(world):
    page = login(world.seller1).get(ADD).content.decode()
    assert 'id="duplicate-candidates"' in page
    assert f'hx-get="{CANDIDATES}"' in page and 'hx-target="#duplicate-candidates"' in page
    # Editing an existing customer does not.
    customer = CustomerFactory(owner=world.seller1)
    edit = login(world.seller1).get(f"/customers/{customer.pk}/edit/").content.decode()
    assert "duplicate-candidates" not in edit


def test_the_candidates_partial_shows_visible_ones_and_only_the_owner_of_the_others(world):
    mine = CustomerFactory(name="北京华为技术有限公司", owner=world.seller1)
    theirs = CustomerFactory(name="深圳华为技术有限公司", owner=world.south_seller, credit_code=make_credit_code())
    html = login(world.seller1).get(CANDIDATES, {"name": "华为技术"}).content.decode()
    assert mine.name in html and f"/customers/{mine.pk}/" in html
    assert theirs.name not in html and theirs.credit_code not in html and f"/customers/{theirs.pk}/" not in html
    assert "An existing customer you cannot see" in html and str(world.south_seller) in html
    assert 'name="confirm_duplicate"' not in html  # the checkbox comes with a refused save


def test_the_candidates_partial_tolerates_anything_typed(world):
    client = login(world.seller1)
    for params in ({}, {"name": ""}, {"name": "x" * 5000}, {"credit_code": "不是代码"}, {"email": "@@"},
                   {"phone": "（）"}):
        answer = client.get(CANDIDATES, params)
        assert answer.status_code == 200
    assert login(world.nobody).get(CANDIDATES, {"name": "华为"}).status_code == 403


def test_saving_a_probable_duplicate_asks_first(world):
    CustomerFactory(name="北京华为技术有限公司", owner=world.south_seller)
    client = login(world.seller1)
    data = {"name": "华为技术（北京）有限公司", "kind": "company", "level": "potential"}
    answer = client.post(ADD, data)
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "This customer probably exists already" in html
    assert 'name="confirm_duplicate"' in html and "This is a different company" in html
    assert not Customer.objects.filter(name="华为技术（北京）有限公司").exists()
    answer = client.post(ADD, {**data, "confirm_duplicate": "1"})
    assert answer.status_code == 302
    assert Customer.objects.filter(name="华为技术（北京）有限公司").count() == 1


def test_the_same_credit_code_stays_refused_when_confirmed(world):
    code = make_credit_code()
    CustomerFactory(name="完全不同有限公司", credit_code=code)
    answer = login(world.seller1).post(ADD, {"name": "新名字有限公司", "kind": "company", "level": "potential",
                                             "credit_code": code, "confirm_duplicate": "1"})
    assert answer.status_code == 400
    assert 'data-field-error="credit_code"' in answer.content.decode()
    assert Customer.objects.filter(credit_code=code).count() == 1


# --- merge page ------------------------------------------------------------------------------------


@pytest.fixture
def pair(world):
    survivor = CustomerFactory(name="北京华为技术有限公司", owner=world.seller1, city="北京", phone="")
    merged = CustomerFactory(name="华为技术（北京）有限公司", owner=world.seller1, city="北京市",
                             phone="010-88886666")
    ContactFactory(customer=merged, name="张三")
    return survivor, merged


def test_the_list_offers_merge_for_the_selection(world, pair):
    client = login(world.seller1)
    html = client.get("/customers/").content.decode()
    assert f'formaction="{MERGE}"' in html
    survivor, merged = pair
    answer = client.post(MERGE, {"pk": [survivor.pk, merged.pk]})
    assert answer.status_code == 302 and answer["Location"] == f"{MERGE}?ids={survivor.pk}&ids={merged.pk}"


def test_the_merge_page_shows_differing_fields_and_what_moves_then_merges(world, pair):
    survivor, merged = pair
    client = login(world.seller1)
    page = client.get(MERGE, {"ids": [survivor.pk, merged.pk]})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-field="city"' in html and 'data-field="phone"' in html and 'data-field="level"' not in html
    assert 'name="value_city"' in html and f'name="survivor" value="{survivor.pk}"' in html
    assert "Contacts: <span" in html
    answer = client.post(MERGE, {"ids": [survivor.pk, merged.pk], "survivor": survivor.pk,
                                 "value_city": merged.pk, "value_phone": merged.pk,
                                 f"version_{survivor.pk}": survivor.version, f"version_{merged.pk}": merged.version})
    assert answer.status_code == 302 and answer["Location"] == f"/customers/{survivor.pk}/"
    assert "1 customer merged into 北京华为技术有限公司." in [str(m) for m in get_messages(answer.wsgi_request)]
    survivor.refresh_from_db()
    assert (survivor.city, survivor.phone) == ("北京市", "010-88886666")
    assert Contact.objects.get(name="张三").customer_id == survivor.pk
    assert Customer.all_objects.get(pk=merged.pk).merged_into_id == survivor.pk


def test_the_merge_page_refuses(world, pair):
    survivor, merged = pair
    client = login(world.seller1)
    other = CustomerFactory(name="华为技术有限公司", owner=world.south_seller)
    assert client.get(MERGE, {"ids": [survivor.pk, other.pk]}).status_code == 404
    assert client.get(MERGE, {"ids": [survivor.pk, "abc"]}).status_code == 404
    one = client.get(MERGE, {"ids": [survivor.pk]})
    assert one.status_code == 302
    assert any("Select from 2" in str(m) for m in get_messages(one.wsgi_request))
    assert login(world.reader).get(MERGE, {"ids": [survivor.pk, merged.pk]}).status_code == 403
    # Changed meanwhile: asked again, nothing merged.
    stale = client.post(MERGE, {"ids": [survivor.pk, merged.pk], "survivor": survivor.pk,
                                f"version_{merged.pk}": merged.version + 3})
    assert stale.status_code == 400 and "was changed while you were choosing" in stale.content.decode()
    # No survivor chosen.
    none = client.post(MERGE, {"ids": [survivor.pk, merged.pk], "survivor": "x"})
    assert none.status_code == 400
    assert Customer.objects.filter(pk__in=[survivor.pk, merged.pk]).count() == 2


def test_the_demo_has_near_duplicates_to_merge():
    import io

    from django.core.management import call_command

    from customers.duplicates import find_candidates

    call_command("demo_data", customers=120, stdout=io.StringIO())
    twins = list(Customer.objects.filter(notes__startswith="演示：与另一条客户记录重复"))
    assert len(twins) == 2
    for twin in twins:
        (original, *_rest) = find_candidates(name=twin.name, phone=twin.phone, exclude_ids=[twin.pk])
        assert original.customer.owner_id == twin.owner_id and "name" in original.matched
