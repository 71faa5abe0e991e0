"""The "my approvals" inbox, a request's page, deciding with HTMX, and the top bar's badge."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.context_processors import waiting_count
from approvals.models import ApprovalRequest, Status
from org.tests.factories import EmployeeFactory

from .helpers import ask

HTMX = {"HTTP_HX_REQUEST": "true"}


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_the_approver_finds_it_in_the_inbox_with_a_count_in_the_top_bar(world, client):
    request = ask(world, name="华北大客户组")
    html = page(client, world.branch_manager, reverse("approvals:inbox")).content.decode()
    assert 'data-testid="approvals-count">1<' in html
    assert request.title in html and 'data-testid="decision-form"' in html
    # The requester sees it under "I requested", without a decision form; nobody else sees it.
    html = page(client, world.seller1, reverse("approvals:inbox") + "?box=requested").content.decode()
    assert request.title in html and 'data-testid="decision-form"' not in html
    assert 'data-testid="approvals-count"' not in html
    for user in (world.seller2, world.north_manager):
        for box in ("waiting", "requested", "decided"):
            assert request.title not in page(client, user, f"/approvals/?box={box}").content.decode()


def test_the_detail_page_shows_the_target_the_log_and_the_decision(world, client):
    request = ask(world, name="华北大客户组")
    response = page(client, world.branch_manager, request.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{request.target.get_absolute_url()}"' in html  # the record it is about
    assert "New name: 华北大客户组" in html  # the kind's describe()
    assert 'data-action="requested"' in html and 'data-testid="decision-form"' in html
    # The requester: the page and "withdraw", no decision; others: 404.
    html = page(client, world.seller1, request.get_absolute_url()).content.decode()
    assert 'data-testid="decision-form"' not in html and 'data-action="cancel"' in html
    assert page(client, world.seller2, request.get_absolute_url()).status_code == 404
    assert page(client, world.seller2, "/approvals/99999999999999999999/").status_code == 404


def test_approve_from_the_inbox_with_htmx(world, client, django_capture_on_commit_callbacks):
    request = ask(world)
    client.force_login(world.branch_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("approvals:request_decide", args=[request.pk]),
                               {"decision": "approve", "comment": "好", "view": "inbox"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="approval-{request.pk}"' in html and 'data-status="approved"' in html
    # The badge comes along, out of band, now without a count.
    assert 'id="approvals-badge"' in html and 'hx-swap-oob="true"' in html and "approvals-count" not in html
    assert ApprovalRequest.objects.get(pk=request.pk).status == Status.APPROVED
    # The requester is told, and finds it decided.
    html = page(client, world.seller1, "/notifications/").content.decode()
    assert "已批准：改名为 新名字" in html  # in the company's language
    html = page(client, world.branch_manager, "/approvals/?box=decided").content.decode()
    assert request.title in html


def test_reject_without_a_comment_says_so_beside_the_field(world, client):
    request = ask(world)
    client.force_login(world.branch_manager)
    url = reverse("approvals:request_decide", args=[request.pk])
    response = client.post(url, {"decision": "reject", "comment": " "}, **HTMX)
    assert response.status_code == 400
    assert 'data-field-error="comment"' in response.content.decode()
    assert ApprovalRequest.objects.get(pk=request.pk).status == Status.PENDING
    response = client.post(url, {"decision": "maybe"}, **HTMX)
    assert response.status_code == 400
    response = client.post(url, {"decision": "reject", "comment": "再谈谈价格"}, **HTMX)
    assert response.status_code == 200 and "再谈谈价格" in response.content.decode()
    assert ApprovalRequest.objects.get(pk=request.pk).comment == "再谈谈价格"
    # Deciding twice: refused with the reason, nothing changes.
    response = client.post(url, {"decision": "approve"}, **HTMX)
    assert response.status_code == 409
    assert ApprovalRequest.objects.get(pk=request.pk).status == Status.REJECTED


def test_only_the_approver_may_decide_on_the_page(world, client):
    request = ask(world)
    url = reverse("approvals:request_decide", args=[request.pk])
    client.force_login(world.seller1)  # sees it (the requester), may not decide
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert client.post(url, {"decision": "approve"}, **HTMX).status_code == 403
    client.force_login(world.seller2)  # does not see it
    assert client.post(url, {"decision": "approve"}).status_code == 404
    assert client.get(url).status_code == 405
    assert ApprovalRequest.objects.get(pk=request.pk).status == Status.PENDING


def test_a_plain_form_post_redirects_with_a_message(world, client):
    request = ask(world)
    client.force_login(world.branch_manager)
    response = client.post(reverse("approvals:request_decide", args=[request.pk]), {"decision": "approve"},
                           follow=True)
    assert response.redirect_chain[-1][0] == request.get_absolute_url()
    assert 'data-status="approved"' in response.content.decode()


def test_withdraw_from_the_page(world, client):
    request = ask(world)
    client.force_login(world.seller1)
    response = client.post(reverse("approvals:request_cancel", args=[request.pk]), **HTMX)
    assert response.status_code == 200 and 'data-status="cancelled"' in response.content.decode()
    client.force_login(world.branch_manager)
    assert 'data-testid="approvals-count"' not in client.get("/").content.decode()


def test_the_superuser_tab_lists_every_request(world, client):
    request = ask(world)
    root = EmployeeFactory(username="root", is_superuser=True, unit=world.units["hq"])
    assert request.title in page(client, root, "/approvals/?box=all").content.decode()
    # Not a tab for anyone else: the inbox is shown instead.
    assert 'data-box="all"' not in page(client, world.branch_manager, "/approvals/?box=all").content.decode()


def test_the_badge_costs_one_query_and_is_capped(world, client):
    for _ in range(3):
        ask(world)
    with CaptureQueriesContext(connection) as captured:
        assert waiting_count(world.branch_manager) == 3
    assert len(captured) == 1
    ApprovalRequest.objects.bulk_create([ApprovalRequest(
        kind=r.kind, target_type=r.target_type, target_id=r.target_id, title=r.title, requested_by=r.requested_by,
        approver=r.approver) for r in [ApprovalRequest.objects.first()] * 120])
    assert waiting_count(world.branch_manager) == 100  # stops counting past the cap
    html = page(client, world.branch_manager, "/").content.decode()
    assert 'data-testid="approvals-count">99+<' in html


@pytest.mark.parametrize("url", ["/approvals/", "/approvals/?box=decided&page=abc", "/approvals/?box=x&page=-4"])
def test_the_inbox_tolerates_odd_parameters(world, client, url):
    assert page(client, world.seller1, url).status_code == 200


def test_the_home_page_lists_what_waits_for_me(world, client):
    request = ask(world)
    html = page(client, world.branch_manager, "/").content.decode()
    assert 'data-home-slot="approvals.waiting"' in html and request.title in html
    assert 'data-home-slot="approvals.waiting"' not in page(client, world.seller2, "/").content.decode()


def test_the_record_page_of_a_target_lists_its_requests(world, client):
    request = ask(world)
    team = request.target
    html = page(client, world.branch_manager, team.get_absolute_url()).content.decode()
    panel_url = f"/panels/org.team/{team.pk}/approvals/"
    assert f'hx-get="{panel_url}"' in html  # lazy: loaded on reveal
    html = page(client, world.branch_manager, panel_url).content.decode()
    assert request.title in html and 'data-status="pending"' in html
    # Someone who sees the team but takes no part in the request: the panel, without the request.
    html = page(client, world.seller2, panel_url).content.decode()
    assert request.title not in html and 'data-testid="approvals-panel"' in html
    # A type no kind of approval is about has no such panel.
    unit = world.units["north"]
    html = page(client, world.ceo, unit.get_absolute_url()).content.decode()
    assert f"/panels/org.orgunit/{unit.pk}/approvals/" not in html
