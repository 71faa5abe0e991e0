"""`POST /api/sales/opportunities/{id}/move/`, and the 202 of a PATCH whose stage needs approval.

Both go through sales.services.opportunity_move_stage, as the page and the kanban do: 200 with the
opportunity when it moved; 400 naming what is missing ({"stage": [each missing requirement],
"reason": [...], "won_by": [...], "note": [...]}); 202 with the approval request when the deal's
amount needs a manager's approval first (the opportunity stays where it is until then)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..models import Competitor, Opportunity, Stage, WinLossReason
from ..services.stages import opportunity_move_stage


class MoveSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all(), help_text="The stage to move to.")
    reason = serializers.PrimaryKeyRelatedField(
        queryset=WinLossReason.objects.filter(is_active=True), required=False, allow_null=True,
        help_text="Won or lost: a reason of that kind (win-loss-reasons).")
    won_by = serializers.PrimaryKeyRelatedField(
        queryset=Competitor.objects.filter(is_active=True), required=False, allow_null=True,
        help_text="Lost: the competitor that won the deal.")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="",
                                 help_text="Why; required when a won or lost deal is reopened.")


APPROVAL = inline_serializer("StageApproval", {
    "approval": serializers.IntegerField(), "kind": serializers.CharField(), "status": serializers.CharField(),
    "title": serializers.CharField(), "approver": serializers.IntegerField(),
    "approver_name": serializers.CharField(), "stage": serializers.IntegerField(),
    "opportunity": serializers.DictField()})


def approval_data(request, opportunity_data):
    return {"approval": request.pk, "kind": request.kind, "status": request.status, "title": request.title,
            "approver": request.approver_id, "approver_name": str(request.approver),
            "stage": (request.payload or {}).get("stage"), "opportunity": opportunity_data}


class StageMoveMixin:
    """Mixed into OpportunityViewSet."""

    def permission_action(self):
        if self.action == "move":
            return "change"
        return super().permission_action()

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if "data" in kwargs:
            self._saving_serializer = serializer  # after save(), its instance is the saved row
        return serializer

    def update(self, request, *args, **kwargs):
        """A PATCH / PUT of `stage` moves through the same service (sales.services.opportunity_save);
        when that move waits for approval, the answer is a 202 with the request."""
        self._saving_serializer = None
        response = super().update(request, *args, **kwargs)
        saved = getattr(self._saving_serializer, "instance", None)
        approval = getattr(saved, "stage_approval", None)
        if approval is not None:
            return Response(approval_data(approval, response.data), status=status.HTTP_202_ACCEPTED)
        return response

    @extend_schema(
        summary="Move an opportunity to another stage",
        description="The stage gates, the won/lost rules and big-deal approvals apply, as on the page. 400 names "
                    "what is missing: `stage` (each missing requirement of the stages entered), `reason`, "
                    "`won_by`, `note`. 202: the amount needs a manager's approval; the approval request is "
                    "returned and the opportunity moves when it is approved.",
        request=MoveSerializer,
        responses={200: None, 202: OpenApiResponse(APPROVAL, description="Waiting for approval.")},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        opportunity = self.get_object()
        self._check_if_match(opportunity)
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = opportunity_move_stage(opportunity=opportunity, stage=data["stage"], actor=request.user,
                                        reason=data.get("reason"), won_by=data.get("won_by"), note=data["note"])
        fresh = self.get_queryset().get(pk=opportunity.pk)
        payload = self.get_serializer(fresh).data
        if not isinstance(result, Opportunity):
            return Response(approval_data(result, payload), status=status.HTTP_202_ACCEPTED)
        response = Response(payload)
        response["ETag"] = fresh.etag
        return response
