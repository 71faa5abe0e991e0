"""The collision review end to end (撞单): A registers, B registers a colliding opportunity, the review
goes to the right approver, who approves or rejects; both sellers are told; the log keeps it all."""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from django.utils.translation import gettext

from approvals.models import ApprovalPolicy, ApprovalRequest
from customers.tests.factories import CustomerFactory
from notifications.models import Notification
from org.tests.factories import EmployeeFactory, ProductLineFactory, make_role
from sales.collisions import counted_opportunities
from sales.models import Collision, Opportunity
from sales.tests.factories import OpportunityLineFactory, ProductFactory, default_pipeline

pytestmark = pytest.mark.django_db

FIRST_NAME, FIRST_CUSTOMER = "华为北京数据中心一期", "北京华为技术有限公司"
LATER_NAME, LATER_CUSTOMER = "华为数据中心扩容", "华为技术（北京）有限公司"


@pytest.fixture
def line():
    default_pipeline()
    return ProductLineFactory(code="DCS", name="过程控制")


def register(client, seller, *, name, customer, line, via="page", amount="1200000.00"):
    """`seller` registers an opportunity as a seller does: the add page (or the API)."""
    client.force_login(seller)
    data = {"name": name, "customer": customer.pk, "product_line": line.pk, "amount": amount}
    if via == "api":
        response = client.post("/api/sales/opportunities/", data, content_type="application/json")
        assert response.status_code == 201, response.content
        return Opportunity.objects.get(pk=response.json()["id"]), response
    response = client.post("/sales/opportunities/add/", {key: str(value) for key, value in data.items()})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Opportunity.objects.get(name=name), response


def review_of(opportunity):
    return ApprovalRequest.objects.get(kind="sales.collision", target_id=opportunity.pk,
                                       target_type=ContentType.objects.get_for_model(Opportunity))


def notices(user, event):
    return list(Notification.objects.filter(recipient=user, event=event))


@pytest.fixture
def collided(client, world, line, django_capture_on_commit_callbacks):
    """seller1 registered first; seller2 (same department) registers the same deal on a duplicate
    record of the customer, written the other way round."""
    u = world.users
    with django_capture_on_commit_callbacks(execute=True):
        first, response = register(client, u["seller1"], name=FIRST_NAME, line=line, via="api", amount="8800000.00",
                                   customer=CustomerFactory(name=FIRST_CUSTOMER, owner=u["seller1"]))
        assert response.json()["registration_status"] == "registered"
        later, response = register(client, u["seller2"], name=LATER_NAME, line=line,
                                   customer=CustomerFactory(name=LATER_CUSTOMER, owner=u["seller2"]))
    return first, later, response


def test_a_colliding_registration_waits_for_review_by_the_shared_units_manager(client, world, collided):
    first, later, response = collided
    u = world.users
    assert later.registration_status == "pending_review" and first.registration_status == "registered"
    assert response["Location"] == later.get_absolute_url()
    collision = Collision.objects.get()
    assert (collision.opportunity, collision.existing, collision.status) == (later, first, "pending")
    assert collision.reasons == ["duplicate_customer", "same_product_line"]
    # Both sellers sit in 北京销售一部, which has no manager: the branch manager above decides.
    review = review_of(later)
    assert review.status == "pending" and review.approver == u["branch_manager"]
    assert review.requested_by == u["seller2"] and review.payload == {"collisions": [collision.pk]}
    # Both sellers are told, each with a link to their own deal; the approver by the approvals app.
    [to_later] = notices(u["seller2"], "sales.collision_found")
    [to_first] = notices(u["seller1"], "sales.collision_found")
    assert to_later.url == later.get_absolute_url() and to_first.url == first.get_absolute_url()
    assert notices(u["branch_manager"], "approvals.requested")
    # Pending: the owner sees the banner; the deal counts in no figure yet.
    page = client.get(later.get_absolute_url()).content.decode()
    assert 'data-registration="pending_review"' in page and review.get_absolute_url() in page
    assert later not in counted_opportunities() and first in counted_opportunities()


def test_the_approver_approves_from_the_inbox_and_both_proceed(client, world, collided,
                                                              django_capture_on_commit_callbacks):
    first, later, _response = collided
    u = world.users
    review = review_of(later)
    client.force_login(u["branch_manager"])
    assert review.title in client.get("/approvals/").content.decode()
    page = client.get(review.get_absolute_url()).content.decode()
    assert f"/sales/collisions/opportunity/{later.pk}/compare/" in page
    compare = client.get(f"/sales/collisions/opportunity/{later.pk}/compare/", HTTP_HX_REQUEST="true").content
    assert FIRST_NAME.encode() in compare and LATER_NAME.encode() in compare and FIRST_CUSTOMER.encode() in compare
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/approvals/requests/{review.pk}/approve/", {"comment": "不同项目，各自跟进"},
                               content_type="application/json")
    assert response.status_code == 200, response.content
    later.refresh_from_db()
    assert later.registration_status == "registered" and later in counted_opportunities()
    collision = Collision.objects.get()
    assert (collision.status, collision.decided_by, collision.comment) == ("approved", u["branch_manager"],
                                                                           "不同项目，各自跟进")
    assert collision.decided_at is not None
    for seller in (u["seller1"], u["seller2"]):
        [notice] = notices(seller, "sales.collision_decided")
        assert notice.body == "不同项目，各自跟进"
    client.force_login(u["seller2"])
    assert 'data-registration' not in client.get(later.get_absolute_url()).content.decode()


def test_the_approver_rejects_and_the_first_registered_keeps_the_deal(client, world, collided,
                                                                      django_capture_on_commit_callbacks):
    first, later, _response = collided
    u = world.users
    review = review_of(later)
    client.force_login(u["branch_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/approvals/{review.pk}/decide/", {"decision": "reject",
                                                                   "comment": "先报备者优先"})
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.registration_status == "rejected" and later.status == "open"
    assert later not in counted_opportunities()
    assert Collision.objects.get().status == "rejected"
    with translation.override(settings.LANGUAGE_CODE):  # notices are written in the company's language
        kept = gettext("Collision review of your “%(name)s”: you keep the deal.") % {"name": FIRST_NAME}
    assert [n.title for n in notices(u["seller1"], "sales.collision_decided")] == [kept]
    assert notices(u["seller2"], "sales.collision_decided")
    client.force_login(u["seller2"])
    page = client.get(later.get_absolute_url()).content.decode()
    assert 'data-registration="rejected"' in page and "先报备者优先" in page
    # Rejected is final: a later registration of the same deal no longer meets this one.
    assert not Opportunity.objects.filter(pk=later.pk, registration_status="pending_review").exists()


def test_a_rejected_deal_cannot_advance_only_be_closed_as_lost(client, world, collided,
                                                             django_capture_on_commit_callbacks):
    """The first registered keeps the deal: the rejected one can be neither advanced nor won (page,
    kanban and API share the stage service), only closed as lost."""
    from sales.models import Stage
    from sales.tests.factories import CompetitorFactory, WinLossReasonFactory

    _first, later, _response = collided
    client.force_login(world.users["branch_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/approvals/{review_of(later).pk}/decide/", {"decision": "reject", "comment": "先报备者优先"})
    stages = list(Stage.objects.filter(pipeline=later.pipeline).order_by("order", "pk"))
    next_open = next(stage for stage in stages if stage.kind == "open" and stage.pk != later.stage_id)
    lost = next(stage for stage in stages if stage.kind == "lost")
    client.force_login(world.users["seller2"])
    move = f"/api/sales/opportunities/{later.pk}/move/"
    response = client.post(move, {"stage": next_open.pk}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"stage": ["The collision review rejected this deal's registration: "
                                         "it can only be closed as lost."]}
    later.refresh_from_db()
    assert later.stage_id != next_open.pk
    response = client.post(move, {"stage": lost.pk, "reason": WinLossReasonFactory(kind="lost").pk,
                                  "won_by": CompetitorFactory().pk, "note": "让给先报备的同事"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    later.refresh_from_db()
    assert later.status == "lost"


def test_withdrawing_the_review_gives_way(client, world, collided, django_capture_on_commit_callbacks):
    _first, later, _response = collided
    client.force_login(world.users["seller2"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/approvals/{review_of(later).pk}/cancel/", {"comment": "撤回"})
    assert response.status_code == 302
    later.refresh_from_db()
    assert later.registration_status == "rejected" and Collision.objects.get().status == "withdrawn"


def test_the_later_seller_never_sees_the_first_deal(client, world, collided):
    first, later, _response = collided
    u = world.users
    hidden = (FIRST_NAME, FIRST_CUSTOMER, "8,800,000", "8800000")
    client.force_login(u["seller2"])
    review = review_of(later)
    pages = [
        client.get(later.get_absolute_url()).content.decode(),
        client.get(review.get_absolute_url()).content.decode(),
        client.get(f"/sales/collisions/opportunity/{later.pk}/compare/", HTTP_HX_REQUEST="true").content.decode(),
        client.get("/sales/collisions/").content.decode(),
        client.get(f"/api/approvals/requests/{review.pk}/").content.decode(),
        client.get("/api/sales/collisions/").content.decode(),
        client.get("/notifications/").content.decode(),
    ]
    for page in pages:
        assert not any(text in page for text in hidden), page[:300]
    assert str(u["seller1"]) in pages[0]  # whose deal it is, as the duplicate check would say
    assert client.get(first.get_absolute_url()).status_code == 404
    # And the first seller learns of the later deal no more.
    client.force_login(u["seller1"])
    for url in (first.get_absolute_url(), "/sales/collisions/", "/notifications/"):
        assert LATER_NAME not in client.get(url).content.decode()


def test_routing_skips_a_seller_who_manages_the_shared_unit(client, world, line, django_capture_on_commit_callbacks):
    """The branch manager registered first himself; the dispute goes to the region's manager."""
    u = world.users
    with django_capture_on_commit_callbacks(execute=True):
        register(client, u["branch_manager"], name=FIRST_NAME, line=line, via="api",
                 customer=CustomerFactory(name=FIRST_CUSTOMER, owner=u["branch_manager"]))
        later, _ = register(client, u["seller1"], name=LATER_NAME, line=line,
                            customer=CustomerFactory(name=FIRST_CUSTOMER, owner=u["seller1"]))
    assert review_of(later).approver == u["north_manager"]


def test_an_approval_policy_routes_to_the_product_line_manager(client, world, line):
    u = world.users
    role = make_role("product-line-manager", {})
    line_manager = EmployeeFactory(username="dcs.manager", unit=world.units["north"], roles=[role])
    ApprovalPolicy.objects.create(name="过程控制撞单", kind="sales.collision", product_line=line, approver_role=role)
    register(client, u["seller1"], name=FIRST_NAME, line=line, via="api",
             customer=CustomerFactory(name=FIRST_CUSTOMER, owner=u["seller1"]))
    later, _ = register(client, u["seller3"], name=LATER_NAME, line=line,
                        customer=CustomerFactory(name=LATER_CUSTOMER, owner=u["seller3"]))
    assert review_of(later).approver == line_manager
    # The reviewer sees both deals in the log and side by side, though no role lets them open either.
    client.force_login(line_manager)
    log = client.get("/sales/collisions/").content.decode()
    assert FIRST_NAME in log and LATER_NAME in log and f'href="{later.get_absolute_url()}"' not in log
    compare = client.get(f"/sales/collisions/opportunity/{later.pk}/compare/").content.decode()
    assert FIRST_CUSTOMER in compare and LATER_CUSTOMER in compare
    assert client.get(later.get_absolute_url()).status_code in (403, 404)


def test_escalation_never_hands_the_review_to_one_of_the_two_sellers(client, world, line):
    """The department head registered first; the product-line manager in the department does not
    decide in time: the review moves up past the department head (a party to the dispute) to the
    branch manager."""
    import datetime

    from django.utils import timezone

    from approvals.services import approvals_escalate

    u = world.users
    department = world.units["nd1"]
    department.manager = u["dept_head"]
    department.save()
    role = make_role("product-line-manager", {})
    line_manager = EmployeeFactory(username="dcs.lead", unit=world.units["nd1"], roles=[role])
    ApprovalPolicy.objects.create(name="过程控制撞单", kind="sales.collision", product_line=line, approver_role=role)
    register(client, u["dept_head"], name=FIRST_NAME, line=line, via="api",
             customer=CustomerFactory(name=FIRST_CUSTOMER, owner=u["dept_head"]))
    later, _ = register(client, u["seller1"], name=LATER_NAME, line=line,
                        customer=CustomerFactory(name=LATER_CUSTOMER, owner=u["seller1"]))
    review = review_of(later)
    assert review.approver == line_manager
    assert approvals_escalate(now=timezone.now() + datetime.timedelta(days=2)) == 1
    review.refresh_from_db()
    assert review.approver == u["branch_manager"]


def test_no_collision_no_review(client, world, line):
    u = world.users
    customer = CustomerFactory(name=FIRST_CUSTOMER, owner=u["seller1"])
    register(client, u["seller1"], name=FIRST_NAME, line=line, customer=customer)
    # Another product line of the same customer, and the same seller twice: no collision.
    other, _ = register(client, u["seller2"], name="另一产品线", line=ProductLineFactory(code="PLC"),
                        customer=CustomerFactory(name=LATER_CUSTOMER, owner=u["seller2"]), via="api")
    again, _ = register(client, u["seller1"], name="同一销售第二单", line=line, customer=customer)
    assert other.registration_status == again.registration_status == "registered"
    assert not Collision.objects.exists() and not ApprovalRequest.objects.exists()


def test_overlapping_products_on_another_line_collide(client, world, line):
    u = world.users
    plc = ProductLineFactory(code="PLC", name="可编程控制器")
    first, _ = register(client, u["seller1"], name=FIRST_NAME, line=line, via="api",
                        customer=CustomerFactory(name=FIRST_CUSTOMER, owner=u["seller1"]))
    OpportunityLineFactory(opportunity=first, product=ProductFactory(product_line=plc))
    later, _ = register(client, u["seller2"], name=LATER_NAME, line=plc, via="api",
                        customer=CustomerFactory(name=LATER_CUSTOMER, owner=u["seller2"]))
    assert later.registration_status == "pending_review"
    assert Collision.objects.get().reasons == ["duplicate_customer", "same_products"]
