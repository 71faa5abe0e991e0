from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from core.api.serializers import ScopedModelSerializer

from ..links import related_key, resolve_related
from ..models import Activity, DailyReport, Plan
from ..services import activity_save


class ActivitySerializer(ScopedModelSerializer):
    save_service = staticmethod(activity_save)
    customer_name = serializers.CharField(source="customer", read_only=True)
    related = serializers.CharField(required=False, allow_blank=True, max_length=120,
                                    help_text='A record of a later type as "type:id", e.g. "sales.lead:12".')
    related_name = serializers.SerializerMethodField()

    def get_related_name(self, obj) -> str:
        return str(obj.related) if obj.related_type_id and obj.related is not None else ""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["related"] = related_key(instance.related) if instance.related_type_id else ""
        return data

    def validate_related(self, value):
        request = self.context.get("request")
        previous = self.instance.related if self.instance is not None and self.instance.related_type_id else None
        if value == related_key(previous):
            return previous
        try:
            return resolve_related(value, request.user if request else None)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if "related" in attrs:
            # Written as the two concrete columns, so a PATCH of "related" alone saves them.
            record = attrs.pop("related")
            attrs["related_type"] = ContentType.objects.get_for_model(type(record)) if record is not None else None
            attrs["related_id"] = record.pk if record is not None else None
        return attrs

    class Meta:
        model = Activity
        fields = (*ScopedModelSerializer.base_fields, "kind", "subject", "description", "status", "starts_at",
                  "ends_at", "all_day", "due_at", "done_at", "priority", "customer", "customer_name", "contact", "related", "related_name",
                  "opportunity", "participants", "location", "checkin_at", "checkin_place", "checkin_lat",
                  "checkin_lng", "email_from", "email_to", "remind_minutes_before", "reminded_at")
        read_only_fields = ("done_at", "reminded_at")


class DailyReportSerializer(ScopedModelSerializer):
    class Meta:
        model = DailyReport
        fields = (*ScopedModelSerializer.base_fields, "date", "summary", "figures", "built_at")
        read_only_fields = fields


class PlanSerializer(ScopedModelSerializer):
    class Meta:
        model = Plan
        fields = (*ScopedModelSerializer.base_fields, "period", "starts_on", "target_visits", "target_calls",
                  "target_opportunities", "target_amount", "notes", "review")
