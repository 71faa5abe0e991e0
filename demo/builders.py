"""Helpers shared by the demo and benchmark data commands."""

from contextlib import contextmanager

from django.db import connection

from core.registry import object_types
from org.models import Role, RolePermission

ALL_ACTIONS = ("view", "add", "change", "delete", "export", "approve")

# code: (name, description, scope on business records, actions on business records, manages org objects)
ROLES = {
    "sysadmin": ("系统管理员", "系统配置与组织架构维护：全部数据、全部操作。", "all", ALL_ACTIONS, True),
    "executive": ("总经理", "公司管理层：全公司数据。", "all", ALL_ACTIONS, False),
    "region_manager": ("区域经理", "大区负责人：本大区及下属分公司、部门的数据。", "subtree", ALL_ACTIONS, False),
    "branch_manager": ("分公司经理", "分公司负责人：本分公司及下属部门的数据。", "subtree", ALL_ACTIONS, False),
    "dept_manager": ("部门经理", "部门负责人：本人及下属（含虚线汇报）的数据。", "subordinates", ALL_ACTIONS, False),
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


@contextmanager
def manual_timestamps(*models):
    """Let bulk inserts keep the created/updated times we give them (a history, not "now")."""
    saved = []
    for model in models:
        for name in ("created_at", "updated_at"):
            field = model._meta.get_field(name)
            saved.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def is_postgresql():
    return connection.vendor == "postgresql"
