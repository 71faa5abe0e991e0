"""The approvals API: list what I may see, approve / reject with a comment, the refusals."""

import pytest
from rest_framework.test import APIClient

from approvals.models import ApprovalRequest, Status
from approvals.services import COMMENT_MAX

from .helpers import ask

LIST = "/api/approvals/requests/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def action(request, name):
    return f"{LIST}{request.pk}/{name}/"


def test_the_list_holds_only_what_i_take_part_in(world):
    mine, other = ask(world), ask(world, requester=world.seller2)
    ids = [row["id"] for row in api(world.seller1).get(LIST).json()["results"]]
    assert ids == [mine.pk]
    rows = api(world.branch_manager).get(LIST, {"box": "waiting"}).json()["results"]
    assert {row["id"] for row in rows} == {mine.pk, other.pk}
    first = next(row for row in rows if row["id"] == mine.pk)
    assert first["status"] == "pending" and first["approver"] == world.branch_manager.pk
    assert first["target_type"] == "org.team" and first["target_id"] == mine.target_id
    assert [event["action"] for event in first["events"]] == ["requested"]
    assert api(world.seller2).get(f"{LIST}{mine.pk}/").status_code == 404
    assert api(world.branch_manager).get(LIST, {"status": "approved"}).json()["results"] == []


@pytest.mark.parametrize("params", [{"status": "maybe"}, {"box": "everything"}, {"kind": "no.such"}])
def test_bad_filters_are_400(world, params):
    response = api(world.seller1).get(LIST, params)
    assert response.status_code == 400 and set(params) <= set(response.json())


def test_approve_then_approving_again_is_a_conflict(world):
    request = ask(world)
    response = api(world.branch_manager).post(action(request, "approve"), {"comment": "同意"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved" and response.json()["comment"] == "同意"
    assert request.target.__class__.objects.get(pk=request.target_id).name == "新名字"
    again = api(world.branch_manager).post(action(request, "reject"), {"comment": "反悔"}, format="json")
    assert again.status_code == 409 and "detail" in again.json()
    assert ApprovalRequest.objects.get(pk=request.pk).status == Status.APPROVED


def test_reject_needs_a_comment(world):
    request = ask(world)
    client = api(world.branch_manager)
    response = client.post(action(request, "reject"), {}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    response = client.post(action(request, "reject"), {"comment": "长" * (COMMENT_MAX + 1)}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    response = client.post(action(request, "reject"), {"comment": ["a", "b"]}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    assert ApprovalRequest.objects.get(pk=request.pk).status == Status.PENDING
    response = client.post(action(request, "reject"), {"comment": "价格太低"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "rejected"


def test_not_the_approver_is_403_and_outside_is_404(world):
    request = ask(world)
    assert api(world.seller1).post(action(request, "approve"), {}, format="json").status_code == 403
    assert api(world.seller2).post(action(request, "approve"), {}, format="json").status_code == 404
    assert api(world.seller2).post(f"{LIST}99999999999999999999/approve/", {}, format="json").status_code == 404
    assert ApprovalRequest.objects.get(pk=request.pk).status == Status.PENDING


def test_a_callback_refusal_is_400_and_nothing_is_decided(world):
    request = ask(world, payload={"fail": True})
    response = api(world.branch_manager).post(action(request, "approve"), {}, format="json")
    assert response.status_code == 400 and "non_field_errors" in response.json()
    assert ApprovalRequest.objects.get(pk=request.pk).status == Status.PENDING


def test_the_requester_withdraws(world):
    request = ask(world)
    assert api(world.branch_manager).post(action(request, "cancel"), {}, format="json").status_code == 403
    response = api(world.seller1).post(action(request, "cancel"), {"comment": "不需要了"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert api(world.seller1).post(action(request, "cancel"), {}, format="json").status_code == 409


def test_writes_other_than_the_actions_are_not_allowed(world):
    request = ask(world)
    client = api(world.branch_manager)
    assert client.post(LIST, {"title": "x"}, format="json").status_code == 405
    assert client.patch(f"{LIST}{request.pk}/", {"status": "approved"}, format="json").status_code == 405
    assert client.delete(f"{LIST}{request.pk}/").status_code == 405
    assert APIClient().get(LIST).status_code in (401, 403)


@pytest.mark.django_db
def test_the_schema_documents_the_actions(admin_client):
    paths = admin_client.get("/api/schema/?format=json").json()["paths"]
    for name in ("approve", "reject", "cancel"):
        operation = paths[f"/api/approvals/requests/{{id}}/{name}/"]["post"]
        assert "409" in operation["responses"]
    assert "/api/approvals/policies/" in paths and "/api/notifications/notifications/" in paths
