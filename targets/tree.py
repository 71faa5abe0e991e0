"""The plan's tree: the units under the plan's unit and, in units without sub-units, their people.
Only the selling part of the organisation carries targets: a person sells when a role lets them
add opportunities within a data scope short of the whole company (administrators and the executive
carry no personal target), and a unit carries a target when someone in its subtree sells (the head office's
finance or IT departments do not). A unit's figure goes to its selling sub-units; a unit without
any splits it among its sellers (its manager too only when nobody else sells there)."""

import time
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q

from org.models import Employee, OrgUnit, RolePermission

# Who sells: whoever a role lets add opportunities.
SELLING = ("sales.opportunity", "add")


@dataclass
class Node:
    unit: OrgUnit
    employee: Employee | None = None
    children: list = field(default_factory=list)

    @cached_property
    def key(self):
        return ("p", self.employee.pk) if self.employee is not None else ("u", self.unit.pk)

    @property
    def label(self):
        return str(self.employee or self.unit)


# Trees built in this process, reused while the organisation is unchanged (its fingerprint) and for
# at most TREE_SECONDS: a 1,000-person company's tree is ~20 ms to build on every figures page,
# dashboard and forecast. Nodes are never changed after they are built.
TREE_SECONDS = 60
_trees = {}


def _fingerprint():
    """What changes when units, people or the roles that make sellers change: one statement of
    counts and sums (sums of the unit and version columns change when someone moves, also by a bulk
    update)."""
    from django.db import connection

    units, people = OrgUnit._meta.db_table, Employee._meta.db_table
    grants, assignments = RolePermission._meta.db_table, Employee.roles.through._meta.db_table
    # Table names from the models' own metadata, values as parameters: nothing from a request.
    sql = (f"SELECT (SELECT COUNT(*) FROM {units}), (SELECT MAX(updated_at) FROM {units}),"  # noqa: S608
           f" (SELECT SUM(parent_id) FROM {units}), (SELECT SUM(manager_id) FROM {units}),"
           f" (SELECT COUNT(*) FROM {people}), (SELECT SUM(version) FROM {people}),"
           f" (SELECT SUM(unit_id) FROM {people}), (SELECT SUM(CASE WHEN is_active THEN 1 ELSE 0 END) FROM {people}),"
           f" (SELECT COUNT(*) FROM {grants} WHERE object_type = %s AND action = %s),"
           f" (SELECT COUNT(*) FROM {assignments}), (SELECT MAX(id) FROM {assignments})")
    with connection.cursor() as cursor:
        cursor.execute(sql, list(SELLING))
        return tuple(cursor.fetchone())


def company_tree():
    """The tree of the whole company (its first top unit), or None before any unit exists."""
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    return build_tree(root) if root is not None else None


def build_tree(root_unit):
    """The Node tree under `root_unit`, reused while the organisation is unchanged (see above)."""
    key = (root_unit.pk, root_unit.path, _fingerprint())
    found = _trees.get(root_unit.pk)
    now = time.monotonic()
    if found is not None and found[0] == key and now - found[1] < TREE_SECONDS:
        return found[2]
    tree = _build_tree(root_unit)
    _trees[root_unit.pk] = (key, now, tree)
    return tree


def _build_tree(root_unit):
    """The Node tree under `root_unit` (three queries)."""
    # Only what the tree and its labels need: 1,000 people and 250 units are built on every page.
    units = list(OrgUnit.objects.filter(Q(pk=root_unit.pk) | Q(path__startswith=root_unit.path + "."))
                 .only("name", "path", "parent_id", "manager_id", "kind").order_by("path"))
    nodes = {unit.pk: Node(unit) for unit in units}
    for unit in units:
        if unit.pk != root_unit.pk and unit.parent_id in nodes:
            nodes[unit.parent_id].children.append(nodes[unit.pk])
    sellers = {}
    # Company-wide roles (administrators, the executive) may add deals but carry no personal target.
    selling_roles = (RolePermission.objects.filter(object_type=SELLING[0], action=SELLING[1])
                     .exclude(scope="all").values("role_id"))
    sellers_ids = (Employee.objects.filter(unit_id__in=list(nodes), is_active=True, roles__in=selling_roles)
                   .values("pk"))
    for person in (Employee.objects.filter(pk__in=sellers_ids).only("username", "first_name", "last_name", "unit_id")
                   .order_by("last_name", "first_name", "username")):
        sellers.setdefault(person.unit_id, []).append(person)

    def prune(node):
        """Drop sub-units where nobody sells; True when someone under `node` sells."""
        node.children = [child for child in node.children if prune(child)]
        return bool(node.children) or bool(sellers.get(node.unit.pk))

    prune(nodes[root_unit.pk])
    for node in list(nodes.values()):
        if not node.children and sellers.get(node.unit.pk):
            staff = sellers[node.unit.pk]
            node.children = [Node(node.unit, person)
                             for person in ([p for p in staff if p.pk != node.unit.manager_id] or staff)]
    return nodes[root_unit.pk]


def walk(node):
    yield node
    for child in node.children:
        yield from walk(child)
