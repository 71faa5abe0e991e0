from rest_framework import serializers

from core.api.serializers import ScopedModelSerializer

from ..models import Activity, DailyReport, Plan
from ..services import activity_save


class ActivitySerializer(ScopedModelSerializer):
    save_service = staticmethod(activity_save)
    customer_name = serializers.CharField(source="customer", read_only=True)

    class Meta:
        model = Activity
        fields = (*ScopedModelSerializer.base_fields, "kind", "subject", "description", "status", "starts_at",
                  "ends_at", "all_day", "due_at", "done_at", "priority", "customer", "customer_name", "contact",
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
