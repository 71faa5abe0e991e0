from core.api.viewsets import KedaoModelViewSet

from .. import filtersets, services
from ..models import Employee, OrgUnit, ProductLine, Role, Team
from . import serializers


class OrgUnitViewSet(KedaoModelViewSet):
    queryset = OrgUnit.objects.all()
    serializer_class = serializers.OrgUnitSerializer
    filterset_class = filtersets.OrgUnitFilterSet


class EmployeeViewSet(KedaoModelViewSet):
    queryset = Employee.objects.prefetch_related("dotted_managers", "roles", "product_lines")
    serializer_class = serializers.EmployeeSerializer
    filterset_class = filtersets.EmployeeFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_object(self):
        employee = super().get_object()
        if self.permission_action() != "view":
            # A more powerful employee: 403 before any field is looked at (org/services.py).
            services.check_may_manage(self.request.user, employee)
        return employee


class ProductLineViewSet(KedaoModelViewSet):
    queryset = ProductLine.objects.all()
    serializer_class = serializers.ProductLineSerializer
    filterset_class = filtersets.ProductLineFilterSet


class TeamViewSet(KedaoModelViewSet):
    queryset = Team.objects.prefetch_related("members")
    serializer_class = serializers.TeamSerializer
    filterset_class = filtersets.TeamFilterSet


class RoleViewSet(KedaoModelViewSet):
    queryset = Role.objects.prefetch_related("permissions")
    serializer_class = serializers.RoleSerializer
    filterset_class = filtersets.RoleFilterSet

    def get_object(self):
        role = super().get_object()
        if self.permission_action() != "view":
            services.role_check_manageable(self.request.user, role)
        return role
