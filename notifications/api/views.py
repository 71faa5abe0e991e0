"""API of the notification centre: the caller's own notifications, marking them read
(docs/notifications.md). Nobody, administrators included, reads another person's notifications."""

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from .. import services
from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    target_type = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ("id", "event", "title", "body", "url", "actor", "actor_name", "target_type", "target_id",
                  "created_at", "read_at")
        read_only_fields = fields

    def get_actor_name(self, obj) -> str:
        return str(obj.actor) if obj.actor_id else ""

    def get_target_type(self, obj) -> str:
        """"app_label.model" of the record it is about, or ""."""
        if not obj.target_type_id:
            return ""
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_id(obj.target_type_id)  # cached per process
        return f"{content_type.app_label}.{content_type.model}"


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.ChoiceFilter(choices=[("true", "true"), ("false", "false")], method="filter_unread",
                                         label="Only unread (true) or only read (false)")
    event = django_filters.CharFilter(max_length=100, help_text="An event key, e.g. approvals.requested")

    class Meta:
        model = Notification
        fields = ["unread", "event"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value == "true")


MarkedSerializer = inline_serializer("NotificationsMarked", {"marked": serializers.IntegerField()})


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """GET /api/notifications/notifications/: the caller's notifications, newest first
    (`?unread=true` for the unread ones). POST …/<id>/read/ and …/read-all/ mark them read."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    queryset = Notification.objects.select_related("actor")

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=None, responses=NotificationSerializer, summary="Mark one notification read")
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        row = self.get_object()
        services.notifications_mark_read(user=request.user, ids=[row.pk])
        row.refresh_from_db()
        return Response(self.get_serializer(row).data)

    @extend_schema(request=None, responses=MarkedSerializer, summary="Mark all my notifications read")
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notifications_mark_read(user=request.user)})
