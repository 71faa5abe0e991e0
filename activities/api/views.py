from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import KedaoModelViewSet

from .. import filtersets
from ..models import Activity, DailyReport, Plan
from ..services import activity_complete
from . import serializers


class ActivityViewSet(KedaoModelViewSet):
    queryset = Activity.objects.select_related("customer", "owner", "org_unit").prefetch_related("participants")
    serializer_class = serializers.ActivitySerializer
    filterset_class = filtersets.ActivityFilterSet

    def permission_action(self):
        if self.action == "complete":
            return "change"
        return super().permission_action()

    @extend_schema(summary="Mark an activity done", request=None, responses={200: serializers.ActivitySerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        done = activity_complete(activity=self.get_object(), actor=request.user)
        fresh = self.get_queryset().get(pk=done.pk)
        response = Response(self.get_serializer(fresh).data)
        response["ETag"] = fresh.etag
        return response


class DailyReportViewSet(KedaoModelViewSet):
    """Read-only: the system writes daily reports (activities.daily)."""

    queryset = DailyReport.objects.select_related("owner", "org_unit")
    serializer_class = serializers.DailyReportSerializer
    filterset_class = filtersets.DailyReportFilterSet
    http_method_names = ["get", "head", "options"]


class PlanViewSet(KedaoModelViewSet):
    queryset = Plan.objects.select_related("owner", "org_unit")
    serializer_class = serializers.PlanSerializer
    filterset_class = filtersets.PlanFilterSet
