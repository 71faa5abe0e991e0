import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import KedaoTable

from .models import Employee, OrgUnit, ProductLine, Role, Team


class OrgUnitTable(KedaoTable):
    name = tables.Column(linkify=True, order_by=("path",))
    code = tables.Column()
    kind = tables.Column()
    parent = tables.Column(linkify=True)
    manager = tables.Column()

    class Meta(KedaoTable.Meta):
        model = OrgUnit
        fields = ("pk", "name", "code", "kind", "parent", "manager")


class EmployeeTable(KedaoTable):
    username = tables.Column(linkify=True)
    name = tables.Column(accessor="get_full_name", verbose_name=_("name"), order_by=("last_name", "first_name"))
    unit = tables.Column()
    title = tables.Column()
    manager = tables.Column()
    is_active = tables.BooleanColumn()

    class Meta(KedaoTable.Meta):
        model = Employee
        fields = ("pk", "username", "name", "unit", "title", "manager", "mobile", "email", "is_active")


class ProductLineTable(KedaoTable):
    name = tables.Column(linkify=True)

    class Meta(KedaoTable.Meta):
        model = ProductLine
        fields = ("pk", "name", "code", "is_active")


class TeamTable(KedaoTable):
    name = tables.Column(linkify=True)
    member_count = tables.Column(verbose_name=_("members"), orderable=False)

    class Meta(KedaoTable.Meta):
        model = Team
        fields = ("pk", "name", "kind", "product_line", "leader", "member_count")


class RoleTable(KedaoTable):
    name = tables.Column(linkify=True)

    class Meta(KedaoTable.Meta):
        model = Role
        fields = ("pk", "name", "code", "description")
