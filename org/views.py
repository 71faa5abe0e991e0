from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import render

from core.views import generic
from org.permissions import has_perm

from . import filtersets, forms, services, tables
from .models import Employee, OrgUnit, ProductLine, Role, Team
from .tree import build_tree


class OrgUnitListView(generic.ObjectListView):
    queryset = OrgUnit.objects.select_related("parent", "manager")
    filterset_class = filtersets.OrgUnitFilterSet
    table_class = tables.OrgUnitTable


class OrgUnitView(generic.ObjectView):
    queryset = OrgUnit.objects.select_related("parent", "manager")
    highlights = ("kind", "manager", "parent")
    detail_fields = ("name", "code", "kind", "parent", "manager")


class OrgUnitEditView(generic.ObjectEditView):
    queryset = OrgUnit.objects.all()
    form_class = forms.OrgUnitForm


class OrgUnitDeleteView(generic.ObjectDeleteView):
    queryset = OrgUnit.objects.all()


class EmployeeListView(generic.ObjectListView):
    queryset = Employee.objects.select_related("unit", "manager")
    filterset_class = filtersets.EmployeeFilterSet
    table_class = tables.EmployeeTable


class EmployeeView(generic.ObjectView):
    queryset = Employee.objects.select_related("unit", "manager")
    highlights = ("unit", "title", "manager", "mobile")
    detail_fields = ("username", "email", "mobile", "title", "unit", "manager", "dotted_managers", "roles",
                     "product_lines", "is_active", "last_login", "password_changed_at")


class EmployeeEditView(generic.ObjectEditView):
    queryset = Employee.objects.all()
    form_class = forms.EmployeeForm

    def get_object(self, action="view"):
        employee = super().get_object(action)
        if action != "view":
            # A more powerful employee is not even offered for editing (403).
            services.check_may_manage(self.request.user, employee)
        return employee


class EmployeeBulkEditView(generic.BulkEditView):
    queryset = Employee.objects.all()
    form_class = forms.EmployeeBulkEditForm


class ProductLineListView(generic.ObjectListView):
    queryset = ProductLine.objects.all()
    filterset_class = filtersets.ProductLineFilterSet
    table_class = tables.ProductLineTable


class ProductLineView(generic.ObjectView):
    queryset = ProductLine.objects.all()
    detail_fields = ("name", "code", "description", "is_active")


class ProductLineEditView(generic.ObjectEditView):
    queryset = ProductLine.objects.all()
    form_class = forms.ProductLineForm


class ProductLineDeleteView(generic.ObjectDeleteView):
    queryset = ProductLine.objects.all()


class TeamListView(generic.ObjectListView):
    queryset = Team.objects.select_related("product_line", "leader").annotate(
        member_count=Count("members", distinct=True))
    filterset_class = filtersets.TeamFilterSet
    table_class = tables.TeamTable


class TeamView(generic.ObjectView):
    queryset = Team.objects.select_related("product_line", "leader")
    detail_fields = ("name", "kind", "product_line", "leader", "members", "description")


class TeamEditView(generic.ObjectEditView):
    queryset = Team.objects.all()
    form_class = forms.TeamForm


class TeamDeleteView(generic.ObjectDeleteView):
    queryset = Team.objects.all()


class RoleListView(generic.ObjectListView):
    queryset = Role.objects.all()
    filterset_class = filtersets.RoleFilterSet
    table_class = tables.RoleTable


class RoleView(generic.ObjectView):
    queryset = Role.objects.prefetch_related("permissions")
    detail_fields = ("name", "code", "description")


class RoleGuardMixin:
    def get_object(self, action="view"):
        role = super().get_object(action)
        if action != "view":
            # Changing or deleting a role changes everyone who holds it.
            services.role_check_manageable(self.request.user, role)
        return role


class RoleEditView(RoleGuardMixin, generic.ObjectEditView):
    queryset = Role.objects.all()
    form_class = forms.RoleForm
    template_name = "org/role_edit.html"


class RoleDeleteView(RoleGuardMixin, generic.ObjectDeleteView):
    queryset = Role.objects.all()


@login_required
def org_tree(request):
    """The whole organisation as an indented, collapsible tree."""
    if not has_perm(request.user, OrgUnit, "view"):
        raise PermissionDenied
    return render(request, "org/tree.html", {
        "nodes": build_tree(OrgUnit.objects.visible_to(request.user, "view")), "open_depth": 2,
        "can_add": has_perm(request.user, OrgUnit, "add"),
    })
