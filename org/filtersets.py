import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import KedaoFilterSet

from .models import Employee, OrgUnit, ProductLine, Role, Team


class OrgUnitFilterSet(KedaoFilterSet):
    search_fields = ("search_key", "code")
    ordering_fields = ("path", "name", "code", "kind")
    parent = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), label=_("Parent unit"))

    class Meta:
        model = OrgUnit
        fields = ["kind", "parent"]


class EmployeeFilterSet(KedaoFilterSet):
    # search_key: the full name (杨建华), its parts, pinyin (yangjianhua) and initials (yjh).
    search_fields = ("search_key", "username", "mobile", "email", "title")
    ordering_fields = ("username", "last_name", "date_joined")
    unit = django_filters.ModelChoiceFilter(queryset=OrgUnit.objects.all(), label=_("Unit"),
                                            method="in_unit_subtree")
    role = django_filters.ModelChoiceFilter(queryset=Role.objects.all(), field_name="roles", label=_("Role"))

    class Meta:
        model = Employee
        fields = ["is_active", "unit", "role"]

    def in_unit_subtree(self, queryset, name, value):
        return queryset.filter(unit__in=value.subtree())


class ProductLineFilterSet(KedaoFilterSet):
    search_fields = ("name", "code")
    ordering_fields = ("name", "code")

    class Meta:
        model = ProductLine
        fields = ["is_active"]


class TeamFilterSet(KedaoFilterSet):
    search_fields = ("name",)
    ordering_fields = ("name", "kind")

    class Meta:
        model = Team
        fields = ["kind", "product_line"]


class RoleFilterSet(KedaoFilterSet):
    search_fields = ("name", "code")
    ordering_fields = ("name", "code")

    class Meta:
        model = Role
        fields = []
