"""Lead assignment: rules (conditions, order, round robin), automatic assignment of new leads (page,
API), the unassigned queue, assignment by hand within the actor's scope, bulk assignment."""

from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import ObjectChange
from customers.tests.factories import IndustryFactory, industry
from notifications.models import Notification
from org.tests.factories import ProductLineFactory
from sales.models import Lead, LeadAssignmentRule
from sales.services import lead_assign, lead_save
from sales.services.leads import NoRuleMatches, pick_owner
from sales.tests.factories import LeadAssignmentRuleFactory, LeadFactory, LeadSourceFactory

pytestmark = pytest.mark.django_db


def changes(lead):
    return list(ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(Lead),
                                            object_id=lead.pk).order_by("time", "id"))


def new_lead(**fields):
    return Lead(name=fields.pop("name", "新线索"), company=fields.pop("company", "某某公司"), **fields)


def test_rules_match_on_every_filled_condition_in_order(world):
    web, phone = LeadSourceFactory(name="网站"), LeadSourceFactory(name="电话销售")
    line = ProductLineFactory()
    division = IndustryFactory()  # a division of section C
    anywhere = LeadAssignmentRuleFactory(name="兜底", order=90, assignees=[world.seller3])
    LeadAssignmentRuleFactory(name="停用", order=1, is_active=False, assignees=[world.south_seller])
    jiangsu = LeadAssignmentRuleFactory(name="江苏网站", order=10, province="江苏省", source=web,
                                        assignees=[world.seller1])
    factory_rule = LeadAssignmentRuleFactory(name="制造业", order=20, industry=industry("C"), product_line=line,
                                             assignees=[world.seller2])

    def picked(**fields):
        with mock.patch("sales.services.leads._next_assignee", side_effect=lambda rule: rule):
            return pick_owner(new_lead(**fields))[0]

    assert picked(province="江苏省", source=web) == jiangsu
    assert picked(province="江苏省", source=phone) == anywhere  # the source differs
    assert picked(province="浙江省", source=web) == anywhere
    assert picked(industry=division, product_line=line) == factory_rule  # a section matches its divisions
    assert picked(industry=industry("C"), product_line=line, province="江苏省", source=web) == jiangsu  # order
    assert picked(industry=division) == anywhere  # the product line is missing


def test_province_is_written_as_the_standard_writes_it(world):
    rule = LeadAssignmentRule(name="江苏", province="江苏")
    rule.full_clean()
    assert rule.province == "江苏省"
    lead = new_lead(province="江苏", city="苏州")
    lead.full_clean(exclude=["owner", "org_unit"])
    assert (lead.province, lead.city) == ("江苏省", "苏州市")
    with pytest.raises(ValidationError) as error:
        new_lead(province="火星省").full_clean(exclude=["owner", "org_unit"])
    assert "province" in error.value.message_dict


def test_round_robin_takes_turns_and_skips_inactive_assignees(world):
    LeadAssignmentRuleFactory(name="全部", assignees=[world.seller1, world.seller2, world.seller3])
    world.seller2.is_active = False
    world.seller2.save()
    owners = [lead_save(instance=new_lead(name=f"线索{i}"), actor=world.ceo).owner for i in range(5)]
    assert owners == [world.seller1, world.seller3, world.seller1, world.seller3, world.seller1]


def test_a_rule_without_active_assignee_passes_to_the_next(world):
    LeadAssignmentRuleFactory(name="没人", order=1, assignees=[world.seller2])
    LeadAssignmentRuleFactory(name="有人", order=2, assignees=[world.seller3])
    world.seller2.is_active = False
    world.seller2.save()
    assert lead_save(instance=new_lead(), actor=world.ceo).owner == world.seller3


def test_new_lead_without_owner_is_assigned_by_rules_on_the_page_audited_and_notified(
        client, world, django_capture_on_commit_callbacks):
    web = LeadSourceFactory(name="网站")
    LeadAssignmentRuleFactory(name="网站线索", source=web, assignees=[world.seller3])
    client.force_login(world.seller1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("sales:lead_add"), {"name": "钱经理", "company": "常州某公司",
                                                           "source": web.pk, "status": "new"})
    lead = Lead.objects.get(name="钱经理")
    assert lead.owner == world.seller3 and lead.org_unit == world.units["nb2"]
    # seller1 (own scope) cannot see seller3's leads: back to the list, told where it went.
    assert response.status_code == 302 and response["Location"] == reverse("sales:lead_list")
    [told] = Notification.objects.filter(event="sales.lead.assigned")
    assert (told.recipient, told.actor, told.url) == (world.seller3, world.seller1, lead.get_absolute_url())
    assert "钱经理" in told.title
    [created] = changes(lead)
    assert created.action == "create" and created.user == world.seller1
    assert created.postchange_data["owner"]["id"] == world.seller3.pk


def test_new_lead_without_owner_is_assigned_by_rules_in_the_api(world):
    LeadAssignmentRuleFactory(name="全部", assignees=[world.seller2])
    api = APIClient()
    api.force_authenticate(world.seller1)
    response = api.post("/api/sales/leads/", {"name": "API线索", "company": "无锡某公司"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["owner"] == world.seller2.pk
    assert Lead.objects.get(pk=response.json()["id"]).owner == world.seller2


def test_an_owner_chosen_by_hand_is_kept(client, world):
    LeadAssignmentRuleFactory(name="全部", assignees=[world.seller3])
    client.force_login(world.dept_head)
    client.post(reverse("sales:lead_add"), {"name": "手选", "status": "new", "owner": world.seller1.pk})
    assert Lead.objects.get(name="手选").owner == world.seller1


def test_no_rule_leaves_the_lead_in_the_creators_unit_queue(client, world):
    client.force_login(world.branch_manager)  # subtree scope over 北京分公司
    response = client.post(reverse("sales:lead_add"), {"name": "排队线索", "status": "new"})
    lead = Lead.objects.get(name="排队线索")
    assert response.status_code == 302 and lead.owner is None and lead.org_unit == world.units["nb1"]
    visible = {name for name, user in world.users.items()
               if Lead.objects.visible_to(user, "view").filter(pk=lead.pk).exists()}
    assert visible == {"ceo", "reader", "north_manager", "branch_manager"}  # all, subtree scopes
    # The list's "unassigned" filter finds it; an edit keeps it in the queue.
    listed = client.get(reverse("sales:lead_list"), {"unassigned": "true"})
    assert "排队线索" in listed.content.decode()
    edited = client.post(reverse("sales:lead_edit", args=[lead.pk]),
                         {"name": "排队线索", "company": "改了公司", "status": "working", "version": lead.version})
    assert edited.status_code == 302
    lead.refresh_from_db()
    assert lead.owner is None and lead.company == "改了公司"


def test_a_seller_who_cannot_see_the_queue_keeps_the_lead(world):
    lead = lead_save(instance=new_lead(), actor=world.seller1)
    assert lead.owner == world.seller1


def test_assign_by_hand_within_scope_audited_and_notified(world, django_capture_on_commit_callbacks):
    lead = LeadFactory(owner=world.seller1)
    with django_capture_on_commit_callbacks(execute=True):
        saved = lead_assign(lead=lead, actor=world.branch_manager, owner=world.seller2)
        lead_assign(lead=lead, actor=world.branch_manager, owner=world.seller2)  # no change: nobody told
    assert saved.owner == world.seller2 and saved.org_unit == world.units["nd1"]
    assert list(Notification.objects.values_list("recipient", flat=True)) == [world.seller2.pk]
    change = changes(lead)[-1]
    assert change.user == world.branch_manager and change.postchange_data["owner"]["id"] == world.seller2.pk


def test_assign_by_hand_outside_scope_is_refused_and_changes_nothing(world):
    lead = LeadFactory(owner=world.seller1)
    before = len(changes(lead))
    with pytest.raises(ValidationError) as error:  # seller1 could no longer change a lead of south_seller
        lead_assign(lead=lead, actor=world.seller1, owner=world.south_seller)
    assert "owner" in error.value.message_dict
    with pytest.raises(PermissionDenied):  # not theirs to assign at all
        lead_assign(lead=LeadFactory(owner=world.seller2), actor=world.seller1, owner=world.seller1)
    lead.refresh_from_db()
    assert lead.owner == world.seller1 and len(changes(lead)) == before


def test_assign_by_rules_may_go_outside_the_actors_scope(world):
    LeadAssignmentRuleFactory(name="南区", province="广东省", assignees=[world.south_seller])
    lead = LeadFactory(owner=world.seller1, province="广东省")
    saved = lead_assign(lead=lead, actor=world.seller1)
    assert saved.owner == world.south_seller and saved.org_unit == world.units["south"]
    assert changes(lead)[-1].prechange_data["owner"]["id"] == world.seller1.pk
    with pytest.raises(NoRuleMatches):
        lead_assign(lead=LeadFactory(owner=world.seller1, province="浙江省"), actor=world.seller1)


def test_assign_page_and_api(client, world):
    lead = LeadFactory(owner=world.seller1)
    client.force_login(world.dept_head)
    page = client.get(reverse("sales:lead_assign", args=[lead.pk]))
    assert page.status_code == 200 and 'data-testid="assign-form"' in page.content.decode()
    response = client.post(reverse("sales:lead_assign", args=[lead.pk]), {"owner": world.seller2.pk})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.owner == world.seller2
    refused = client.post(reverse("sales:lead_assign", args=[lead.pk]), {"owner": world.south_seller.pk})
    assert refused.status_code == 400 and 'data-field-error="owner"' in refused.content.decode()
    api = APIClient()
    api.force_authenticate(world.dept_head)
    url = f"/api/sales/leads/{lead.pk}/assign/"
    assert api.post(url, {"owner": world.seller1.pk}, format="json").json()["owner"] == world.seller1.pk
    assert "owner" in api.post(url, {"owner": world.south_seller.pk}, format="json").json()
    assert api.post(url, {"owner": None}, format="json").status_code == 400  # no rule matches
    api.force_authenticate(world.south_seller)
    assert api.post(url, {"owner": None}, format="json").status_code == 404


def test_bulk_assign_by_hand_and_by_rules_from_the_list(client, world):
    LeadAssignmentRuleFactory(name="江苏", province="江苏省", assignees=[world.seller2])
    matched = LeadFactory(owner=world.seller1, province="江苏省")
    unmatched = LeadFactory(owner=world.seller1, province="浙江省")
    client.force_login(world.dept_head)
    listed = client.get(reverse("sales:lead_list")).content.decode()
    assert reverse("sales:lead_bulk_assign") in listed and reverse("sales:lead_bulk_assign_rules") in listed
    ask = client.post(reverse("sales:lead_bulk_assign_rules"), {"pk": [matched.pk, unmatched.pk]})
    assert ask.status_code == 200 and str(matched) in ask.content.decode()
    matched.refresh_from_db()
    assert matched.owner == world.seller1  # asked first, nothing changed yet
    done = client.post(reverse("sales:lead_bulk_assign_rules"), {"pk": [matched.pk, unmatched.pk], "_apply": "1"},
                       follow=True)
    assert "1 leads match no assignment rule" in done.content.decode() or "1 条线索" in done.content.decode()
    matched.refresh_from_db()
    unmatched.refresh_from_db()
    assert (matched.owner, unmatched.owner) == (world.seller2, world.seller1)
    # By hand: all or nothing — one lead out of the new owner's reach refuses the whole selection.
    other = LeadFactory(owner=world.seller2)
    refused = client.post(reverse("sales:lead_bulk_assign"), {"pk": [unmatched.pk, other.pk], "_apply": "1",
                                                              "owner": world.south_seller.pk})
    assert refused.status_code == 400
    assert set(Lead.objects.filter(pk__in=[unmatched.pk, other.pk]).values_list("owner", flat=True)) == {
        world.seller1.pk, world.seller2.pk}
    ok = client.post(reverse("sales:lead_bulk_assign"), {"pk": [unmatched.pk, other.pk], "_apply": "1",
                                                         "owner": world.seller1.pk})
    assert ok.status_code == 302
    assert set(Lead.objects.filter(pk__in=[unmatched.pk, other.pk]).values_list("owner", flat=True)) == {
        world.seller1.pk}
