"""Discount approval of quotes through the approvals app (kind "sales.quote_discount"): the
threshold of the product line, routing to the manager, read-only while pending, approve → may be
sent, reject / withdraw → draft again, the deal owner told."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from approvals.models import ApprovalRequest
from approvals.services import approval_cancel, approval_decide
from core.models import ObjectChange
from core.testing.world import build_world
from notifications.models import Notification
from org.tests.factories import ProductLineFactory
from sales.models import Quote, QuoteLine
from sales.quotes import services
from sales.tests.factories import OpportunityFactory, ProductFactory
from sales.tests.quote_factories import QuoteDiscountThresholdFactory

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}


@pytest.fixture
def world(db):
    world = build_world()
    world.line = ProductLineFactory(name="工业软件", code="SW")
    QuoteDiscountThresholdFactory(product_line=None, max_discount=Decimal("15"))
    QuoteDiscountThresholdFactory(product_line=world.line, max_discount=Decimal("8"))
    return world


def quote_with_discount(world, discount, *, line=None, owner=None, actor=None):
    owner = owner or world.users["seller1"]
    opportunity = OpportunityFactory(owner=owner, product_line=line or world.line)
    quote = Quote(opportunity=opportunity)
    quote.full_clean()
    quote = services.quote_save(instance=quote, actor=actor or owner)
    item = QuoteLine(quote=quote, product=ProductFactory(list_price=Decimal("10000.00")), quantity=Decimal("2"),
                     discount=Decimal(discount))
    item.full_clean()
    services.quote_line_save(instance=item, actor=actor or owner)
    quote.refresh_from_db()
    return quote


def quote_mails():
    """Mails with a quote attached (the approvals app mails the approver too)."""
    return [m for m in mail.outbox if m.attachments]


def request_for(quote):
    return ApprovalRequest.objects.get(kind="sales.quote_discount", target_id=quote.pk)


def test_the_product_line_threshold_decides_who_needs_approval(world):
    seller = world.users["seller1"]
    within_company = quote_with_discount(world, "10", line=ProductLineFactory(code="OTHER"))
    with pytest.raises(ValidationError):
        services.quote_submit(quote=within_company, actor=seller)  # 10 % ≤ 15 %: send it
    above_line = quote_with_discount(world, "10")  # 10 % > the line's 8 %
    services.quote_submit(quote=above_line, actor=seller)
    assert Quote.objects.get(pk=above_line.pk).status == "pending_approval"


def test_approval_routes_to_the_manager_and_approving_lets_the_quote_go(world, client, settings,
                                                                          django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    seller, manager = world.users["seller1"], world.users["branch_manager"]
    quote = quote_with_discount(world, "12")
    client.force_login(seller)
    page = client.get(f"/sales/quotes/{quote.pk}/").content.decode()
    assert 'data-testid="needs-approval"' in page and 'data-action="submit"' in page
    assert 'data-action="send"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/sales/quotes/{quote.pk}/submit/").status_code == 302
    request = request_for(quote)
    # Department ND1 has no manager: the request goes up to the branch's.
    assert (request.status, request.approver, request.requested_by) == ("pending", manager, seller)
    assert request.payload["total_discount"] == "12.00" and request.payload["threshold"] == "8.00"
    assert Notification.objects.filter(recipient=manager, event="approvals.requested").exists()
    # Waiting: read-only, and not sent.
    response = client.patch(f"/api/sales/quotes/{quote.pk}/", {"discount": "0"}, content_type="application/json")
    assert response.status_code == 400
    response = client.post(f"/api/sales/quotes/{quote.pk}/send/", {"to": ["a@example.cn"], "subject": "报价"},
                           content_type="application/json")
    assert response.status_code == 400 and quote_mails() == []
    # The manager approves from the inbox's API.
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/approvals/requests/{request.pk}/approve/", {"comment": "同意，年底冲量"},
                               content_type="application/json")
    assert response.status_code == 200, response.content
    quote.refresh_from_db()
    assert quote.status == "approved"
    history = ObjectChange.objects.filter(content_type__model="quote", object_id=quote.pk).order_by("-pk").first()
    assert history.user == manager and history.postchange_data["approval"] == "同意，年底冲量"
    assert Notification.objects.filter(recipient=seller, event="approvals.decided").exists()
    # Approved: the seller sends it.
    client.force_login(seller)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/sales/quotes/{quote.pk}/send/", {"to": ["buyer@example.cn"],
                                                                       "subject": "报价单"},
                               content_type="application/json")
    assert response.status_code == 202
    assert [m.to for m in quote_mails()] == [["buyer@example.cn"]]
    assert Quote.objects.get(pk=quote.pk).status == "sent"


def test_rejecting_puts_the_quote_back_to_draft_and_tells_the_owner(world, client,
                                                                     django_capture_on_commit_callbacks):
    seller, ceo = world.users["seller1"], world.users["ceo"]
    # The CEO prepares and submits the seller's quote: the seller, the deal's owner, is told too.
    quote = quote_with_discount(world, "30", actor=ceo)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_submit(quote=quote, actor=ceo)
    request = request_for(quote)
    with pytest.raises(ValidationError):
        approval_decide(request=request, actor=request.approver, approve=False)  # a rejection says why
    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(request=request, actor=request.approver, approve=False, comment="折扣过高，最多10%")
    quote.refresh_from_db()
    assert quote.status == "draft"
    told = Notification.objects.get(recipient=seller, event="sales.quote_discount_decided")
    assert "折扣过高" in told.body and told.url == quote.get_absolute_url()
    # Draft again: the seller lowers the discount; within the line's 8 % no approval is needed.
    QuoteLine.objects.filter(quote=quote).get().delete()
    client.force_login(seller)
    response = client.patch(f"/api/sales/quotes/{quote.pk}/", {"discount": "5"}, content_type="application/json")
    assert response.status_code == 200


def test_withdrawing_the_request_returns_the_quote_to_draft(world):
    seller = world.users["seller1"]
    quote = quote_with_discount(world, "20")
    services.quote_submit(quote=quote, actor=seller)
    with pytest.raises(ValidationError) as refused:
        services.quote_new_version(quote=quote, actor=seller)  # one version waits: no new one
    assert _("%(quote)s is waiting for approval: wait for the decision or withdraw it first.") % {
        "quote": Quote.objects.get(pk=quote.pk)} in refused.value.messages
    approval_cancel(request=request_for(quote), actor=seller)
    assert Quote.objects.get(pk=quote.pk).status == "draft"
    assert services.quote_new_version(quote=quote, actor=seller).revision == 2


def test_a_failed_mail_is_in_the_history_and_the_sender_is_told(world, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    settings.EMAIL_BACKEND = "sales.tests.test_quote_approval.BrokenBackend"
    seller = world.users["seller1"]
    quote = quote_with_discount(world, "0")
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_send(quote=quote, actor=seller, to=["a@example.cn"], subject="报价单")
    assert Quote.objects.get(pk=quote.pk).status == "draft"
    failed = ObjectChange.objects.filter(content_type__model="quote", object_id=quote.pk).order_by("-pk").first()
    assert "550" in failed.postchange_data["send_failed"]
    assert Notification.objects.filter(recipient=seller, event="sales.quote_send_failed").exists()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        import smtplib

        raise smtplib.SMTPRecipientsRefused({"a@example.cn": (550, b"mailbox unavailable")})
