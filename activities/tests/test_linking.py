"""What an activity does to what it is linked to: the customer's last-contacted date, the deal's
last activity, the customer's timeline and page, the deal's workspace; and "Mark done"."""

import datetime

import pytest
from django.utils import timezone

from activities.models import Activity
from activities.tests.factories import ActivityFactory
from customers.models import Customer
from customers.tests.factories import ContactFactory, CustomerFactory
from sales.models import Opportunity
from sales.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def log(client, user, **data):
    client.force_login(user)
    body = {"status": "done", "priority": "normal", **{k: str(v) for k, v in data.items()}}
    return client.post("/activities/add/", body)


def test_a_done_visit_sets_last_contacted_a_planned_task_does_not(client, world):
    seller = world.users["seller1"]
    customer = CustomerFactory(owner=seller)
    response = log(client, seller, kind="task", subject="准备方案", status="planned", customer=customer.pk,
                   due_at="2027-01-05T18:00")
    assert response.status_code == 302
    assert Customer.objects.get(pk=customer.pk).last_contacted_at is None
    response = log(client, seller, kind="visit", subject="拜访总经理", customer=customer.pk,
                   starts_at="2026-11-20T10:00")
    assert response.status_code == 302
    contacted = Customer.objects.get(pk=customer.pk).last_contacted_at
    assert timezone.localtime(contacted).strftime("%Y-%m-%d %H:%M") == "2026-11-20 10:00"
    # An older call logged afterwards does not move the date back.
    log(client, seller, kind="call", subject="电话回访", customer=customer.pk, starts_at="2026-10-01T09:00")
    assert Customer.objects.get(pk=customer.pk).last_contacted_at == contacted


def test_the_customer_is_taken_from_the_contact_and_must_agree(client, world):
    seller = world.users["seller1"]
    customer = CustomerFactory(owner=seller)
    contact = ContactFactory(customer=customer, name="王主任")
    response = log(client, seller, kind="call", subject="电话沟通", contact=contact.pk, starts_at="2026-11-21T15:00")
    assert response.status_code == 302
    assert Activity.objects.get(subject="电话沟通").customer == customer
    other = CustomerFactory(owner=seller)
    response = log(client, seller, kind="call", subject="错配", contact=contact.pk, customer=other.pk,
                   starts_at="2026-11-21T15:00")
    assert response.status_code == 400
    assert "This contact belongs to another customer." in response.content.decode() or \
        "该联系人属于其他客户" in response.content.decode()
    assert not Activity.objects.filter(subject="错配").exists()


def test_a_deal_activity_moves_the_deals_last_activity_and_shows_on_its_workspace(client, world):
    seller = world.users["seller1"]
    deal = OpportunityFactory(owner=seller)
    response = log(client, seller, kind="meeting", subject="方案评审会", opportunity=deal.pk,
                   starts_at="2026-11-25T14:00")
    assert response.status_code == 302
    activity = Activity.objects.get(subject="方案评审会")
    assert activity.customer_id == deal.customer_id
    assert Opportunity.objects.get(pk=deal.pk).last_activity_at == activity.starts_at
    html = client.get(deal.get_absolute_url()).content.decode()
    assert 'data-bs-target="#tab-activities"' in html
    panel = client.get(f"/panels/sales.opportunity/{deal.pk}/deal-activities/").content.decode()
    assert "方案评审会" in panel


def test_the_customer_page_and_timeline_show_done_activities_the_reader_may_see(client, world):
    seller = world.users["seller1"]
    customer = CustomerFactory(owner=seller)
    ActivityFactory(owner=seller, customer=customer, subject="上门拜访", status="done",
                    starts_at=timezone.now() - datetime.timedelta(days=1))
    ActivityFactory(owner=seller, customer=customer, subject="下周计划拜访", status="planned")
    client.force_login(seller)
    panel = client.get(f"/panels/customers.customer/{customer.pk}/activities/").content.decode()
    assert "上门拜访" in panel and "下周计划拜访" in panel and 'data-testid="log-visit"' in panel
    timeline = client.get(f"/api/customers/customers/{customer.pk}/timeline/").json()
    titles = [entry["title"] for entry in timeline["results"]]
    assert any("上门拜访" in title for title in titles)
    assert not any("下周计划拜访" in title for title in titles)


def test_mark_done_on_the_page_and_in_the_api(client, world):
    seller = world.users["seller1"]
    task = ActivityFactory(owner=seller, kind="task", subject="寄送资料", status="planned",
                           due_at=timezone.now(), starts_at=None)
    client.force_login(seller)
    page = client.get(task.get_absolute_url()).content.decode()
    assert f"/activities/{task.pk}/complete/" in page
    response = client.post(f"/activities/{task.pk}/complete/")
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.done_at is not None
    call = ActivityFactory(owner=seller, kind="call", subject="约时间", status="planned")
    response = client.post(f"/api/activities/activities/{call.pk}/complete/")
    assert response.status_code == 200 and response.json()["status"] == "done"
    assert Customer.objects.get(pk=call.customer_id).last_contacted_at == call.starts_at
    # Someone who may only see it (a participant) cannot tick it off.
    joined = ActivityFactory(owner=seller, subject="联合拜访", status="planned")
    joined.participants.add(world.users["south_seller"])
    client.force_login(world.users["south_seller"])
    assert client.get(joined.get_absolute_url()).status_code == 200
    assert client.post(f"/api/activities/activities/{joined.pk}/complete/").status_code in (403, 404)
    joined.refresh_from_db()
    assert joined.status == "planned"


def test_the_api_filters_by_type_linked_record_and_dates(client, world):
    seller = world.users["seller1"]
    customer = CustomerFactory(owner=seller)
    base = timezone.make_aware(datetime.datetime(2026, 11, 10, 10, 0))
    for day, kind in ((0, "visit"), (1, "call"), (5, "visit")):
        ActivityFactory(owner=seller, customer=customer, kind=kind, subject=f"{kind}{day}",
                        starts_at=base + datetime.timedelta(days=day))
    ActivityFactory(owner=seller, kind="visit", subject="别的客户")
    client.force_login(seller)
    rows = client.get("/api/activities/activities/", {"kind": "visit", "customer": customer.pk,
                                                       "starts_after": "2026-11-10", "starts_before": "2026-11-11"}).json()
    assert [row["subject"] for row in rows["results"]] == ["visit0"]
    assert client.get("/api/activities/activities/", {"starts_after": "tomorrow"}).status_code == 400


# --- Later types, through core.registry.register_activity_target ------------------------------


def test_the_api_links_an_activity_to_a_lead_and_refuses_what_the_user_may_not_see(client, world):
    from rest_framework.test import APIClient

    from sales.tests.factories import LeadFactory

    seller = world.users["seller1"]
    lead = LeadFactory(owner=seller)
    other = LeadFactory(owner=world.users["south_seller"])
    api = APIClient()
    api.force_authenticate(seller)
    body = {"kind": "call", "subject": "线索首次电话", "starts_at": "2026-11-20T10:00:00+08:00", "status": "done",
            "related": f"sales.lead:{lead.pk}"}
    response = api.post("/api/activities/activities/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["related"] == f"sales.lead:{lead.pk}" and response.json()["related_name"] == str(lead)
    assert Activity.objects.get(subject="线索首次电话").related == lead
    refused = api.post("/api/activities/activities/", {**body, "subject": "越权", "related": f"sales.lead:{other.pk}"},
                       format="json")
    assert refused.status_code == 400 and "related" in refused.json()
    listed = api.get("/api/activities/activities/", {"related": f"sales.lead:{lead.pk}"}).json()
    assert [row["subject"] for row in listed["results"]] == ["线索首次电话"]


def test_the_home_page_lists_my_planned_activities_due_by_tonight_the_overdue_first(client, world):
    seller, other = world.users["seller1"], world.users["seller2"]
    now = timezone.now()
    today_early = timezone.localtime().replace(hour=0, minute=5)
    ActivityFactory(owner=seller, kind="task", subject="昨天到期的任务", status="planned", starts_at=None,
                    due_at=now - datetime.timedelta(days=1))
    ActivityFactory(owner=seller, kind="visit", subject="今天一早的拜访", status="planned", starts_at=today_early)
    ActivityFactory(owner=seller, kind="task", subject="明天到期的任务", status="planned", starts_at=None,
                    due_at=now + datetime.timedelta(days=2))
    ActivityFactory(owner=seller, kind="task", subject="已经完成的任务", status="done", starts_at=None,
                    due_at=now - datetime.timedelta(days=1))
    ActivityFactory(owner=other, kind="task", subject="别人的任务", status="planned", starts_at=None,
                    due_at=now - datetime.timedelta(hours=1))
    client.force_login(seller)
    page = client.get("/").content.decode()
    start = page.index('data-home-slot="activities.today"')
    html = page[start:page.index("</div></div>", start)]
    assert "昨天到期的任务" in html and "今天一早的拜访" in html
    assert html.index("昨天到期的任务") < html.index("今天一早的拜访")
    for hidden in ("明天到期的任务", "已经完成的任务", "别人的任务"):
        assert hidden not in html
