"""Plan against actual, level by level: a node's children (sub-units, or a unit's people) with
their plan for the chosen periods, what they achieved (the plan's measure over the same dates),
completion, gap and rank among their peers. A fixed number of queries whatever the tree's size:
the cells in one, the actuals in one grouped query, rolled up over the tree in Python."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core.registry import get_target_measure
from org.models import Scope
from org.permissions import granted_scopes, has_perm, unit_ids

from .models import TargetPlan
from .split import YEAR, periods, quarter_of
from .tree import build_tree, walk


def datetimes(first_day, day_after):
    """[first_day, day_after) as aware datetimes in the company's time zone."""
    def start(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return start(first_day), start(day_after)


def actual_rows(measure, start, end, product_line_id, within=None):
    return measure.actuals(start, end, product_line_id, within=within)


@dataclass(frozen=True)
class Within:
    """The rows that can count towards the nodes under some tops of the tree (see `within`): those
    of these units, and of these owners only when `owners` is not None."""

    units: frozenset
    owners: frozenset | None = None


def within(tree, tops):
    """Within for the subtrees of `tops`, or None when one of them is the whole tree. Exact, not an
    approximation: roll_up gives a unit the rows of its subtree's units and a person their own rows
    in their unit, so rows outside these units (or, when every top is a person, of other owners)
    can change no figure under the tops. A seller's dashboard then reads their own deals, not the
    company's."""
    if any(top is tree for top in tops):
        return None
    units, owners, people_only = set(), set(), True
    for top in tops:
        if top.employee is not None:
            units.add(top.unit.pk)
            owners.add(top.employee.pk)
        else:
            people_only = False
            units.update(node.unit.pk for node in walk(top) if node.employee is None)
    return Within(frozenset(units), frozenset(owners) if people_only else None)


def roll_up_tops(tops, rows, roll=None):
    """roll_up (or `roll`, e.g. a partial roll_up_vectors) of each top's subtree, merged."""
    if len(tops) == 1:
        return (roll or roll_up)(tops[0], rows)  # the usual case: no copy of 1,250 totals
    totals = {}
    for top in tops:
        totals.update((roll or roll_up)(top, rows))
    return totals


def roll_up(tree, rows):
    """{node key: actual}: a person's rows in their unit; a unit's, every row of its subtree."""
    by_unit, by_person = {}, {}
    for employee_id, unit_id, value in rows:
        by_unit[unit_id] = by_unit.get(unit_id, 0) + value
        by_person[(employee_id, unit_id)] = by_person.get((employee_id, unit_id), 0) + value
    totals = {}

    def visit(node):
        if node.employee is not None:
            totals[node.key] = by_person.get((node.employee.pk, node.unit.pk), 0)
            return totals[node.key]
        total = by_unit.get(node.unit.pk, 0)
        for child in node.children:
            if child.employee is None:
                total += visit(child)
            else:
                visit(child)
        totals[node.key] = total
        return total

    visit(tree)
    return totals


def roll_up_vectors(tree, rows, width):
    """roll_up() of several figures at once: rows (employee id, unit id, [width values]) →
    {node key: [width sums]}, in one walk of the tree."""
    by_unit, by_person = {}, {}
    for employee_id, unit_id, values in rows:
        unit = by_unit.setdefault(unit_id, [0] * width)
        person = by_person.setdefault((employee_id, unit_id), [0] * width)
        for index, value in enumerate(values):
            if value:
                unit[index] += value
                person[index] += value
    totals = {}
    zero = [0] * width

    def visit(node):
        if node.employee is not None:
            totals[node.key] = by_person.get((node.employee.pk, node.unit.pk), zero)
            return totals[node.key]
        total = list(by_unit.get(node.unit.pk, zero))
        for child in node.children:
            below = visit(child)
            if child.employee is None:
                total = [a + b for a, b in zip(total, below, strict=True)]
        totals[node.key] = total
        return total

    visit(tree)
    return totals


# --- Periods a page can ask for ----------------------------------------------------------------


def period_choices(plan):
    """[(value, label)]: the year, its quarters, its months or weeks."""
    found = periods(plan.fiscal_year, plan.grain)
    quarters = sorted({quarter_of(key, first) for key, first, _after in found if first.year == plan.fiscal_year})
    return [(YEAR, _("Whole year")), *[(q, q) for q in quarters], *[(key, key) for key, _f, _a in found]]


def period_span(plan, choice):
    """(period keys, first day, day after the last) of a choice; ValueError for an unknown one."""
    found = periods(plan.fiscal_year, plan.grain)
    if choice == YEAR:
        chosen = found
    elif "-Q" in choice:
        chosen = [p for p in found if quarter_of(p[0], p[1]) == choice]
    else:
        chosen = [p for p in found if p[0] == choice]
    if not chosen:
        raise ValueError(choice)
    return [p[0] for p in chosen], chosen[0][1], chosen[-1][2]


# --- Who sees which part of the tree -------------------------------------------------------------


def reach(user):
    """None (the whole tree) or the set of unit ids whose figures `user` may see (all / subtree /
    unit scope as granted; with the subordinates scope, the units they head); their own row always."""
    if not has_perm(user, TargetPlan, "view"):
        raise PermissionDenied
    scopes = granted_scopes(user, TargetPlan, "view")
    if Scope.ALL in scopes:
        return None
    units = set()
    if Scope.SUBTREE in scopes or Scope.UNIT in scopes:
        units |= set(unit_ids(user, with_subtree=Scope.SUBTREE in scopes))
    if Scope.SUBORDINATES in scopes:
        # A department head whose role reaches their reports: the units they head, as a whole.
        from org.models import OrgUnit

        units |= set(OrgUnit.objects.filter(manager=user).values_list("pk", flat=True))
    return units


def visible(node, units, user):
    if units is None:
        return True
    if node.employee is not None:
        return node.employee.pk == user.pk or node.unit.pk in units
    return node.unit.pk in units


def top_nodes(tree, units, user):
    """The highest nodes the user may see (the root for the CEO; a manager's unit; one's own row)."""
    if visible(tree, units, user):
        return [tree]
    found = []

    def visit(node):
        for child in node.children:
            if visible(child, units, user):
                found.append(child)
            else:
                visit(child)

    visit(tree)
    return found


@dataclass
class Row:
    node: object
    plan: Decimal
    actual: Decimal
    rank: int = 0

    @property
    def gap(self):
        return self.plan - self.actual

    @property
    def completion(self):
        return None if not self.plan else round(Decimal(self.actual) * 100 / self.plan, 1)


def find(tree, key):
    return next((node for node in walk(tree) if node.key == key), None)


def plan_vs_actual(user, plan, *, node_key=None, choice=YEAR):
    """(the node shown, its own Row, its children's Rows ranked, period keys, first day, last day)
    for `plan`; the node by key ("u", unit id) / ("p", employee id), default the user's top node.
    PermissionDenied without the targets grant, Http404 for a node outside the user's scope,
    ValueError for an unknown period."""
    from .services import node_cells

    keys, first, after = period_span(plan, choice)
    tree = build_tree(plan.org_unit)
    units = reach(user)
    tops = top_nodes(tree, units, user)
    node = find(tree, node_key) if node_key else (tops[0] if len(tops) == 1 else None)
    if node_key and (node is None or not visible(node, units, user)):
        raise Http404  # outside the user's scope: as for any record, it is not there for them
    shown = [child for child in node.children if visible(child, units, user)] if node is not None else tops
    # Only the figures on the page: the node's and its children's cells, and the actuals of the
    # rows that can reach them (the whole company's only for the CEO).
    wanted = [item.key for item in shown] + ([node.key] if node is not None else [])
    cells = node_cells(plan, [YEAR] if choice == YEAR else keys, wanted)
    measure = get_target_measure(plan.measure)
    start, end = datetimes(first, after)
    actuals = {}
    if measure:
        actuals = roll_up_tops(tops, actual_rows(measure, start, end, plan.product_line_id, within(tree, tops)))

    def row(item):
        values = cells.get(item.key, {})
        # The whole year is the year's figure (set by hand, it is ahead of its months until a rebalance).
        planned = values.get(YEAR, Decimal("0")) if choice == YEAR else \
            sum((values.get(key, Decimal("0")) for key in keys), Decimal("0"))
        return Row(item, planned, Decimal(actuals.get(item.key, 0)))

    children = [row(child) for child in shown]
    ranked = sorted(children, key=lambda r: (-(r.completion if r.completion is not None else -1), r.node.label))
    for position, item in enumerate(ranked, start=1):
        item.rank = position
    own = row(node) if node is not None else None
    return node, own, children, keys, first, after - datetime.timedelta(days=1)
