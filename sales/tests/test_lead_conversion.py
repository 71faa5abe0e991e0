"""Lead statuses, disqualification and conversion (service, page, API); the lead's history on the
records it became; a converted lead is read-only."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import ObjectChange
from core.timeline import timeline_page
from customers.models import Contact, Customer
from customers.tests.factories import CustomerFactory
from org.tests.factories import ProductLineFactory
from sales.models import Lead, Opportunity
from sales.services import DuplicateCustomers, lead_convert, lead_disqualify, lead_save
from sales.tests.factories import LeadFactory, LeadSourceFactory, default_pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(db):
    default_pipeline()
    return ProductLineFactory(name="数控机床")


@pytest.fixture
def lead(world, line):
    return LeadFactory(owner=world.seller1, name="赵经理", company="苏州精密机械有限公司", title="设备部经理",
                       phone="13912345678", email="zhao@jingmi.cn", province="江苏省", city="苏州市",
                       product_line=line, source=LeadSourceFactory(name="网站", code="website"),
                       description="要三台加工中心")


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def counts():
    return Customer.objects.count(), Contact.objects.count(), Opportunity.objects.count()


def test_convert_makes_customer_contact_and_opportunity_from_the_lead(world, lead, line):
    done = lead_convert(lead=lead, actor=world.seller1, amount=Decimal("360000"))
    customer, contact, deal = done.customer, done.contact, done.opportunity
    assert done.customer_created
    assert (customer.name, customer.kind, customer.province, customer.city, customer.source) == (
        "苏州精密机械有限公司", "company", "江苏省", "苏州市", "website")
    assert customer.owner == world.seller1 and customer.phone == "13912345678"
    assert (contact.customer, contact.name, contact.title, contact.mobile, contact.email) == (
        customer, "赵经理", "设备部经理", "13912345678", "zhao@jingmi.cn")
    assert (deal.customer, deal.product_line, deal.lead, deal.source, deal.amount, deal.owner) == (
        customer, line, lead, lead.source, Decimal("360000"), world.seller1)
    assert deal.stage.kind == "open" and deal.stage_changes.count() == 1  # through opportunity_save
    lead.refresh_from_db()
    assert (lead.status, lead.converted_customer, lead.converted_contact) == ("converted", customer, contact)
    assert lead.converted_at is not None
    # Each new record and the lead's change are audited.
    for record in (customer, contact, deal):
        assert ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(record.__class__),
                                           object_id=record.pk, action="create").exists()


def test_convert_refuses_with_candidates_then_links_or_confirms(world, lead):
    existing = CustomerFactory(name="苏州精密机械有限公司", owner=world.seller1)
    before = counts()
    with pytest.raises(DuplicateCustomers) as found:
        lead_convert(lead=lead, actor=world.seller1)
    assert [c.customer for c in found.value.candidates] == [existing]
    assert counts() == before and Lead.objects.get(pk=lead.pk).status == "new"  # nothing written
    done = lead_convert(lead=lead, actor=world.seller1, customer=existing, create_opportunity=False)
    assert done.customer == existing and not done.customer_created and done.opportunity is None
    assert counts() == (before[0], before[1] + 1, before[2])
    assert existing.contacts.get().name == "赵经理"


def test_convert_anyway_makes_a_new_customer(world, lead):
    CustomerFactory(name="苏州精密机械有限公司", owner=world.south_seller)
    done = lead_convert(lead=lead, actor=world.seller1, confirm_duplicate=True)
    assert done.customer_created and Customer.objects.filter(name="苏州精密机械有限公司").count() == 2


def test_convert_refuses_bad_values_and_foreign_customers_writing_nothing(world, lead):
    before = counts()
    with pytest.raises(ValidationError) as error:
        lead_convert(lead=lead, actor=world.seller1, contact_name="", customer_name="新公司")
    assert "contact_name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        lead_convert(lead=lead, actor=world.seller1, customer=CustomerFactory(owner=world.south_seller))
    assert "customer" in error.value.message_dict
    no_line = LeadFactory(owner=world.seller1, company="没有产品线的公司")
    with pytest.raises(ValidationError) as error:
        lead_convert(lead=no_line, actor=world.seller1)
    assert "product_line" in error.value.message_dict
    assert counts() == (before[0] + 1, before[1], before[2])  # only the foreign customer made above


def test_disqualify_needs_a_reason_and_a_disqualified_lead_is_not_converted(world, lead):
    with pytest.raises(ValidationError) as error:
        lead_disqualify(lead=lead, actor=world.seller1, reason="  ")
    assert "disqualify_reason" in error.value.message_dict
    lead.refresh_from_db()
    assert lead.status == "new"
    saved = lead_disqualify(lead=lead, actor=world.seller1, reason="预算没有了")
    assert (saved.status, saved.disqualify_reason) == ("disqualified", "预算没有了")
    with pytest.raises(ValidationError):
        lead_convert(lead=lead, actor=world.seller1)


def test_disqualify_page_and_api(client, world, lead):
    client.force_login(world.seller1)
    url = reverse("sales:lead_disqualify", args=[lead.pk])
    refused = client.post(url, {"disqualify_reason": ""})
    assert refused.status_code == 400 and 'data-field-error="disqualify_reason"' in refused.content.decode()
    assert client.post(url, {"disqualify_reason": "不是目标客户"}).status_code == 302
    assert Lead.objects.get(pk=lead.pk).disqualify_reason == "不是目标客户"
    other = LeadFactory(owner=world.seller1)
    response = api(world.seller1).post(f"/api/sales/leads/{other.pk}/disqualify/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api(world.seller1).post(f"/api/sales/leads/{other.pk}/disqualify/", {"reason": "重复"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "disqualified"
    # Requalifying clears the reason; the history keeps it.
    patched = api(world.seller1).patch(f"/api/sales/leads/{other.pk}/", {"status": "working"}, format="json")
    assert patched.status_code == 200 and patched.json()["disqualify_reason"] == ""


def test_api_convert_201_409_400(world, lead, line):
    client = api(world.seller1)
    url = f"/api/sales/leads/{lead.pk}/convert/"
    existing = CustomerFactory(name="苏州精密机械有限公司", owner=world.south_seller)
    conflict = client.post(url, {}, format="json")
    assert conflict.status_code == 409
    [candidate] = conflict.json()["candidates"]
    assert candidate["visible"] is False and candidate["id"] is None and candidate["owner_name"]
    assert client.post(url, {"customer": existing.pk}, format="json").status_code == 400  # not theirs to change
    bad = client.post(url, {"confirm_duplicate": True, "amount": "-5", "email": "x"}, format="json")
    assert bad.status_code == 400 and {"amount", "email"} <= set(bad.json())
    assert Lead.objects.get(pk=lead.pk).status == "new"
    done = client.post(url, {"confirm_duplicate": True, "opportunity_name": "三台加工中心", "amount": "360000.00",
                             "product_line": line.pk}, format="json")
    assert done.status_code == 201, done.content
    body = done.json()
    assert body["customer_created"] is True and body["lead"] == lead.pk
    deal = Opportunity.objects.get(pk=body["opportunity"])
    assert (deal.name, deal.customer_id, deal.lead_id) == ("三台加工中心", body["customer"], lead.pk)
    assert Contact.objects.get(pk=body["contact"]).customer_id == body["customer"]
    again = client.post(url, {"confirm_duplicate": True}, format="json")
    assert again.status_code == 400  # converted already


def test_convert_page_shows_candidates_and_links_to_one(client, world, lead):
    mine = CustomerFactory(name="苏州精密机械有限公司", owner=world.seller1)
    client.force_login(world.seller1)
    url = reverse("sales:lead_convert", args=[lead.pk])
    page = client.get(url).content.decode()
    assert 'data-testid="duplicate-candidate"' in page and 'value="苏州精密机械有限公司"' in page
    assert f'name="use_customer" value="{mine.pk}"' in page
    form = {"customer_name": "苏州精密机械有限公司", "contact_name": "赵经理", "phone": "13912345678",
            "create_opportunity": "on", "product_line": lead.product_line_id}
    refused = client.post(url, form)
    assert refused.status_code == 400 and 'data-testid="duplicate-candidate"' in refused.content.decode()
    assert Lead.objects.get(pk=lead.pk).status == "new"
    done = client.post(url, {**form, "use_customer": mine.pk})
    deal = Opportunity.objects.get(lead=lead)
    assert done.status_code == 302 and done["Location"] == deal.get_absolute_url() and deal.customer == mine


def test_convert_page_field_errors_next_to_the_field(client, world, lead):
    client.force_login(world.seller1)
    response = client.post(reverse("sales:lead_convert", args=[lead.pk]),
                           {"customer_name": "全新公司名", "contact_name": "", "province": "火星省"})
    body = response.content.decode()
    assert response.status_code == 400 and 'data-field-error="contact_name"' in body
    response = client.post(reverse("sales:lead_convert", args=[lead.pk]),
                           {"customer_name": "全新公司名", "contact_name": "赵经理", "province": "火星省"})
    assert response.status_code == 400 and 'data-field-error="province"' in response.content.decode()
    assert not Customer.objects.filter(name="全新公司名").exists()


def test_the_leads_history_shows_on_the_customer_contact_and_opportunity(client, world, line):
    lead = lead_save(instance=Lead(name="孙工", company="昆山模具厂", product_line=line, owner=world.seller1),
                     actor=world.seller1)
    lead.status = "working"
    lead_save(instance=lead, actor=world.seller1)
    lead_convert(lead=lead, actor=world.seller1)
    lead.refresh_from_db()
    customer = lead.converted_customer
    entries = timeline_page(world.seller1, customer).entries
    lead_entries = [e for e in entries if e.kind == "sales.lead_history"]
    assert any("创建" in e.title or "Created" in e.title for e in lead_entries)
    assert any(d.get("new") in ("Converted", "已转化") for e in lead_entries for d in e.details)
    assert all(e.url == lead.get_absolute_url() for e in lead_entries)
    client.force_login(world.seller1)
    panel = client.get(reverse("core:panel", args=["customers.contact", lead.converted_contact_id,
                                                   "converted-from-lead"]))
    assert lead.get_absolute_url() in panel.content.decode()
    deal_page = client.get(Opportunity.objects.get(lead=lead).get_absolute_url()).content.decode()
    assert lead.get_absolute_url() in deal_page
    lead_panel = client.get(reverse("core:panel", args=["sales.lead", lead.pk, "lead-conversion"])).content.decode()
    assert customer.get_absolute_url() in lead_panel
    # Someone who may see the customer but not the lead does not get the lead's history.
    customer.owner = world.seller2
    customer.save()
    assert not [e for e in timeline_page(world.seller2, customer).entries if e.kind == "sales.lead_history"]


def test_a_converted_lead_is_read_only(client, world, lead):
    lead_convert(lead=lead, actor=world.seller1)
    lead.refresh_from_db()
    client.force_login(world.seller1)
    page = client.get(lead.get_absolute_url()).content.decode()
    assert 'data-action="edit"' not in page and 'data-action="convert"' not in page
    assert client.get(reverse("sales:lead_edit", args=[lead.pk])).status_code == 302
    edited = client.post(reverse("sales:lead_edit", args=[lead.pk]),
                         {"name": "改", "status": "working", "version": lead.version})
    assert edited.status_code == 302
    patched = api(world.seller1).patch(f"/api/sales/leads/{lead.pk}/", {"status": "working"}, format="json")
    assert patched.status_code == 400
    bulk = client.post(reverse("sales:lead_bulk_edit"), {"pk": [lead.pk], "status": "working", "_apply": "1"})
    assert bulk.status_code == 400
    with pytest.raises(ValidationError):
        lead_disqualify(lead=lead, actor=world.seller1, reason="x")
    assert Lead.objects.get(pk=lead.pk).status == "converted" and Lead.objects.get(pk=lead.pk).name == "赵经理"


def test_converted_is_not_a_status_one_sets_by_hand(client, world):
    client.force_login(world.seller1)
    lead = LeadFactory(owner=world.seller1)
    page = client.get(reverse("sales:lead_edit", args=[lead.pk])).content.decode()
    assert 'value="converted"' not in page
    response = api(world.seller1).patch(f"/api/sales/leads/{lead.pk}/", {"status": "converted"}, format="json")
    assert response.status_code == 400 and "status" in response.json()
