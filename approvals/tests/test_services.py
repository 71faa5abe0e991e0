"""Approvals end to end on a test-only kind (conftest.py): routing, escalation after the timeout,
approve, reject with a comment, refusals, callbacks inside the decision's transaction, audit and
the notifications that go out."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from approvals import routing
from approvals.models import ApprovalEvent, ApprovalPolicy, ApprovalRequest, Status
from approvals.services import (
    ApprovalClosed,
    approval_cancel,
    approval_decide,
    approval_request,
    approvals_escalate,
    pending_approvals,
)
from core.models import ObjectChange
from core.registry import get_approval_kind, register_approval_kind
from notifications.models import Notification
from org.models import Team
from org.tests.factories import EmployeeFactory, ProductLineFactory, TeamFactory, make_role

from .conftest import KIND
from .helpers import ask

HOUR = datetime.timedelta(hours=1)


def events(request):
    return list(ApprovalEvent.objects.filter(request=request).values_list("action", flat=True))


def audit_actions(instance):
    return list(ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(type(instance)),
                                            object_id=instance.pk).order_by("id").values_list("action", flat=True))


# --- routing -------------------------------------------------------------------------------------


def test_the_unit_manager_decides_walking_up_past_a_unit_without_one(world):
    # seller1's department has no manager: its branch's manager decides.
    request = ask(world)
    assert request.approver == world.branch_manager
    assert request.status == Status.PENDING and request.org_unit == world.units["nd1"]
    assert request.routing_unit == world.units["nb1"]
    assert events(request) == ["requested"]


def test_a_manager_does_not_approve_their_own_request(world):
    request = ask(world, requester=world.branch_manager)
    assert request.org_unit == world.units["nb1"]
    assert request.approver == world.north_manager


def test_an_inactive_manager_is_skipped(world):
    world.branch_manager.is_active = False
    world.branch_manager.save()
    assert ask(world).approver == world.north_manager


def test_the_target_org_unit_routes_the_request(world):
    # A record of the South region: its manager chain, not the requester's.
    world.units["south"].manager = world.unit_viewer
    world.units["south"].save()
    assert ask(world, org_unit=world.units["south"]).approver == world.unit_viewer


def test_a_policy_role_names_the_first_holder_walking_up(world):
    role = make_role("deal_desk", {})
    world.seller3.roles.add(role)  # in 天津分公司: not on seller1's chain
    world.north_manager.roles.add(role)  # on the chain, two levels up
    ApprovalPolicy.objects.create(name="北区改名", kind=KIND, org_unit=world.units["north"], approver_role=role)
    request = ask(world)
    assert request.approver == world.north_manager
    assert request.routing_unit == world.units["north"]
    # Outside the policy's subtree the default routing applies.
    world.units["south"].manager = world.unit_viewer
    world.units["south"].save()
    assert ask(world, requester=world.south_seller).approver == world.unit_viewer


def test_the_most_specific_policy_wins_and_product_lines_count(world):
    desk, line_desk = make_role("desk", {}), make_role("line_desk", {})
    world.north_manager.roles.add(desk)
    world.dept_head.roles.add(line_desk)
    line, other_line = ProductLineFactory(code="PL-A"), ProductLineFactory(code="PL-B")
    company = ApprovalPolicy.objects.create(name="全公司", kind=KIND, approver_role=desk)
    ApprovalPolicy.objects.create(name="北京A线", kind=KIND, org_unit=world.units["nb1"], product_line=line,
                                  approver_role=line_desk)
    ApprovalPolicy.objects.create(name="停用", kind=KIND, org_unit=world.units["nd1"], is_active=False,
                                  approver_role=make_role("unused", {}))
    assert routing.find_policy(KIND, world.units["nd1"], None) == company
    assert ask(world, product_line=line).approver == world.dept_head
    assert ask(world, product_line=other_line).approver == world.north_manager
    assert ask(world).policy == company


def test_the_kind_may_route_itself(world, monkeypatch):
    kind = get_approval_kind(KIND)
    monkeypatch.setattr(kind, "resolve_approver", lambda request: world.seller3)
    assert ask(world).approver == world.seller3
    # The requester is never their own approver: back to the default routing.
    monkeypatch.setattr(kind, "resolve_approver", lambda request: world.seller1)
    assert ask(world).approver == world.branch_manager


def test_an_explicit_approver_and_a_refused_one(world):
    assert ask(world, approver=world.ceo).approver == world.ceo
    with pytest.raises(ValidationError) as refused:
        ask(world, approver=world.seller1)
    assert "approver" in refused.value.message_dict


def test_nobody_to_approve_falls_back_to_a_superuser_else_refuses(world):
    for unit in world.units.values():
        unit.manager = None
        unit.save()
    count = ApprovalRequest.objects.count()
    with pytest.raises(ValidationError):
        ask(world)
    assert ApprovalRequest.objects.count() == count  # nothing half-written
    root = EmployeeFactory(username="root", is_superuser=True, unit=world.units["hq"])
    assert ask(world).approver == root


def test_bad_requests_are_refused(world):
    team = TeamFactory()
    with pytest.raises(ValueError):
        approval_request(kind="no.such.kind", target=team, actor=world.seller1, title="x")
    with pytest.raises(ValueError):
        approval_request(kind=KIND, target=world.seller2, actor=world.seller1, title="x")  # not a team
    with pytest.raises(ValidationError) as refused:
        approval_request(kind=KIND, target=team, actor=world.seller1, title="\u200b ")
    assert "title" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        approval_request(kind=KIND, target=team, actor=world.nobody, title="看不见")  # no role: cannot see teams
    assert not ApprovalRequest.objects.exists()


# --- deciding ------------------------------------------------------------------------------------


def test_approve_runs_the_callback_audits_and_notifies(world, django_capture_on_commit_callbacks, _calls):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(world)
    assert Notification.objects.filter(recipient=world.branch_manager, event="approvals.requested").exists()
    team = request.target
    with django_capture_on_commit_callbacks(execute=True):
        decided = approval_decide(request=request, actor=world.branch_manager, approve=True, comment="同意")
    assert decided.status == Status.APPROVED and decided.decided_by == world.branch_manager
    assert decided.comment == "同意" and decided.due_at is None
    assert Team.objects.get(pk=team.pk).name == "新名字"
    assert _calls == [("approved", request.pk, world.branch_manager.pk)]
    assert events(request) == ["requested", "approved"]
    assert audit_actions(request) == ["create", "update"]
    change = ObjectChange.objects.filter(object_id=request.pk, content_type__model="approvalrequest").first()
    assert change.diff()[0][0] in ("comment", "decided_at", "decided_by", "due_at", "status")
    assert ("status", "pending", "approved") in change.diff()
    # The team's own history says so too.
    assert audit_actions(team)[-2:] == ["update", "update"]
    told = Notification.objects.get(recipient=world.seller1, event="approvals.decided")
    assert "新名字" in told.title and told.body == "同意" and told.url == request.get_absolute_url()
    assert told.actor == world.branch_manager


def test_reject_needs_a_comment_and_keeps_it(world, _calls):
    request = ask(world)
    with pytest.raises(ValidationError) as refused:
        approval_decide(request=request, actor=world.branch_manager, approve=False, comment="  \u200b")
    assert "comment" in refused.value.message_dict
    assert ApprovalRequest.objects.get(pk=request.pk).status == Status.PENDING
    decided = approval_decide(request=request, actor=world.branch_manager, approve=False, comment="名字太长")
    assert decided.status == Status.REJECTED and decided.comment == "名字太长"
    assert request.target.name == "旧名字"
    assert _calls == [("rejected", request.pk, world.branch_manager.pk)]
    assert ApprovalEvent.objects.get(request=request, action="rejected").comment == "名字太长"


def test_a_decided_request_cannot_be_decided_again(world):
    request = ask(world)
    approval_decide(request=request, actor=world.branch_manager, approve=True)
    for approve in (True, False):
        with pytest.raises(ApprovalClosed):
            approval_decide(request=request, actor=world.branch_manager, approve=approve, comment="再来")
    assert events(request) == ["requested", "approved"]
    with pytest.raises(ApprovalClosed):
        approval_cancel(request=request, actor=world.seller1)


@pytest.mark.parametrize("who", ["seller2", "north_manager", "ceo", "seller1"])
def test_only_the_current_approver_decides(world, who):
    request = ask(world)
    with pytest.raises(PermissionDenied):
        approval_decide(request=request, actor=world.users[who], approve=True)
    stored = ApprovalRequest.objects.get(pk=request.pk)
    assert stored.status == Status.PENDING and stored.decided_by is None
    assert events(request) == ["requested"] and request.target.name == "旧名字"


def test_a_superuser_decides_any_but_not_their_own(world):
    root = EmployeeFactory(username="root", is_superuser=True, unit=world.units["nd1"])
    assert approval_decide(request=ask(world), actor=root, approve=True).decided_by == root
    own = ask(world, requester=root)
    with pytest.raises(PermissionDenied):
        approval_decide(request=own, actor=root, approve=True)


@pytest.mark.parametrize("approve", [True, False])
def test_a_failing_callback_rolls_the_decision_back(world, approve, django_capture_on_commit_callbacks):
    request = ask(world, payload={"fail": True})
    before = ObjectChange.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises((ValidationError, RuntimeError)):
            approval_decide(request=request, actor=world.branch_manager, approve=approve, comment="试试")
    stored = ApprovalRequest.objects.get(pk=request.pk)
    assert stored.status == Status.PENDING and stored.decided_by is None and stored.comment == ""
    assert events(request) == ["requested"]
    assert ObjectChange.objects.count() == before
    assert not callbacks and not Notification.objects.filter(event="approvals.decided").exists()
    # Once the cause is gone the same request can be decided.
    ApprovalRequest.objects.filter(pk=request.pk).update(payload={"name": "后来"})
    assert approval_decide(request=stored, actor=world.branch_manager, approve=True).status == Status.APPROVED


def test_cancel_by_the_requester_only(world, _calls):
    request = ask(world)
    with pytest.raises(PermissionDenied):
        approval_cancel(request=request, actor=world.seller2)
    cancelled = approval_cancel(request=request, actor=world.seller1, comment="不改了")
    assert cancelled.status == Status.CANCELLED and _calls == [("cancelled", request.pk, world.seller1.pk)]
    with pytest.raises(ApprovalClosed):
        approval_decide(request=request, actor=world.branch_manager, approve=True)


def test_pending_approvals_of_a_record(world):
    team = TeamFactory()
    first, second = ask(world, team=team), ask(world, team=team, name="另一个")
    ask(world)  # another team's
    assert list(pending_approvals(team)) == [second, first]
    approval_decide(request=first, actor=world.branch_manager, approve=True)
    assert list(pending_approvals(team)) == [second]


# --- escalation ----------------------------------------------------------------------------------


def test_an_overdue_request_moves_up_to_the_next_manager(world, django_capture_on_commit_callbacks):
    world.units["hq"].manager = world.ceo
    world.units["hq"].save()
    request = ask(world)
    start = request.due_at - 24 * HOUR
    assert approvals_escalate(now=start + 23 * HOUR) == 0  # not yet
    with django_capture_on_commit_callbacks(execute=True):
        assert approvals_escalate(now=start + 25 * HOUR) == 1
    moved = ApprovalRequest.objects.get(pk=request.pk)
    assert moved.approver == world.north_manager and moved.escalation_level == 1
    assert moved.due_at == start + 49 * HOUR
    assert events(request) == ["requested", "escalated"]
    assert ApprovalEvent.objects.get(request=request, action="escalated").actor is None
    assert audit_actions(request) == ["create", "update"]
    assert Notification.objects.filter(recipient=world.north_manager, event="approvals.escalated").exists()
    assert Notification.objects.filter(recipient=world.seller1, event="approvals.escalated").exists()
    # The one it left may no longer decide; the new one may; the old one still sees it.
    with pytest.raises(PermissionDenied):
        approval_decide(request=moved, actor=world.branch_manager, approve=True)
    assert ApprovalRequest.objects.visible_to(world.branch_manager).filter(pk=request.pk).exists()
    # Next round: the company's manager; then nobody is above: it stays and stops escalating.
    assert approvals_escalate(now=start + 50 * HOUR) == 1
    assert ApprovalRequest.objects.get(pk=request.pk).approver == world.ceo
    assert approvals_escalate(now=start + 100 * HOUR) == 0
    top = ApprovalRequest.objects.get(pk=request.pk)
    assert top.approver == world.ceo and top.due_at is None and top.escalation_level == 2
    assert approval_decide(request=top, actor=world.ceo, approve=True).status == Status.APPROVED


def test_escalation_skips_the_requester_and_honours_policy_timeouts(world):
    world.units["north"].manager = world.seller1  # the requester manages the region above the branch
    world.units["north"].save()
    world.units["hq"].manager = world.ceo
    world.units["hq"].save()
    ApprovalPolicy.objects.create(name="两小时", kind=KIND, timeout_hours=2)
    request = ask(world)
    assert request.due_at - request.created_at < 3 * HOUR
    assert approvals_escalate(now=request.created_at + 3 * HOUR) == 1
    assert ApprovalRequest.objects.get(pk=request.pk).approver == world.ceo
    ApprovalPolicy.objects.update(timeout_hours=0)
    assert ask(world).due_at is None  # 0: never escalates


def test_decided_requests_never_escalate(world):
    request = ask(world)
    approval_decide(request=request, actor=world.branch_manager, approve=True)
    assert approvals_escalate(now=timezone.now() + 1000 * HOUR) == 0


def test_the_escalation_is_a_scheduled_job(world):
    from io import StringIO

    request = ask(world)
    ApprovalRequest.objects.filter(pk=request.pk).update(due_at=timezone.now() - HOUR)
    out = StringIO()
    call_command("run_scheduled", "--job", "approvals.escalate", stdout=out)
    assert "1 overdue" in out.getvalue()
    assert ApprovalRequest.objects.get(pk=request.pk).approver == world.north_manager


# --- who sees a request -------------------------------------------------------------------------


def test_visibility_follows_the_people_taking_part(world):
    world.units["hq"].manager = world.ceo
    world.units["hq"].save()
    request = ask(world)
    approvals_escalate(now=request.due_at + HOUR)
    root = EmployeeFactory(username="root", is_superuser=True, unit=world.units["hq"])
    seeing = {name for name, user in {**world.users, "root": root}.items()
              if ApprovalRequest.objects.visible_to(user, "view").filter(pk=request.pk).exists()}
    assert seeing == {"seller1", "branch_manager", "north_manager", "root"}
    deciding = {name for name, user in {**world.users, "root": root}.items()
                if ApprovalRequest.objects.visible_to(user, "decide").filter(pk=request.pk).exists()}
    assert deciding == {"north_manager", "root"}


def test_registering_a_kind_replaces_one_with_the_same_key():
    kind = get_approval_kind(KIND)
    try:
        again = register_approval_kind(KIND, "Renamed", model=Team, on_approved=kind.on_approved,
                                       on_rejected=kind.on_rejected)
        assert get_approval_kind(KIND) is again and again.timeout_hours == 24
    finally:
        register_approval_kind(KIND, kind.label, model=kind.model, on_approved=kind.on_approved,
                               on_rejected=kind.on_rejected, on_cancelled=kind.on_cancelled,
                               timeout_hours=kind.timeout_hours, describe=kind.describe)


# --- handover -------------------------------------------------------------------------------------


def test_a_leavers_pending_decisions_go_to_whoever_takes_over(world, django_capture_on_commit_callbacks):
    from org.handover import handover_preview, records_handover

    root = EmployeeFactory(username="root", is_superuser=True, unit=world.units["hq"])
    waiting = ask(world)
    own = ask(world, requester=world.seller2)  # seller2 takes over: their own request stays
    decided = ask(world)
    approval_decide(request=decided, actor=world.branch_manager, approve=True)
    plan = handover_preview(from_user=world.branch_manager, to_user=world.seller2, actor=root)
    assert {line.key: line.count for line in plan.lines}["hook:approvals.waiting"] == 2
    with django_capture_on_commit_callbacks(execute=True):
        records_handover(from_user=world.branch_manager, to_user=world.seller2, actor=root)
    assert ApprovalRequest.objects.get(pk=waiting.pk).approver == world.seller2
    assert ApprovalRequest.objects.get(pk=own.pk).approver == world.branch_manager
    assert events(waiting) == ["requested", "handed_over"]
    assert Notification.objects.filter(recipient=world.seller2, event="approvals.requested").exists()
    assert approval_decide(request=waiting, actor=world.seller2, approve=True).status == Status.APPROVED
    # A handover of selected customers moves no approval duty.
    from approvals.services import approvals_handover_apply, approvals_handover_count

    assert approvals_handover_count(world.branch_manager, [1]) == 0
    assert approvals_handover_apply(world.branch_manager, world.seller2, [1], root) == 0
