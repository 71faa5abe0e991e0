"""The org tree: units nested by their materialised path, with head counts and managers.

Two queries whatever the size of the tree: the units (with their managers), and active head
counts per unit; subtree totals are summed here along the paths.
"""

from django.db.models import Count

from .models import Employee, OrgUnit


def build_tree(units=None, root=None):
    """Nested nodes [{"unit", "children", "direct", "total"}] for `units` (visible units), rooted
    at `root` (a unit: its subtree) or at the top-most units."""
    queryset = units if units is not None else OrgUnit.objects.all()
    if root is not None:
        queryset = queryset.filter(pk__in=root.subtree().values("pk"))
    rows = list(queryset.select_related("manager").order_by("path"))
    counts = dict(Employee.objects.filter(is_active=True, unit__in=[u.pk for u in rows])
                  .values_list("unit").annotate(n=Count("pk")).order_by())
    nodes = {u.path: {"unit": u, "children": [], "direct": counts.get(u.pk, 0), "total": 0} for u in rows}
    roots = []
    for path, node in nodes.items():  # sorted by path: a parent comes before its children
        parent = nodes.get(path.rpartition(".")[0]) if "." in path else None
        (parent["children"] if parent else roots).append(node)
    for path in sorted(nodes, key=lambda p: -p.count(".")):  # deepest first: totals bubble up
        node = nodes[path]
        node["total"] = node["direct"] + sum(child["total"] for child in node["children"])
    return roots
