from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import BulkEditForm, KedaoModelForm
from core.registry import ACTION_LABELS, ACTIONS, object_types

from . import services
from .models import Employee, OrgUnit, ProductLine, Role, Scope, Team

NO_GRANT = ""


class OrgUnitForm(KedaoModelForm):
    class Meta:
        model = OrgUnit
        fields = ("name", "code", "kind", "parent", "manager")


class ProductLineForm(KedaoModelForm):
    class Meta:
        model = ProductLine
        fields = ("name", "code", "description", "is_active")


class TeamForm(KedaoModelForm):
    class Meta:
        model = Team
        fields = ("name", "kind", "product_line", "leader", "members", "description")


class EmployeeForm(KedaoModelForm):
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, required=False,
                               help_text=_("Required for a new employee; leave empty to keep the current one."))

    class Meta:
        model = Employee
        fields = ("username", "last_name", "first_name", "email", "mobile", "title", "unit", "manager",
                  "dotted_managers", "roles", "product_lines", "is_active", "is_staff", "is_superuser")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored state, before the form writes onto the instance: the privilege rule compares
        # against it, and a deactivation is noticed by it.
        self.was_active = self.instance.is_active if self.instance.pk else False
        if not (self.user and self.user.is_superuser):
            # Only a superuser makes superusers or staff (org/services.py); nobody else sees it.
            for name in services.FLAG_FIELDS:
                del self.fields[name]

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if not self.instance.pk and not password:
            raise forms.ValidationError(_("Give the new employee an initial password."))
        if password:
            validate_password(password, self.instance)
        return password

    def clean(self):
        cleaned = super().clean()
        manager = cleaned.get("manager")
        if manager and self.instance.pk and manager.pk == self.instance.pk:
            self.add_error("manager", _("An employee cannot be their own manager."))
        if self.user is None:
            raise PermissionDenied
        try:
            # PermissionDenied (a more powerful employee) propagates: a 403, nothing written.
            services.employee_check_change(actor=self.user, employee=self.instance, changes=cleaned)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned

    def _save_m2m(self):
        super()._save_m2m()
        # Inside object_save's transaction, after the row: the new password and what it revokes.
        services.employee_access_update(employee=self.instance, password=self.cleaned_data.get("password"),
                                        was_active=self.was_active)


class EmployeeBulkEditForm(BulkEditForm):
    unit = forms.ModelChoiceField(queryset=OrgUnit.objects.all(), label=_("Unit"))
    manager = forms.ModelChoiceField(queryset=Employee.objects.filter(is_active=True), label=_("Manager"))

    def clean(self):
        cleaned = super().clean()
        for employee in cleaned.get("pk") or ():
            try:
                services.check_may_manage(self.user, employee)
            except PermissionDenied as error:
                self.add_error(None, str(error))
        return cleaned


class RoleForm(KedaoModelForm):
    """Name and description, plus the grant matrix: object type × action → data scope."""

    class Meta:
        model = Role
        fields = ("name", "code", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {}
        if self.instance.pk:
            existing = {(p.object_type, p.action): p.scope for p in self.instance.permissions.all()}
        self.matrix = []
        self.actions = [(a, ACTION_LABELS[a]) for a in ACTIONS if any(a in t.actions for t in object_types())]
        choices = [(NO_GRANT, "—"), *Scope.choices]
        for object_type in sorted(object_types(), key=lambda t: t.key):
            row = {"object_type": object_type, "fields": []}
            for action, _label in self.actions:
                if action not in object_type.actions:
                    row["fields"].append((action, None))
                    continue
                name = f"grant__{object_type.key}__{action}"
                label = f"{object_type.verbose_name_plural} · {ACTION_LABELS[action]}"
                self.fields[name] = forms.ChoiceField(choices=choices, required=False, label=label)
                # The matrix shows no <label> per cell: the select names its row and column itself.
                self.fields[name].widget.attrs.update({"class": "form-select form-select-sm", "aria-label": label})
                self.initial.setdefault(name, existing.get((object_type.key, action), NO_GRANT))
                row["fields"].append((action, name))
            self.matrix.append(row)

    def clean(self):
        cleaned = super().clean()
        if self.user is None:
            raise PermissionDenied
        try:
            services.role_check_grantable(self.user, self.grants())
        except ValidationError as error:
            self.add_error(None, error.message_dict["grants"])
            # And by each cell, so the person sees which choice to lower.
            for key, action, _scope in services.grants_beyond(self.user, self.grants()):
                self.add_error(f"grant__{key}__{action}", _("More than you hold yourself."))
        return cleaned

    def grants(self):
        result = []
        for name, value in list(self.cleaned_data.items()):
            if name.startswith("grant__") and value:
                _prefix, key, action = name.split("__")
                result.append((key, action, value))
        return result

    def _save_m2m(self):
        super()._save_m2m()
        self.instance.replace_grants(self.grants())
