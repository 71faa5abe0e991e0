from rest_framework import serializers

from core.api.serializers import KedaoModelSerializer

from ..models import Employee, OrgUnit, ProductLine, Role, Team


class OrgUnitSerializer(KedaoModelSerializer):
    class Meta:
        model = OrgUnit
        fields = (*KedaoModelSerializer.base_fields, "name", "code", "kind", "parent", "manager", "path", "depth")
        read_only_fields = ("path", "depth")


class ProductLineSerializer(KedaoModelSerializer):
    class Meta:
        model = ProductLine
        fields = (*KedaoModelSerializer.base_fields, "name", "code", "description", "is_active")


class RoleSerializer(KedaoModelSerializer):
    class Meta:
        model = Role
        fields = (*KedaoModelSerializer.base_fields, "name", "code", "description")


class TeamSerializer(KedaoModelSerializer):
    class Meta:
        model = Team
        fields = (*KedaoModelSerializer.base_fields, "name", "kind", "product_line", "leader", "members",
                  "description")


class EmployeeSerializer(KedaoModelSerializer):
    created_at = serializers.DateTimeField(source="date_joined", read_only=True)
    updated_at = None

    class Meta:
        model = Employee
        fields = ("id", "display", "version", "created_at", "username", "first_name", "last_name", "email",
                  "mobile", "title", "unit", "manager", "dotted_managers", "roles", "product_lines",
                  "is_active")
