from core.api.viewsets import KedaoModelViewSet
from core.tagging import prefetch_tags

from .. import filtersets
from ..models import Project
from . import serializers


class ProjectViewSet(KedaoModelViewSet):
    queryset = Project.objects.select_related("customer", "owner", "org_unit").prefetch_related(prefetch_tags())
    serializer_class = serializers.ProjectSerializer
    filterset_class = filtersets.ProjectFilterSet
