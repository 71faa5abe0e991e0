"""Target plan workflows: decompose a plan down the tree and over time, set a figure by hand,
rebalance a unit's figure over its children, lock and unlock. Each runs in one transaction,
checks the actor's rights on the stored plan and writes the audit trail (core.services)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core.models import ObjectChange
from core.services import check_allowed, log_change

from .models import PlanStatus, TargetCell, TargetPlan
from .split import YEAR, periods, split_exactly
from .tree import build_tree, walk

METHODS = ("equal", "last_year")
# Over time also "manual": the plan's own months (or weeks) as set by hand (plan_set_months).
TIME_METHODS = ("equal", "last_year", "manual")
MAX_VALUE = Decimal("99999999999999.99")


def split_matrix(row_totals, column_totals):
    """Cells [row][column], each a multiple of 0.01, whose rows add up to `row_totals` and whose
    columns add up to `column_totals` exactly (both lists add up to the same figure). Row by row,
    each row split in proportion to what the columns still need; the last row takes the rest —
    shares below a column's remainder never round above it, so nothing goes negative."""
    remaining = list(column_totals)
    rows = []
    for index, total in enumerate(row_totals):
        if index == len(row_totals) - 1:
            rows.append(list(remaining))
            break
        row = split_exactly(total, remaining) if sum(remaining) else [Decimal("0.00")] * len(remaining)
        remaining = [left - part for left, part in zip(remaining, row, strict=True)]
        rows.append(row)
    return rows


# A change of these leaves the decomposition meaningless: its cells go, and the plan is decomposed again.
SHAPE_FIELDS = ("fiscal_year", "grain", "org_unit_id", "measure", "product_line_id")


def targetplan_save(*, instance, actor, expected_version=None, save_m2m=None, fields=None):
    """Create or edit a plan (pages and API): a locked plan refuses every change; a new year, time
    split, unit, measure or product line clears the old decomposition."""
    from core.services import object_save

    with transaction.atomic():
        stored = TargetPlan.objects.select_for_update().filter(pk=instance.pk).first() if instance.pk else None
        if stored is not None and stored.status == PlanStatus.LOCKED:
            raise ValidationError(_("The plan is locked: unlock it to change it."))
        saved = object_save(instance=instance, actor=actor, expected_version=expected_version, save_m2m=save_m2m,
                            fields=fields)
        if stored is not None and any(getattr(stored, name) != getattr(saved, name) for name in SHAPE_FIELDS):
            saved.cells.all().delete()
        return saved


def _check_open(plan, actor):
    check_allowed(instance=plan, actor=actor, action="change")
    if plan.status == PlanStatus.LOCKED:
        raise ValidationError(_("The plan is locked: unlock it to change its figures."))


def _last_year(plan, tree):
    """{node key: last fiscal year's actual} and the root's actual per period of last year."""
    from core.registry import get_target_measure

    from .selectors import actual_rows, datetimes, roll_up

    measure = get_target_measure(plan.measure)
    previous = periods(plan.fiscal_year - 1, plan.grain)
    start, end = datetimes(previous[0][1], previous[-1][2])
    totals = roll_up(tree, actual_rows(measure, start, end, plan.product_line_id))
    seasonal = []
    for _key, first, after in previous:
        start, end = datetimes(first, after)
        seasonal.append(roll_up(tree, actual_rows(measure, start, end, plan.product_line_id)).get(tree.key, 0))
    return totals, seasonal


def _fill(plan, node, year_value, period_values, weights_of, keep=None):
    """Cells of `node` and, recursively, of its children: the year figure split over the children
    (`weights_of(child)`, or the kept manual figures), each child's periods by split_matrix."""
    cells = [TargetCell(plan=plan, org_unit=node.unit, employee=node.employee, period=YEAR, value=year_value,
                        manual=bool(keep and node.key in keep))]
    cells += [TargetCell(plan=plan, org_unit=node.unit, employee=node.employee, period=key, value=value)
              for (key, _first, _after), value in zip(periods(plan.fiscal_year, plan.grain), period_values,
                                                      strict=True)]
    if not node.children:
        return cells
    keep = keep or {}
    fixed = {child.key: keep[child.key] for child in node.children if child.key in keep}
    free = [child for child in node.children if child.key not in fixed]
    left = year_value - sum(fixed.values(), Decimal("0"))
    if left < 0:
        raise ValidationError(_("The figures set by hand under %(name)s add up to more than its %(value)s.")
                              % {"name": node.label, "value": year_value})
    shares = dict(zip([child.key for child in free], split_exactly(left, [weights_of(child) for child in free]),
                      strict=True)) if free else {}
    if not free and left:
        raise ValidationError(_("The figures set by hand under %(name)s leave %(left)s unassigned.")
                              % {"name": node.label, "left": left})
    values = [fixed.get(child.key, shares.get(child.key, Decimal("0"))) for child in node.children]
    matrix = split_matrix(values, period_values)
    for child, value, row in zip(node.children, values, matrix, strict=True):
        cells += _fill(plan, child, value, row, weights_of, keep)
    return cells


def _root_periods(plan):
    """{period: value} of the plan's own cells (its unit, no person), the year left out."""
    return dict(plan.cells.filter(org_unit=plan.org_unit, employee__isnull=True).exclude(period=YEAR)
                .values_list("period", "value"))


def plan_decompose(*, plan, actor, method="equal", time_method="equal", _current=False):
    """Rewrite every figure of `plan` from its total: down the tree by equal parts or by last
    year's actual shares (`method`), over the periods equally, by last year's seasonality or as its
    months were set by hand (`time_method`); figures set by hand are kept. Parts add up to their
    parent exactly."""
    if method not in METHODS:
        raise ValidationError({"method": [_("Choose equal parts or last year's shares.")]})
    if time_method not in TIME_METHODS:
        raise ValidationError({"time_method": [_("Choose equal parts, last year's seasonality or the months set by "
                                                 "hand.")]})
    with transaction.atomic():
        plan = TargetPlan.objects.select_for_update().get(pk=plan.pk)
        _check_open(plan, actor)
        tree = build_tree(plan.org_unit)
        totals, seasonal = _last_year(plan, tree) if "last_year" in (method, time_method) else ({}, [])
        keys = [key for key, _first, _after in periods(plan.fiscal_year, plan.grain)]
        if time_method == "manual":
            own = _root_periods(plan)
            given = sum(own.values(), Decimal("0"))
            if set(own) != set(keys) or given != plan.total:
                raise ValidationError({"time_method": [
                    _("The months set by hand add up to %(given)s, not the target %(total)s.")
                    % {"given": given, "total": plan.total}]})
            period_values = [own[key] for key in keys]
        elif _current:
            # A rebalance keeps the plan's current time split (scaled if the target changed).
            own = _root_periods(plan)
            period_values = split_exactly(plan.total, [own.get(key, 0) for key in keys])
        else:
            period_values = split_exactly(plan.total, seasonal if time_method == "last_year" else [1] * len(keys))
        year_cells = {(("p", c.employee_id) if c.employee_id else ("u", c.org_unit_id)): c
                      for c in plan.cells.filter(period=YEAR)}
        keep = {key: cell.value for key, cell in year_cells.items() if cell.manual}
        keep.pop(tree.key, None)

        def weights_of(child):
            if _current:
                return year_cells[child.key].value if child.key in year_cells else 0
            return totals.get(child.key, 0) if method == "last_year" else 1

        cells = _fill(plan, tree, plan.total, period_values, weights_of, keep)
        # Months set by hand stay marked while the plan follows them (by hand, or a rebalance).
        hand_months = set(plan.cells.filter(org_unit=plan.org_unit, employee__isnull=True, manual=True)
                          .exclude(period=YEAR).values_list("period", flat=True)) \
            if time_method == "manual" or _current else set()
        for cell in cells:
            if cell.employee_id is None and cell.org_unit_id == plan.org_unit_id and cell.period in hand_months:
                cell.manual = True
        plan.cells.all().delete()
        TargetCell.objects.bulk_create(cells, batch_size=2000)
        log_change(instance=plan, action=ObjectChange.Action.UPDATE, actor=actor, prechange={"decomposition": None},
                   postchange={"decomposition": _("%(method)s down the tree, %(time)s over time; %(kept)s set by hand")
                               % {"method": "current" if _current else method,
                                  "time": "current" if _current else time_method, "kept": len(keep)}})
        return plan


def plan_set_months(*, plan, actor, values):
    """Set the plan's own figures per month (or week) by hand: `values` {period: amount}. The
    target does not change; the page shows what the months leave unassigned until they add up,
    and a decomposition "as set by hand" then follows them down the tree."""
    with transaction.atomic():
        plan = TargetPlan.objects.select_for_update().get(pk=plan.pk)
        _check_open(plan, actor)
        keys = [key for key, _first, _after in periods(plan.fiscal_year, plan.grain)]
        cells = {cell.period: cell for cell in plan.cells.filter(org_unit=plan.org_unit, employee__isnull=True)
                 .exclude(period=YEAR)}
        if not cells:
            raise ValidationError({"value": [_("Decompose the plan first.")]})
        errors, changed = {}, []
        for key, raw in values.items():
            if key not in keys:
                errors[key] = [_("Not a period of this plan.")]
                continue
            try:
                value = Decimal(str(raw).replace(",", "").strip()).quantize(Decimal("0.01"))
            except ArithmeticError:
                errors[key] = [_("Enter a number.")]
                continue
            if value < 0 or value > MAX_VALUE:
                errors[key] = [_("Enter an amount from 0 to %(max)s.") % {"max": MAX_VALUE}]
                continue
            cell = cells[key]
            if cell.value != value or not cell.manual:
                changed.append((key, cell.value, value))
                cell.value, cell.manual = value, True
                cell.save(update_fields=["value", "manual"])
        if errors:
            raise ValidationError(errors)
        if changed:
            log_change(instance=plan, action=ObjectChange.Action.UPDATE, actor=actor,
                       prechange={"months": {key: str(before) for key, before, _after in changed}},
                       postchange={"months": {key: str(after) for key, _before, after in changed}})
        return len(changed)


def plan_set_figure(*, plan, actor, unit, employee=None, value):
    """Set one unit's or person's year figure by hand (kept by later decompositions); the parent's
    figure does not change: the grid shows the remainder until the parent is rebalanced."""
    try:
        value = Decimal(str(value).replace(",", "").strip()).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise ValidationError({"value": [_("Enter a number.")]}) from None
    if value < 0 or value > MAX_VALUE:
        raise ValidationError({"value": [_("Enter an amount from 0 to %(max)s.") % {"max": MAX_VALUE}]})
    with transaction.atomic():
        plan = TargetPlan.objects.select_for_update().get(pk=plan.pk)
        _check_open(plan, actor)
        cell = plan.cells.filter(period=YEAR, org_unit=unit, employee=employee).first()
        if cell is None:
            raise ValidationError({"value": [_("Decompose the plan first.")]})
        if cell.org_unit_id == plan.org_unit_id and employee is None:
            raise ValidationError({"value": [_("Change the plan's target instead.")]})
        before = cell.value
        cell.value, cell.manual = value, True
        cell.save(update_fields=["value", "manual"])
        log_change(instance=plan, action=ObjectChange.Action.UPDATE, actor=actor,
                   prechange={"figure": f"{employee or unit}: {before}"},
                   postchange={"figure": f"{employee or unit}: {value}"})
        return cell


def plan_rebalance(*, plan, actor):
    """Split every level again so that it adds up exactly: the figures set by hand are kept, the
    others keep their current proportions, and the plan keeps its current time split."""
    return plan_decompose(plan=plan, actor=actor, _current=True)


def plan_lock(*, plan, actor, locked=True):
    with transaction.atomic():
        plan = TargetPlan.objects.select_for_update().get(pk=plan.pk)
        check_allowed(instance=plan, actor=actor, action="change")
        status = PlanStatus.LOCKED if locked else PlanStatus.DRAFT
        if plan.status != status:
            before = plan.status
            plan.status = status
            plan.version += 1
            plan.save(update_fields=["status", "version", "updated_at"])
            log_change(instance=plan, action=ObjectChange.Action.UPDATE, actor=actor, prechange={"status": before},
                       postchange={"status": status})
        return plan


def node_cells(plan, periods=None, keys=None):
    """{node key: {period: value}} of the plan, for `periods` and the node `keys` ("u"/"p", id) only
    when given (one query, plain rows: a year of a 1,000-person company is 16,000 cells)."""
    cells = plan.cells.all()
    if periods is not None:
        cells = cells.filter(period__in=list(periods))
    if keys is not None:
        people = [pk for kind, pk in keys if kind == "p"]
        units = [pk for kind, pk in keys if kind == "u"]
        cells = cells.filter(Q(employee_id__in=people) | Q(employee__isnull=True, org_unit_id__in=units))
    found = {}
    for unit_id, employee_id, period, value in cells.values_list("org_unit_id", "employee_id", "period", "value"):
        key = ("p", employee_id) if employee_id else ("u", unit_id)
        found.setdefault(key, {})[period] = value
    return found


def manual_keys(plan):
    return {("p", c.employee_id) if c.employee_id else ("u", c.org_unit_id)
            for c in plan.cells.filter(period=YEAR, manual=True)}


__all__ = ["plan_decompose", "plan_set_figure", "plan_rebalance", "plan_lock", "split_matrix", "walk"]


# --- Forecast submissions and adjustments ----------------------------------------------------------


def _forecast_figures(month, commit, best_case, note):
    import re

    errors = {}
    if not re.fullmatch(r"20\d\d-(0[1-9]|1[0-2])", str(month or "")):
        errors["month"] = [_("Give the month as YYYY-MM.")]
    values = {}
    for name, raw in (("commit", commit), ("best_case", best_case)):
        try:
            value = Decimal(str(raw).replace(",", "").strip()).quantize(Decimal("0.01"))
        except ArithmeticError:
            errors[name] = [_("Enter a number.")]
            continue
        if value < 0 or value > MAX_VALUE:
            errors[name] = [_("Enter an amount from 0 to %(max)s.") % {"max": MAX_VALUE}]
        values[name] = value
    if not errors and values["best_case"] < values["commit"]:
        errors["best_case"] = [_("The best case is at least the commit.")]
    if errors:
        raise ValidationError(errors)
    return values["commit"], values["best_case"], " ".join(str(note or "").split())[:500]


def forecast_submit(*, actor, month, commit, best_case, note=""):
    """A seller's own commit and best case for `month` (a new entry; the earlier ones stay)."""
    from .models import ForecastEntry
    from .selectors import reach

    commit, best_case, note = _forecast_figures(month, commit, best_case, note)
    reach(actor)  # PermissionDenied without the targets grant
    if actor.unit_id is None:
        raise ValidationError({"month": [_("You belong to no unit.")]})
    return ForecastEntry.objects.create(month=month, org_unit_id=actor.unit_id, employee=actor, commit=commit,
                                        best_case=best_case, note=note, author=actor)


def forecast_adjust(*, actor, unit, month, commit, best_case, note):
    """A manager's figures for a unit in their reach (they replace the sum of what is below it in
    the roll-up); the reason is required and kept with the earlier figures."""
    from django.core.exceptions import PermissionDenied

    from .models import ForecastEntry
    from .selectors import reach

    commit, best_case, note = _forecast_figures(month, commit, best_case, note)
    if not note:
        raise ValidationError({"note": [_("Say why you adjust the forecast.")]})
    units = reach(actor)
    if units is not None and unit.pk not in units:
        raise PermissionDenied
    return ForecastEntry.objects.create(month=month, org_unit=unit, employee=None, commit=commit,
                                        best_case=best_case, note=note, author=actor)
