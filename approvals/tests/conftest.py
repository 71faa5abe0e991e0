"""A kind of approval for the tests only (no shipped app raises one yet): renaming a team needs
the approval of a manager. The target is an org.Team, the new name is in the payload; approving
renames the team inside the decision's transaction. `fail` in the payload makes the callbacks
raise, to prove that a failing callback rolls the decision back."""

import pytest
from django.core.exceptions import ValidationError

from core.registry import register_approval_kind
from org.models import Team

KIND = "tests.team_rename"
CALLS = []


def on_approved(request, actor):
    if request.payload.get("fail"):
        raise ValidationError("The team cannot take that name any more.")
    Team.objects.filter(pk=request.target_id).update(name=request.payload["name"])
    CALLS.append(("approved", request.pk, actor.pk))


def on_rejected(request, actor):
    if request.payload.get("fail"):
        raise RuntimeError("callback broke")
    CALLS.append(("rejected", request.pk, actor.pk))


def on_cancelled(request, actor):
    CALLS.append(("cancelled", request.pk, actor.pk))


def describe(request):
    return f"New name: {request.payload.get('name', '')}"


register_approval_kind(KIND, "Team rename", model=Team, on_approved=on_approved, on_rejected=on_rejected,
                       on_cancelled=on_cancelled, timeout_hours=24, describe=describe)


@pytest.fixture(autouse=True)
def _calls():
    CALLS.clear()
    yield CALLS
