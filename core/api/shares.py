"""The API of shares: who a record is shared with (/api/core/shares/).

- GET    /api/core/shares/?object_type=customers.customer&object_id=12   the record's shares
- POST   /api/core/shares/  {"object_type", "object_id", "employee" | "team", "role", "can_change"}
- GET    /api/core/shares/<id>/
- DELETE /api/core/shares/<id>/

Reading needs "view" on the record, adding and removing "change" (core.services.share_add /
share_remove check it again, whoever calls them). A record outside the caller's view scope answers
404, like a record that does not exist; bad input answers 400 naming the field.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core import limits
from core.models import Share
from core.permissions import has_perm
from core.registry import get_object_type
from core.services import share_add, share_remove
from core.text import clean_text


def shareable_type(key):
    """The registered object type `key` names, when its records can be shared (scope kind "scoped")."""
    object_type = get_object_type(key) if isinstance(key, str) and len(key) <= 100 else None
    if object_type is None or getattr(object_type.model, "scope_kind", "global") != "scoped":
        return None
    return object_type


class ShareSerializer(serializers.ModelSerializer):
    object_type = serializers.SerializerMethodField()
    employee_name = serializers.CharField(source="employee", read_only=True, default=None)
    team_name = serializers.CharField(source="team", read_only=True, default=None)

    class Meta:
        model = Share
        fields = ("id", "object_type", "object_id", "employee", "employee_name", "team", "team_name", "role",
                  "can_change", "created_at")
        read_only_fields = fields

    def get_object_type(self, share) -> str:
        return f"{share.content_type.app_label}.{share.content_type.model}"


class ShareCreateSerializer(serializers.Serializer):
    object_type = serializers.CharField(max_length=100)
    object_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    employee = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    team = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    role = serializers.CharField(required=False, allow_blank=True, max_length=50, default="")
    can_change = serializers.BooleanField(required=False, default=False)


class ShareViewSet(viewsets.ViewSet):
    """Shares of one record; see the module docstring."""

    serializer_class = ShareSerializer

    def _record(self, object_type, object_id, action):
        model = object_type.model
        if not has_perm(self.request.user, model, "view"):
            raise PermissionDenied()
        record = model.objects.visible_to(self.request.user, "view").filter(pk=object_id).first()
        if record is None:
            raise Http404
        if action != "view" and not model.objects.visible_to(self.request.user, action).filter(pk=record.pk).exists():
            raise PermissionDenied()
        return record

    def _shares(self, object_type, record):
        return Share.objects.filter(content_type=ContentType.objects.get_for_model(object_type.model),
                                    object_id=record.pk).select_related("content_type", "employee", "team")

    @extend_schema(parameters=[
        OpenApiParameter("object_type", str, required=True, description="e.g. customers.customer"),
        OpenApiParameter("object_id", int, required=True)], responses=ShareSerializer(many=True))
    def list(self, request):
        object_type = shareable_type(request.query_params.get("object_type"))
        if object_type is None:
            raise ValidationError({"object_type": [_("Name a type whose records can be shared, e.g. "
                                                     "customers.customer.")]})
        object_id = limits.parse_id(request.query_params.get("object_id"))
        if object_id is None:
            raise ValidationError({"object_id": [_("A record id is required.")]})
        record = self._record(object_type, object_id, "view")
        shares = self._shares(object_type, record).order_by("pk")
        return Response({"results": ShareSerializer(shares, many=True).data})

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)], responses=ShareSerializer)
    def retrieve(self, request, pk=None):
        share = self._share(pk)
        return Response(ShareSerializer(share).data)

    def _share(self, pk):
        share_id = limits.parse_id(pk, Share._meta.pk)
        share = Share.objects.select_related("content_type", "employee", "team").filter(pk=share_id).first() \
            if share_id is not None else None
        object_type = get_object_type(f"{share.content_type.app_label}.{share.content_type.model}") if share else None
        if object_type is None or not has_perm(self.request.user, object_type.model, "view"):
            raise Http404
        if not object_type.model.objects.visible_to(self.request.user, "view").filter(pk=share.object_id).exists():
            raise Http404
        return share

    @extend_schema(request=ShareCreateSerializer, responses={201: ShareSerializer})
    def create(self, request):
        incoming = ShareCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        object_type = shareable_type(data["object_type"])
        if object_type is None:
            raise ValidationError({"object_type": [_("Name a type whose records can be shared, e.g. "
                                                     "customers.customer.")]})
        record = self._record(object_type, data["object_id"], "change")
        employee_model, team_model = (Share._meta.get_field(name).related_model for name in ("employee", "team"))
        employee_id, team_id = data.get("employee"), data.get("team")
        if (employee_id is None) == (team_id is None):
            raise ValidationError({"employee": [_("Give a person or a team, not both and not neither.")]})
        employee = team = None
        if employee_id is not None:
            employee = employee_model.objects.filter(pk=employee_id, is_active=True).first()
            if employee is None:
                raise ValidationError({"employee": [_("No active employee has this id.")]})
            if not has_perm(employee, object_type.model, "view"):
                raise ValidationError({"employee": [
                    _("%(name)s's roles do not allow viewing %(type)s: the share would give them nothing.")
                    % {"name": employee, "type": object_type.verbose_name_plural}]})
        else:
            team = team_model.objects.filter(pk=team_id).first()
            if team is None:
                raise ValidationError({"team": [_("No team has this id.")]})
        try:
            share = share_add(instance=record, actor=request.user, employee=employee, team=team,
                              role=clean_text(data.get("role") or "").strip(), can_change=data["can_change"])
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict if hasattr(error, "error_dict") else
                                  {"non_field_errors": error.messages}) from error
        share = Share.objects.select_related("content_type", "employee", "team").get(pk=share.pk)
        return Response(ShareSerializer(share).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)], responses={204: None})
    def destroy(self, request, pk=None):
        share = self._share(pk)
        model = share.content_type.model_class()
        if not model.objects.visible_to(request.user, "change").filter(pk=share.object_id).exists():
            raise PermissionDenied()
        share_remove(share=share, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
