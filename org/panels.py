"""Panels org contributes to detail pages (registered in OrgConfig.ready())."""

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.registry import get_object_type, register_panel

from .models import OrgUnit, Role
from .tree import build_tree


def role_grants_panel(request, role):
    rows = {}
    for permission in role.permissions.all():
        object_type = get_object_type(permission.object_type)
        label = object_type.verbose_name_plural if object_type else permission.object_type
        rows.setdefault(label, []).append(permission)
    return render_to_string("org/panels/role_grants.html", {"rows": rows}, request=request)


def unit_members_panel(request, unit):
    # The unit's subtree (below the unit itself), with head counts and managers.
    subtree = build_tree(OrgUnit.objects.visible_to(request.user, "view"), root=unit)
    nodes = subtree[0]["children"] if subtree else []
    members = unit.employees.filter(is_active=True).order_by("username")[:200]
    return render_to_string("org/panels/unit_members.html", {
        "nodes": nodes, "members": members, "open_depth": unit.depth + 2,
    }, request=request)


def register():
    register_panel(Role, _("Grants"), role_grants_panel, order=10)
    register_panel(OrgUnit, _("Sub-units and members"), unit_members_panel, order=10)
