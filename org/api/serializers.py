from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.serializers import KedaoModelSerializer
from core.registry import ACTIONS, object_types

from .. import services
from ..models import Employee, OrgUnit, ProductLine, Role, Scope, Team


def _field_errors(error):
    """A Django ValidationError from org.services as DRF's {"field": ["message"]}."""
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict")
                                       else {"non_field_errors": error.messages})


class OrgUnitSerializer(KedaoModelSerializer):
    class Meta:
        model = OrgUnit
        fields = (*KedaoModelSerializer.base_fields, "name", "code", "kind", "parent", "manager", "path", "depth")
        read_only_fields = ("path", "depth")


class ProductLineSerializer(KedaoModelSerializer):
    class Meta:
        model = ProductLine
        fields = (*KedaoModelSerializer.base_fields, "name", "code", "description", "is_active")


class GrantSerializer(serializers.Serializer):
    object_type = serializers.ChoiceField(choices=[])
    action = serializers.ChoiceField(choices=ACTIONS)
    scope = serializers.ChoiceField(choices=Scope.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["object_type"].choices = sorted(t.key for t in object_types())


class RoleSerializer(KedaoModelSerializer):
    """A role and its grants: [{"object_type": "customers.customer", "action": "view", "scope": "own"}].

    Only grants the caller holds (at an equal or wider scope) may be given."""

    grants = GrantSerializer(many=True, required=False, source="permissions")

    class Meta:
        model = Role
        fields = (*KedaoModelSerializer.base_fields, "name", "code", "description", "grants")

    def validate_grants(self, value):
        seen = set()
        for grant in value:
            key = (grant["object_type"], grant["action"])
            if key in seen:
                raise serializers.ValidationError(
                    _("%(grant)s is granted twice.") % {"grant": f"{key[0]}.{key[1]}"})
            seen.add(key)
        try:
            services.role_check_grantable(self._actor(), [(g["object_type"], g["action"], g["scope"])
                                                          for g in value])
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["grants"]) from error
        return value

    def pop_related(self, validated_data):
        return {"grants": validated_data.pop("permissions", None)}

    def save_related(self, role, related):
        if related["grants"] is not None:
            role.replace_grants((g["object_type"], g["action"], g["scope"]) for g in related["grants"])


class TeamSerializer(KedaoModelSerializer):
    class Meta:
        model = Team
        fields = (*KedaoModelSerializer.base_fields, "name", "kind", "product_line", "leader", "members",
                  "description")


class EmployeeSerializer(KedaoModelSerializer):
    created_at = serializers.DateTimeField(source="date_joined", read_only=True)
    updated_at = None
    password = serializers.CharField(write_only=True, required=False, min_length=1, max_length=128,
                                     style={"input_type": "password"}, trim_whitespace=False,
                                     help_text="Required when creating an employee; sets a new password on update "
                                               "and revokes the employee's API tokens and sessions.")

    class Meta:
        model = Employee
        fields = ("id", "display", "version", "created_at", "username", "first_name", "last_name", "email",
                  "mobile", "title", "unit", "manager", "dotted_managers", "roles", "product_lines",
                  "is_active", "is_staff", "is_superuser", "password")
        extra_kwargs = {
            "is_staff": {"help_text": "Only a superuser may change it."},
            "is_superuser": {"help_text": "Only a superuser may change it."},
        }

    def validate(self, attrs):
        # The privilege rule first (org/services.py): a more powerful employee is a 403 (the viewset
        # refuses it before validation too), roles or flags beyond the caller are a 400 on the field.
        stored = self.instance if self.instance is not None else Employee()
        try:
            services.employee_check_change(actor=self._actor(), employee=stored, changes=attrs)
        except DjangoValidationError as error:
            raise _field_errors(error) from error
        password = attrs.get("password")
        if self.instance is None and not password:
            raise serializers.ValidationError({"password": ["Give the new employee an initial password."]})
        if password:
            try:
                validate_password(password, self.instance)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"password": list(error.messages)}) from error
        return attrs

    def pop_related(self, validated_data):
        # Read before the write puts the new values on the instance.
        return {"password": validated_data.pop("password", None), "was_active": bool(self.instance
                and self.instance.is_active)}

    def save_related(self, employee, related):
        # Inside object_save's transaction, after the row: the new password and what it revokes.
        services.employee_access_update(employee=employee, password=related["password"],
                                        was_active=related["was_active"])
