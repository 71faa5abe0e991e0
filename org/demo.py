"""Org's part of `manage.py demo_data`: org units, about 160 people, roles, product lines, teams.

Registered in OrgConfig.ready(); idempotent — only what is missing is created. Leaves the
company spec in `context.shared["company"]` for the apps that build on it (customers).
"""

from django.contrib.auth.hashers import make_password

from core.registry import ACTIONS, object_types

from .demo_company import PRODUCT_LINES, PROJECT_TEAMS, build_company
from .models import Employee, OrgUnit, ProductLine, Role, RolePermission, Team

DEMO_PASSWORD = "demo"  # noqa: S105  (documented demo login)
BATCH = 1000

# code: (name, description, scope on business records, actions on business records, manages org objects)
ROLES = {
    "sysadmin": ("系统管理员", "系统配置与组织架构维护：全部数据、全部操作。", "all", ACTIONS, True),
    "executive": ("总经理", "公司管理层：全公司数据。", "all", ACTIONS, False),
    "region_manager": ("区域经理", "大区负责人：本大区及下属分公司、部门的数据。", "subtree", ACTIONS, False),
    "branch_manager": ("分公司经理", "分公司负责人：本分公司及下属部门的数据。", "subtree", ACTIONS, False),
    "dept_manager": ("部门经理", "部门负责人：本人及下属（含虚线汇报）的数据。", "subordinates", ACTIONS, False),
    "seller": ("销售", "客户经理：本人负责的数据及共享给本人或所在团队的数据。", "own",
               ("view", "add", "change", "export"), False),
    "viewer": ("只读", "只读用户（财务、服务等）：查看全公司数据，不能修改。", "all", ("view",), False),
}


def role_grants(code):
    """{(object type key, action): scope} for a demo role, over every registered object type.

    Records with an owner (and records that follow one, like contacts) get the role's data scope;
    company-wide objects (org units, employees, roles…) are changed by administrators and seen by all.
    """
    _name, _description, scope, actions, manages_org = ROLES[code]
    result = {}
    for object_type in object_types():
        if getattr(object_type.model, "scope_kind", "global") in ("scoped", "parent"):
            for action in actions:
                if action in object_type.actions:
                    result[(object_type.key, action)] = scope
        elif getattr(object_type.model, "figures_follow_scope", False):
            # Company objects whose figures are read by unit (target plans): seen with the role's
            # data scope, kept by those who see the whole company and may change things.
            for action in object_type.actions:
                if action in ("view", "export") and action in actions:
                    result[(object_type.key, action)] = scope
                elif scope == "all" and "change" in actions:
                    result[(object_type.key, action)] = "all"
        else:
            for action in object_type.actions if manages_org else ("view",):
                if action in object_type.actions:
                    result[(object_type.key, action)] = "all"
    return result


def ensure_roles(codes=None):
    """Create the demo roles and bring their grants in line with `role_grants`; {code: Role}.

    A second run finds everything in place and writes nothing.
    """
    roles = {}
    for code in codes or ROLES:
        name, description, *_rest = ROLES[code]
        role = Role.objects.filter(code=code).first() or Role.objects.filter(name=name).first()
        if role is None:
            role = Role.objects.create(code=code, name=name, description=description)
        wanted = role_grants(code)
        have = {(p.object_type, p.action): (p.pk, p.scope) for p in RolePermission.objects.filter(role=role)}
        stale = [pk for key, (pk, scope) in have.items() if wanted.get(key) != scope]
        if stale:
            RolePermission.objects.filter(pk__in=stale).delete()
        kept = {key for key, (_pk, scope) in have.items() if wanted.get(key) == scope}
        RolePermission.objects.bulk_create(
            RolePermission(role=role, object_type=key, action=action, scope=scope)
            for (key, action), scope in wanted.items() if (key, action) not in kept
        )
        roles[code] = role
    return roles


def build(ctx):
    company = build_company()
    ctx.shared["company"] = company
    roles = ensure_roles()
    ctx.units.update(ensure_units(ctx, company))
    fresh = ensure_people(ctx, company, roles)
    ensure_admin(ctx)
    ensure_product_lines_and_teams(ctx, company, fresh)


def ensure_units(ctx, company):
    existing = {unit.code: unit for unit in OrgUnit.all_objects.filter(code__in=[u.code for u in company.units])}
    created = 0
    for spec in company.units:  # parents come before their children
        if spec.code in existing:
            continue
        unit = OrgUnit(code=spec.code, name=spec.name, kind=spec.kind,
                       parent=existing[spec.parent] if spec.parent else None)
        unit.save()
        existing[spec.code] = unit
        created += 1
    ctx.created["org units"] = (created, len(existing))
    return existing


def ensure_people(ctx, company, roles):
    """The demo people; returns the specs of those created now."""
    gen, rng, units = ctx.gen, ctx.rng, ctx.units
    usernames = [p.username for p in company.people]
    existing = {e.username: e for e in Employee.objects.filter(username__in=usernames)}
    password = make_password(DEMO_PASSWORD)  # hashed once: 160 hashes would take a minute
    new = []
    taken_names = set()
    for person in company.people:
        surname, given = gen.person_name(rng)
        while surname + given in taken_names:  # no two demo colleagues with the same name
            surname, given = gen.person_name(rng)
        taken_names.add(surname + given)
        phone = gen.mobile(rng)
        if person.username in existing:
            continue
        new.append(Employee(
            username=person.username, last_name=surname, first_name=given, title=person.title,
            email=f"{person.username}@kedao-demo.cn", mobile=phone, unit=units[person.unit],
            password=password, is_active=True,
        ))
    Employee.objects.bulk_create(new, batch_size=BATCH)
    new_names = {e.username for e in new}
    people = {e.username: e for e in Employee.objects.filter(username__in=usernames)}
    # Relations only for the people just created: a second run leaves edited people alone.
    fresh = [p for p in company.people if p.username in new_names]
    for person in fresh:
        people[person.username].manager = people.get(person.manager)
    Employee.objects.bulk_update([people[p.username] for p in fresh], ["manager"], batch_size=BATCH)
    Employee.roles.through.objects.bulk_create(
        Employee.roles.through(employee_id=people[p.username].pk, role_id=roles[p.role].pk) for p in fresh
    )
    Employee.dotted_managers.through.objects.bulk_create(
        Employee.dotted_managers.through(from_employee_id=people[p.username].pk,
                                         to_employee_id=people[d].pk)
        for p in fresh for d in p.dotted if d in people
    )
    for spec in company.units:
        unit = units[spec.code]
        if spec.manager and unit.manager_id is None and spec.manager in new_names:
            unit.manager = people[spec.manager]
            unit.save(update_fields=["manager"])
    ctx.people.update(people)
    ctx.created["employees"] = (len(new), len(people))
    return fresh


def ensure_admin(ctx):
    if Employee.objects.filter(username="admin").exists():
        ctx.created["superuser"] = (0, 1)
        return
    Employee.objects.create_superuser(
        "admin", "admin@kedao-demo.cn", "admin",  # noqa: S106  (documented demo login)
        last_name="管理员", first_name="系统", unit=ctx.units["HQ"], title="系统管理员",
    )
    ctx.created["superuser"] = (1, 1)


def ensure_product_lines_and_teams(ctx, company, fresh):
    people = ctx.people
    created_lines = created_teams = 0
    lines = {}
    for code, name, description, director in PRODUCT_LINES:
        line = ProductLine.objects.filter(code=code).first()
        if line is None:
            line = ProductLine.objects.create(code=code, name=name, description=description)
            created_lines += 1
        lines[code] = line
        team_name = f"{name}产品线团队"
        if not Team.objects.filter(name=team_name, kind=Team.Kind.PRODUCT_LINE).exists():
            team = Team.objects.create(name=team_name, kind=Team.Kind.PRODUCT_LINE, product_line=line,
                                       leader=people.get(director),
                                       description=f"{name}产品线总监与各分公司的{name}客户经理。")
            members = [people[director]] + [people[p.username] for p in company.people
                                            if code in p.product_lines and p.username in people]
            team.members.add(*members)
            created_teams += 1
    for person in fresh:
        if person.product_lines:
            people[person.username].product_lines.add(*(lines[c] for c in person.product_lines))
    for name, leader, members in PROJECT_TEAMS:
        if Team.objects.filter(name=name, kind=Team.Kind.PROJECT).exists():
            continue
        team = Team.objects.create(name=name, kind=Team.Kind.PROJECT, leader=people.get(leader),
                                   description="跨分公司的项目团队。")
        team.members.add(*(people[u] for u in [leader, *members] if u in people))
        created_teams += 1
    ctx.product_lines.update(lines)
    ctx.created["product lines"] = (created_lines, len(lines))
    ctx.created["teams"] = (created_teams, Team.objects.count())
