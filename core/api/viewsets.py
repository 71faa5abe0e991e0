"""The generic API viewset: same filterset and same `visible_to()` as the list page."""

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response

from core.api.fields import light_many_prefetches
from core.api.schema import KedaoAutoSchema
from core.limits import TooSlow, time_budget, too_broad_message
from core.permissions import has_perm
from core.services import VersionConflict, object_delete


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = _("Send the If-Match header with the record's ETag (from a GET), so that a "
                       "colleague's change is not overwritten.")
    default_code = "precondition_required"


ACTION_FOR_METHOD = {"list": "view", "retrieve": "view", "create": "add", "update": "change",
                     "partial_update": "change", "destroy": "delete"}


class KedaoModelViewSet(viewsets.ModelViewSet):
    """List/retrieve/create/update/delete for one object type.

    - 403 when no role grants the action; 404 when the record is outside the caller's view scope;
      403 when visible but outside the scope of the action.
    - GET one record sends an ETag; PUT/PATCH/DELETE with a stale If-Match get 412, and without
      one a 428 when settings.KEDAO["REQUIRE_IF_MATCH"] is on (production default).
    - PATCH writes only the fields it sends; a PATCH that changes nothing keeps the version.
    """

    queryset = None
    # The OpenAPI schema: filters, ordering, examples and error answers from the declarations.
    schema = KedaoAutoSchema()
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    @property
    def model(self):
        return self.queryset.model

    def permission_action(self):
        return ACTION_FOR_METHOD.get(self.action, "view")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action is None:
            return
        if not has_perm(request.user, self.model, "view") or not has_perm(
            request.user, self.model, self.permission_action()
        ):
            raise PermissionDenied()

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user, "view")

    def get_object(self):
        obj = super().get_object()
        action = self.permission_action()
        if action != "view" and not self.model.objects.visible_to(self.request.user, action).filter(
            pk=obj.pk
        ).exists():
            raise PermissionDenied()
        return obj

    def _check_if_match(self, instance):
        expected = self.request.headers.get("If-Match")
        if not expected and settings.KEDAO["REQUIRE_IF_MATCH"]:
            raise PreconditionRequired()
        if expected and expected.strip() not in (instance.etag, f"W/{instance.etag}", "*"):
            raise VersionConflict(instance)
        return instance.version if expected else None

    def list(self, request, *args, **kwargs):
        searched = (request.query_params.get("q") or "").strip()
        if not searched:
            return self._list()
        try:
            # A text search no index can answer: within a time budget, then a 400 naming `q`
            # (core.limits.time_budget), not a worker held for 30 s.
            with time_budget(self.model):
                return self._list()
        except TooSlow:
            raise ValidationError({"q": [too_broad_message(searched[:100])]}) from None

    def _list(self):
        """DRF's list, with the serializer made first so that the rows' many-to-many ids are
        prefetched as ids, not as whole rows (core.api.fields.light_many_prefetches), and the
        related rows read narrowed to what names them (KedaoQuerySet.narrow_related)."""
        serializer = self.get_serializer(many=True)
        queryset = light_many_prefetches(self.filter_queryset(self.get_queryset()), serializer.child.fields)
        if hasattr(queryset, "narrow_related"):
            queryset = queryset.narrow_related()  # the related rows it names: their names
        page = self.paginate_queryset(queryset)
        serializer.instance = list(queryset) if page is None else page
        data = serializer.data
        return Response(data) if page is None else self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = instance.etag
        return response

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        expected = self._check_if_match(instance)
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.context["expected_version"] = expected
        serializer.is_valid(raise_exception=True)
        serializer.save()
        fresh = self.get_queryset().get(pk=instance.pk)
        response = Response(self.get_serializer(fresh).data)
        response["ETag"] = fresh.etag
        return response

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = serializer.save()
        fresh = self.get_queryset().get(pk=instance.pk)
        response = Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)
        response["ETag"] = fresh.etag
        return response

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        expected = self._check_if_match(instance)
        object_delete(instance=instance, actor=request.user, expected_version=expected)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            exc.args = ("Not found.",)
        return super().handle_exception(exc)
