"""Org units, employees, product lines, teams and roles: generated tests.

These objects have no owner: a user granted an action has it on all of them ("global" rule). The
scope tests therefore check the grant: `admin` (every action), `org_viewer` (view only), and `ceo`
and `nobody`, who are granted nothing on org objects.
"""

from django.test import Client
from django.urls import reverse

from core.models import ObjectChange
from core.services import log_change
from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.expectations import Granted
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.scope import ScopeTests
from org.models import Employee, OrgUnit, ProductLine, Role, RolePermission, Team
from org.tests.factories import EmployeeFactory, OrgUnitFactory, ProductLineFactory, TeamFactory

GLOBAL_USERS = ("admin", "org_viewer", "ceo", "nobody")
STRONG_PASSWORD = "Kd-7!quartz-Harbour"


class OrgObjectTests(PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests):
    rule = Granted()
    actor = "admin"
    view_only_user = "org_viewer"
    scope_users = GLOBAL_USERS
    query_users = ("admin",)
    views = ("list", "detail", "add", "edit", "delete")

    def api_changes(self, ctx):
        return ({"name": "Changed-1"}, {"name": "Changed-2"})

    def edit_changes(self, ctx):
        return ({"name": "改名一"}, {"name": "改名二"})


class TestOrgUnit(OrgObjectTests):
    model = OrgUnit

    def make(self, ctx, *, owner=None, **fields):
        fields.setdefault("parent", ctx.units["south"])
        return OrgUnitFactory(**fields)

    def add_related(self, ctx, obj, user, count):
        super().add_related(ctx, obj, user, count)
        for _ in range(count):
            OrgUnitFactory(parent=obj)
            EmployeeFactory(unit=obj)

    def create_fields(self, ctx):
        return {"name": "上海销售二部", "code": ctx.unique("SH-"), "kind": "department",
                "parent": str(ctx.units["north"].pk), "manager": str(ctx.users["seller1"].pk)}

    invalid_fields = [
        ("name", {"name": ""}),
        ("code", {"code": "HQ"}),
        ("kind", {"kind": "galaxy"}),
        ("parent", {"parent": "99999999"}),
        ("manager", {"manager": "99999999"}),
    ]

    def api_create_data(self, ctx):
        return {"name": "API部门", "code": ctx.unique("API-"), "kind": "department", "parent": ctx.units["north"].pk}

    api_invalid = [
        ("code", {"code": "HQ"}),
        ("name", {"name": ""}),
        ("kind", {"kind": "galaxy"}),
        ("parent", {"parent": 99999999}),
    ]

    def test_unit_cannot_move_below_itself(self, ctx, client):
        north = ctx.units["north"]
        before = self.snapshot(north)
        self.login(client, ctx, self.actor)
        data = self.edit_data(ctx, north, {"parent": str(ctx.units["nd1"].pk)})
        response = client.post(self.url("edit", north), data)
        assert response.status_code == 400
        assert self.snapshot(north) == before

    def test_unit_with_members_is_not_deleted(self, ctx, client):
        self.login(client, ctx, self.actor)
        nd1 = ctx.units["nd1"]
        assert client.post(self.url("delete", nd1)).status_code == 302
        assert self.fresh(nd1).deleted_at is None
        assert client.delete(self.api_url(nd1)).status_code == 400
        assert self.fresh(nd1).deleted_at is None


class TestEmployee(OrgObjectTests):
    model = Employee
    label_field = "username"
    views = ("list", "detail", "add", "edit", "bulk_edit")
    api_actions = ("list", "retrieve", "create", "update")
    ordering_field = "username"
    ordering_values = ("sort-b", "sort-a", "sort-c")

    def make(self, ctx, *, owner=None, **fields):
        fields.setdefault("unit", ctx.units["south"])
        return EmployeeFactory(**fields)

    def add_related(self, ctx, obj, user, count):
        super().add_related(ctx, obj, user, count)
        for _ in range(count):
            obj.dotted_managers.add(EmployeeFactory(unit=obj.unit))
            obj.roles.add(Role.objects.create(name=ctx.unique("角色"), code=ctx.unique("role-")))
            obj.product_lines.add(ProductLineFactory())

    def create_fields(self, ctx):
        return {"username": ctx.unique("new.user"), "last_name": "王", "first_name": "五",
                "email": "wang.wu@example.cn", "unit": str(ctx.units["nb2"].pk),
                "manager": str(ctx.users["north_manager"].pk), "roles": [str(ctx.roles["seller"].pk)],
                "password": STRONG_PASSWORD, "is_active": "on"}

    invalid_fields = [
        ("username", {"username": ""}),
        ("username", {"username": "ceo"}),
        ("username", {"username": "bad name!"}),
        ("password", {"password": ""}),
        ("password", {"password": "12345678"}),
        ("email", {"email": "not-an-address"}),
        ("unit", {"unit": "99999999"}),
    ]

    def edit_changes(self, ctx):
        return ({"title": "销售经理", "mobile": "13700000000"}, {"title": "销售总监"})

    def bulk_edit_changes(self, ctx):
        return {"unit": str(ctx.units["nb2"].pk), "manager": str(ctx.users["dept_head"].pk)}

    def api_create_data(self, ctx):
        return {"username": ctx.unique("api.user"), "last_name": "赵", "first_name": "六",
                "unit": ctx.units["south"].pk, "roles": [ctx.roles["seller"].pk], "password": STRONG_PASSWORD}

    api_invalid = [
        ("password", lambda data: {key: value for key, value in data.items() if key != "password"}),
        ("password", {"password": "12345678"}),
        ("username", {"username": "ceo"}),
        ("username", {"username": "bad name!"}),
        ("unit", {"unit": 99999999}),
        ("email", {"email": "nope"}),
        ("roles", {"roles": [99999999]}),
    ]

    def api_changes(self, ctx):
        return ({"title": "区域经理"}, {"title": "大区总监"})

    def test_new_employee_can_log_in_with_the_initial_password(self, ctx, client):
        self.login(client, ctx, self.actor)
        data = self.create_data(ctx)
        assert client.post(self.url("add"), data).status_code == 302
        client.logout()
        response = client.post(reverse("login"), {"username": data["username"], "password": STRONG_PASSWORD})
        assert response.status_code == 302 and "_auth_user_id" in client.session


class TestProductLine(OrgObjectTests):
    model = ProductLine

    def make(self, ctx, *, owner=None, **fields):
        return ProductLineFactory(**fields)

    def create_fields(self, ctx):
        return {"name": "工业软件", "code": ctx.unique("PL-"), "description": "MES / PLM", "is_active": "on"}

    invalid_fields = [
        ("name", {"name": ""}),
        ("name", lambda data: {**data, "name": ProductLine.objects.values_list("name", flat=True).first()}),
        ("code", {"code": ""}),
        ("name", {"name": "名" * 101}),
    ]

    def api_create_data(self, ctx):
        return {"name": "API产品线", "code": ctx.unique("API-PL-"), "is_active": True}

    api_invalid = [
        ("name", lambda data: {**data, "name": ProductLine.objects.values_list("name", flat=True).first()}),
        ("code", {"code": ""}),
        ("is_active", {"is_active": "maybe"}),
    ]


class TestTeam(OrgObjectTests):
    model = Team

    def make(self, ctx, *, owner=None, **fields):
        return TeamFactory(**fields)

    def add_related(self, ctx, obj, user, count):
        super().add_related(ctx, obj, user, count)
        obj.members.add(*(EmployeeFactory(unit=ctx.units["south"]) for _ in range(count)))

    def make_visible(self, ctx, user, count):
        rows = super().make_visible(ctx, user, count)
        for team in rows:  # the list shows the leader, the product line and the member count
            team.leader = ctx.users["seller1"]
            team.product_line = ProductLineFactory()
            team.save()
            team.members.add(ctx.users["seller1"], ctx.users["seller2"])
        return rows

    def create_fields(self, ctx):
        return {"name": "华北项目组", "kind": "project", "leader": str(ctx.users["dept_head"].pk),
                "members": [str(ctx.users["seller1"].pk), str(ctx.users["south_seller"].pk)]}

    invalid_fields = [
        ("name", {"name": ""}),
        ("kind", {"kind": "band"}),
        ("members", {"members": ["99999999"]}),
        ("leader", {"leader": "99999999"}),
    ]

    def edit_changes(self, ctx):
        return ({"name": "改名组", "members": [str(ctx.users["seller3"].pk)]}, {"name": "又改名组"})

    def api_create_data(self, ctx):
        return {"name": "API项目组", "kind": "account", "members": [ctx.users["seller1"].pk]}

    api_invalid = [
        ("name", {"name": ""}),
        ("kind", {"kind": "band"}),
        ("members", {"members": [99999999]}),
        ("members", {"members": "all"}),
    ]


class TestRole(OrgObjectTests):
    model = Role

    def make(self, ctx, *, owner=None, **fields):
        fields.setdefault("name", ctx.unique("角色"))
        fields.setdefault("code", ctx.unique("role-"))
        return Role.objects.create(**fields)

    def add_related(self, ctx, obj, user, count):
        super().add_related(ctx, obj, user, count)
        start = obj.permissions.count()
        RolePermission.objects.bulk_create(
            RolePermission(role=obj, object_type=f"customers.k{start + index}", action="view", scope="own")
            for index in range(count)
        )

    def create_fields(self, ctx):
        return {"name": "区域经理", "code": ctx.unique("region-manager-"),
                "grant__customers.customer__view": "subtree", "grant__customers.customer__change": "own"}

    invalid_fields = [
        ("name", {"name": ""}),
        ("name", {"name": "executive"}),
        ("code", {"code": "not a slug!"}),
        ("grant__customers.customer__view", {"grant__customers.customer__view": "galaxy"}),
    ]

    def api_create_data(self, ctx):
        return {"name": "API角色", "code": ctx.unique("api-role-")}

    api_invalid = [
        ("code", {"code": "not a slug!"}),
        ("name", {"name": "executive"}),
        ("name", {"name": ""}),
    ]

    def test_role_page_stores_its_grants_with_an_audit_entry(self, ctx, client):
        self.login(client, ctx, self.actor)
        data = self.create_data(ctx)
        assert client.post(self.url("add"), data).status_code == 302
        role = Role.objects.get(code=data["code"])
        assert set(role.permissions.values_list("object_type", "action", "scope")) == {
            ("customers.customer", "view", "subtree"), ("customers.customer", "change", "own")}
        change = self.changes(role).get()
        assert change.action == ObjectChange.Action.CREATE
        assert sorted(change.postchange_data["grants"]) == ["customers.customer.change:own",
                                                            "customers.customer.view:subtree"]

    def test_deleted_role_grants_nothing(self, ctx, client):
        """A role in the recycle bin no longer opens anything to the people who had it."""
        self.login(client, ctx, "reader")
        assert client.get(reverse("customers:customer_list")).status_code == 200
        admin = Client()
        self.login(admin, ctx, "admin")
        assert admin.post(self.url("delete", ctx.roles["reader"])).status_code == 302
        assert client.get(reverse("customers:customer_list")).status_code == 403
        assert client.get(reverse("customers-api:customer-list")).status_code == 403


def test_history_entries_are_listed_on_the_detail_page(db, client, settings):
    """The audit panel shows old → new values (generic to every object; checked once here)."""
    from core.testing.base import TEST_SETTINGS

    for name, value in TEST_SETTINGS.items():
        setattr(settings, name, value)
    admin = EmployeeFactory(is_superuser=True)
    line = ProductLineFactory(name="旧名")
    log_change(instance=line, action="update", actor=admin, prechange={"name": "旧名"}, postchange={"name": "新名"})
    client.force_login(admin)
    page = client.get(reverse("org:productline_detail", args=[line.pk])).content.decode()
    assert "旧名" in page and "新名" in page and 'data-change="update"' in page
