from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from core.registry import (
            register_demo_builder,
            register_menu_item,
            register_object_type,
            set_password_setter,
            set_permission_provider,
        )

        from . import demo, handover_views, panels, permissions, services
        from . import filtersets as f
        from .models import Employee, OrgUnit, ProductLine, Role, Team
        from .services import register_write_guards

        register_object_type(OrgUnit, filterset=f.OrgUnitFilterSet, searchable=True)
        register_object_type(Employee, filterset=f.EmployeeFilterSet, searchable=True)
        register_object_type(ProductLine, filterset=f.ProductLineFilterSet)
        register_object_type(Team, filterset=f.TeamFilterSet)
        register_object_type(Role, filterset=f.RoleFilterSet)
        group = _("Organisation")
        register_menu_item(group, _("Org chart"), "org:orgunit_tree", OrgUnit, order=795)
        register_menu_item(group, _("Org units"), "org:orgunit_list", OrgUnit, order=800)
        register_menu_item(group, _("Employees"), "org:employee_list", Employee, order=810)
        register_menu_item(group, _("Teams"), "org:team_list", Team, order=820)
        register_menu_item(group, _("Product lines"), "org:productline_list", ProductLine, order=830)
        register_menu_item(group, _("Roles"), "org:role_list", Role, order=840)
        register_menu_item(group, _("Company settings"), "org:company_settings", Role, order=850)
        panels.register()
        handover_views.register()
        register_demo_builder("org", demo.build, order=10)
        # core asks org for the scope decision through this hook, so core imports no app.
        set_permission_provider(permissions)
        set_password_setter(services.employee_password_set)
        register_write_guards()
