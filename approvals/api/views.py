"""API of approvals (docs/approvals.md, docs/api.md): the caller's requests, approve, reject, cancel.

- GET /api/approvals/requests/ lists what the caller may see (what they asked for, what they
  approve or approved, what they decided; superusers: everything). `?box=waiting` is their inbox.
- POST …/<id>/approve/ and …/<id>/reject/ with {"comment": "…"} (required to reject):
  404 outside what the caller sees, 403 when they are not the approver, 409 when the request is
  no longer pending, 400 with {"comment": […]} on bad input or a refusal by the kind's callback.
"""

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.registry import approval_kinds

from .. import services
from ..models import ApprovalEvent, ApprovalRequest, Status


class ApprovalEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    approver_name = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalEvent
        fields = ("action", "actor", "actor_name", "approver", "approver_name", "comment", "created_at")
        read_only_fields = fields

    def get_actor_name(self, obj) -> str:
        return str(obj.actor) if obj.actor_id else ""

    def get_approver_name(self, obj) -> str:
        return str(obj.approver) if obj.approver_id else ""


@extend_schema_field({"type": "string", "description": "One of: " + ", ".join(Status.values)})
class StatusField(serializers.CharField):
    """The status as its key; documented inline (a shared "status" enum name would collide with
    other apps' statuses in the schema)."""


class ApprovalRequestSerializer(serializers.ModelSerializer):
    status = StatusField(read_only=True)
    kind_label = serializers.SerializerMethodField()
    target_type = serializers.SerializerMethodField()
    target_name = serializers.SerializerMethodField()
    requested_by_name = serializers.SerializerMethodField()
    approver_name = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    events = ApprovalEventSerializer(many=True, read_only=True)

    class Meta:
        model = ApprovalRequest
        fields = ("id", "kind", "kind_label", "target_type", "target_id", "target_name", "title", "summary", "payload",
                  "status", "requested_by", "requested_by_name", "approver", "approver_name", "org_unit",
                  "product_line", "decided_by", "decided_at", "comment", "due_at", "escalation_level", "created_at",
                  "url", "events")
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return str(obj.kind_label)

    def get_target_type(self, obj) -> str:
        """"app_label.model" of the record the request is about."""
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_id(obj.target_type_id)
        return f"{content_type.app_label}.{content_type.model}"

    def get_target_name(self, obj) -> str:
        return str(obj.target) if obj.target is not None else ""

    def get_requested_by_name(self, obj) -> str:
        return str(obj.requested_by)

    def get_approver_name(self, obj) -> str:
        return str(obj.approver) if obj.approver_id else ""

    def get_url(self, obj) -> str:
        """The request's page."""
        return obj.get_absolute_url()


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=services.COMMENT_MAX,
                                    help_text="Why; required to reject.")


def kind_choices():
    return [(kind.key, kind.label) for kind in approval_kinds()]


class ApprovalRequestFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    kind = django_filters.ChoiceFilter(choices=kind_choices)
    box = django_filters.ChoiceFilter(
        choices=[("waiting", "waiting for me"), ("requested", "I requested"), ("decided", "I decided or approved")],
        method="filter_box", label="waiting (my inbox), requested (mine), decided (by me or passed through me)")

    class Meta:
        model = ApprovalRequest
        fields = ["status", "kind", "box"]

    def filter_box(self, queryset, name, value):
        user = self.request.user
        if value == "waiting":
            return queryset.filter(status=Status.PENDING, approver_id=user.pk)
        if value == "requested":
            return queryset.filter(requested_by_id=user.pk)
        took_part = ApprovalEvent.objects.filter(request_id=OuterRef("pk"), approver_id=user.pk)
        return queryset.exclude(status=Status.PENDING).filter(Q(decided_by_id=user.pk) | Exists(took_part))


CONFLICT = OpenApiResponse(description="The request is no longer pending (decided or cancelled).")


class ApprovalRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ApprovalRequestSerializer
    filterset_class = ApprovalRequestFilterSet
    queryset = ApprovalRequest.objects.all()

    def get_queryset(self):
        return (ApprovalRequest.objects.visible_to(self.request.user, "view")
                .select_related("requested_by", "approver").prefetch_related("target", "events__actor",
                                                                             "events__approver")
                .order_by("-created_at", "-pk"))

    def _decide(self, request, approve):
        row = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.approval_decide(request=row, actor=request.user, approve=approve,
                                     comment=data.validated_data.get("comment", ""))
        except services.ApprovalClosed as closed:
            return Response({"detail": " ".join(closed.messages)}, status=status.HTTP_409_CONFLICT)
        except DjangoPermissionDenied as denied:
            raise PermissionDenied(str(denied) or None) from denied
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data)

    @extend_schema(request=DecisionSerializer, responses={200: ApprovalRequestSerializer, 409: CONFLICT},
                   summary="Approve a request (its approver)")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, True)

    @extend_schema(request=DecisionSerializer, responses={200: ApprovalRequestSerializer, 409: CONFLICT},
                   summary="Reject a request with a comment (its approver)")
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, False)

    @extend_schema(request=DecisionSerializer, responses={200: ApprovalRequestSerializer, 409: CONFLICT},
                   summary="Withdraw a pending request (its requester)")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        row = self.get_object()
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.approval_cancel(request=row, actor=request.user, comment=data.validated_data.get("comment", ""))
        except services.ApprovalClosed as closed:
            return Response({"detail": " ".join(closed.messages)}, status=status.HTTP_409_CONFLICT)
        except DjangoPermissionDenied as denied:
            raise PermissionDenied(str(denied) or None) from denied
        return Response(self.get_serializer(self.get_queryset().get(pk=row.pk)).data)
