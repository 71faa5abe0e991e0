"""Forecast accuracy (seed 001: 预测精度也在逐步提高): what the forecast said for a month 30, 60 and
90 days before it began, against what was then won, per level — so a manager sees whether
forecasting is getting better.

Snapshots are taken every night by the scheduled job `targets.forecast_snapshot` (the next three
months, every node of the tree). `forecast_as_of(day)` recomputes what the forecast would have said
on a past day from the stage history (each stage change records the amount and probability then);
the demo uses it to fill a year of snapshots. Deals still open today count at their current
expected close date, and deals closed since at the day they closed — the stage history does not
keep the expected date, so a back-filled snapshot is a little kinder than a real one."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from org.models import OrgUnit
from sales.models import Opportunity, StageChange

from .forecast import HUNDRED, calibrated_rates, month_figures, month_starts, pipeline_rows
from .models import ForecastSnapshot
from .selectors import actual_rows, datetimes, roll_up
from .tree import build_tree, walk

LEADS = (30, 60, 90)
# This month and the next three: a month's 90-day-ahead figure is in the snapshot of its fourth
# month before.
MONTHS = 4


def _root():
    return OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()


def _store(day, tree, per_month):
    rows = []
    for start, figures in per_month:
        for node in walk(tree):
            rows.append(ForecastSnapshot(taken_on=day, month=f"{start:%Y-%m}", org_unit=node.unit, employee=node.employee,
                                         weighted=figures.weighted.get(node.key, 0),
                                         calibrated=figures.calibrated.get(node.key, 0)))
    with transaction.atomic():
        ForecastSnapshot.objects.filter(taken_on=day, product_line__isnull=True).delete()
        ForecastSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def snapshot_take(day=None):
    """Today's forecast of this month and the next three, for every node; again the same day replaces it."""
    day = day or timezone.localdate()
    root = _root()
    if root is None:
        return 0
    tree = build_tree(root)
    rates = calibrated_rates()
    starts = month_starts(day, MONTHS)
    rows = pipeline_rows(starts[0], month_starts(starts[-1], 2)[1], rates)
    return _store(day, tree, [(start, month_figures(tree, rows.get(start, []))) for start in starts])


def forecast_as_of(day, tree=None):
    """[(month first day, MonthFigures)] as the forecast would have said on `day` (see above)."""
    tree = tree or build_tree(_root())
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
    rates = calibrated_rates(as_of=moment)
    open_then = (Opportunity.objects.filter(created_at__lte=moment, owner__isnull=False)
                 .filter(Q(closed_at__isnull=True) | Q(closed_at__gt=moment)))
    deals = {row["pk"]: row for row in open_then.values("pk", "owner_id", "owner__unit_id", "expected_close_date",
                                                        "closed_at")}
    last = {}
    for change in (StageChange.objects.filter(opportunity_id__in=list(deals), changed_at__lte=moment)
                   .order_by("opportunity_id", "changed_at", "pk")
                   .values("opportunity_id", "to_stage_id", "to_stage__forecast_category", "to_stage__kind", "amount",
                           "probability")):
        last[change["opportunity_id"]] = change
    result = []
    for start in month_starts(day, MONTHS):
        after = month_starts(start, 2)[1]
        rows = []
        for pk, deal in deals.items():
            change = last.get(pk)
            if change is None or change["to_stage__kind"] != "open":
                continue
            closes = timezone.localtime(deal["closed_at"]).date() if deal["closed_at"] else deal["expected_close_date"]
            if closes is None or not start <= closes < after:
                continue
            amount = change["amount"] or Decimal("0")
            rate = rates.get(change["to_stage_id"])
            weighted = amount * Decimal(change["probability"] or 0) / HUNDRED
            rows.append((deal["owner_id"], deal["owner__unit_id"], change["to_stage__forecast_category"], amount,
                         weighted, amount * rate.rate if rate else weighted))
        result.append((start, month_figures(tree, rows)))
    return result


def snapshots_backfill(days):
    """Snapshots for past `days` recomputed from the stage history (the demo's year of them)."""
    root = _root()
    if root is None:
        return 0
    tree = build_tree(root)
    return sum(_store(day, tree, forecast_as_of(day, tree)) for day in sorted(set(days)))


def backfill_days(today, months=12):
    """The days a year of accuracy needs: 30, 60 and 90 days before each of the last `months` months."""
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        starts.append(first)
    return sorted({start - datetime.timedelta(days=lead) for start in starts for lead in LEADS})


def accuracy(node, *, months=12, today=None, kind="weighted"):
    """[{month, actual, leads: {30: {forecast, error %}, …}}] for the last `months` full months of
    `node` (a targets.tree Node): the snapshot taken on the latest day at least `lead` days before the
    month began, against the won amount of the month."""
    from core.registry import get_target_measure

    today = today or timezone.localdate()
    first = today.replace(day=1)
    starts = []
    for _ in range(months):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        starts.append(first)
    starts.reverse()
    keys = [f"{start:%Y-%m}" for start in starts]
    snapshots = ForecastSnapshot.objects.filter(month__in=keys, product_line__isnull=True, org_unit=node.unit,
                                                employee=node.employee).order_by("taken_on")
    by_month = {}
    for snap in snapshots.values("month", "taken_on", kind):
        by_month.setdefault(snap["month"], []).append((snap["taken_on"], snap[kind]))
    measure = get_target_measure("won_amount")
    tree_cache = {}
    result = []
    for start, key in zip(starts, keys, strict=True):
        after = month_starts(start, 2)[1]
        begin, end = datetimes(start, after)
        if "tree" not in tree_cache:
            tree_cache["tree"] = build_tree(_root())
        actual = Decimal(roll_up(tree_cache["tree"], actual_rows(measure, begin, end, None)).get(node.key, 0))
        leads = {}
        for lead in LEADS:
            cutoff = start - datetime.timedelta(days=lead)
            said = [value for taken, value in by_month.get(key, []) if taken <= cutoff]
            forecast = said[-1] if said else None
            error = None
            if forecast is not None and actual:
                error = round((Decimal(forecast) - actual) * HUNDRED / actual, 1)
            leads[lead] = {"forecast": forecast, "error": error}
        result.append({"month": key, "actual": actual, "leads": leads})
    return result
