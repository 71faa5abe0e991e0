"""API of the relationship map and of the customer's timeline."""

from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import KedaoModelViewSet
from core.timeline import BadCursor, Cursor, timeline_page

from .. import relations
from ..models import ContactEmployeeRelation, ContactRelation
from . import serializers


class ContactRelationViewSet(KedaoModelViewSet):
    queryset = ContactRelation.objects.select_related("from_contact", "to_contact")
    serializer_class = serializers.ContactRelationSerializer
    filterset_class = relations.ContactRelationFilterSet


class ContactEmployeeRelationViewSet(KedaoModelViewSet):
    queryset = ContactEmployeeRelation.objects.select_related("contact", "employee")
    serializer_class = serializers.ContactEmployeeRelationSerializer
    filterset_class = relations.ContactEmployeeRelationFilterSet


class TimelineEntrySerializer(drf_serializers.Serializer):
    time = drf_serializers.DateTimeField()
    kind = drf_serializers.CharField(help_text="The source's key, e.g. customers.changes.")
    id = drf_serializers.IntegerField(help_text="The entry's id within its source (kind, id) is unique.")
    icon = drf_serializers.CharField()
    title = drf_serializers.CharField()
    body = drf_serializers.CharField()
    url = drf_serializers.CharField(allow_null=True)
    actor = drf_serializers.CharField()
    details = drf_serializers.ListField(child=drf_serializers.DictField())


class TimelinePageSerializer(drf_serializers.Serializer):
    results = TimelineEntrySerializer(many=True)
    next = drf_serializers.CharField(allow_null=True, help_text="Cursor of the next page (?before=), null at the end.")


class TimelineMixin:
    """`GET …/customers/{id}/timeline/?before=<cursor>&limit=20`: one page of the timeline."""

    @extend_schema(parameters=[
        OpenApiParameter("before", str, description="Cursor from the previous page's `next`; empty: the newest."),
        OpenApiParameter("limit", int, description="Entries per page, 1–100 (default 20)."),
    ], responses=TimelinePageSerializer)
    @action(detail=True, methods=["get"], url_path="timeline")
    def timeline(self, request, pk=None):
        customer = self.get_object()
        try:
            cursor = Cursor.decode(request.query_params.get("before", ""))
        except BadCursor as error:
            return Response({"before": [str(error)]}, status=400)
        try:
            limit = int(request.query_params.get("limit", 20))
        except ValueError:
            return Response({"limit": [gettext("A whole number from 1 to 100.")]}, status=400)
        page = timeline_page(request.user, customer, cursor, limit)
        return Response({"results": [entry.as_dict() for entry in page.entries], "next": page.next_cursor or None})
