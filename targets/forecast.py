"""Forecast of signings per month, per level (M5; seed 001: 预测未来三个月的签约): the weighted
pipeline with the configured stage probabilities, and beside it the pipeline weighted with
probabilities calibrated from the company's own history; the categories (commit, best case,
pipeline) the stages map to. Fixed queries whatever the size: open deals grouped by owner, unit and
stage in one query, the calibration in another, rolled up over the tree in Python.

Calibration: of the deals closed in the two years before `as_of` that reached a stage, the share
that was won — per stage (a stage belongs to one pipeline). Below MIN_SAMPLE closed deals the
stage's configured probability stands in, and the page says so."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, ExpressionWrapper, F, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear
from django.utils import timezone

from sales.models import Opportunity, Stage, StageChange
from sales.models.pipelines import ForecastCategory

MIN_SAMPLE = 20
HISTORY = datetime.timedelta(days=730)
HUNDRED = Decimal("100")


@dataclass
class Rate:
    stage: Stage
    configured: Decimal  # 0..1
    won: int = 0
    closed: int = 0

    @property
    def calibrated(self):
        return self.closed >= MIN_SAMPLE

    @property
    def rate(self):
        return Decimal(self.won) / Decimal(self.closed) if self.calibrated else self.configured


def calibrated_rates(as_of=None):
    """{stage id: Rate} for every open stage, from deals closed in [as_of − 2 years, as_of)."""
    as_of = as_of or timezone.now()
    rates = {stage.pk: Rate(stage, Decimal(stage.probability) / HUNDRED)
             for stage in Stage.objects.filter(kind="open").select_related("pipeline")}
    reached = (StageChange.objects.filter(opportunity__status__in=("won", "lost"), opportunity__deleted_at__isnull=True,
                                          opportunity__closed_at__gte=as_of - HISTORY,
                                          opportunity__closed_at__lt=as_of, to_stage_id__in=list(rates))
               .values("to_stage_id", "opportunity__status").annotate(n=Count("opportunity_id", distinct=True))
               .order_by())
    for row in reached:
        rate = rates[row["to_stage_id"]]
        rate.closed += row["n"]
        if row["opportunity__status"] == "won":
            rate.won += row["n"]
    return rates


RATES_FOR = 3600  # seconds the calibration is reused: it moves with deals closing, not by the minute


def current_rates():
    """calibrated_rates() as of now, computed at most once an hour per cache (the stage history of
    a large company is millions of rows: ~0.6 s on 500,000 deals); the nightly snapshot job
    computes it fresh."""
    from django.core.cache import cache

    key = f"targets:rates:{timezone.now():%Y%m%d%H}"
    rates = cache.get(key)
    if rates is None:
        rates = calibrated_rates()
        cache.set(key, rates, RATES_FOR)
    return rates


def month_starts(first, count):
    """The first days of `count` months from the month of `first`."""
    result, day = [], first.replace(day=1)
    for _ in range(count):
        result.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return result


@dataclass
class MonthFigures:
    """Per node key: the weighted and calibrated pipeline and the amount per forecast category."""

    weighted: dict = field(default_factory=dict)
    calibrated: dict = field(default_factory=dict)
    categories: dict = field(default_factory=dict)  # category -> {node key: amount}


def pipeline_rows(first_day, day_after, rates, product_line_id=None, within=None):
    """{first day of a month: [(owner, owner's unit, category, amount, weighted, calibrated)]} for the
    open deals expected to close in [first_day, day_after): one grouped query for all the months.
    Weighted: each deal's own probability, else its stage's; calibrated: the stage's rate from
    `rates` (calibrated_rates), summed by the database with a CASE over the stages. `within`
    (targets.selectors.Within): only the deals of those units' (and owners') people."""
    deals = Opportunity.objects.filter(status="open", expected_close_date__gte=first_day,
                                       expected_close_date__lt=day_after, owner__isnull=False)
    if product_line_id:
        deals = deals.filter(product_line_id=product_line_id)
    if within is not None:
        deals = deals.filter(owner__unit_id__in=list(within.units))
        if within.owners is not None:
            deals = deals.filter(owner_id__in=list(within.owners))
    money = DecimalField(max_digits=24, decimal_places=6)
    probability = Coalesce("probability", "stage__probability")
    rate = Case(*[When(stage_id=pk, then=Value(item.rate, output_field=money)) for pk, item in rates.items()],
                default=ExpressionWrapper(probability / Value(HUNDRED, output_field=money), output_field=money),
                output_field=money)
    # The month as two integers: a truncated date came back as a timestamp per row, parsed and
    # converted (5,700 rows for the company's three months on M: 25 ms of the 135).
    rows = (deals.annotate(year=ExtractYear("expected_close_date"), month=ExtractMonth("expected_close_date"))
            .values_list("year", "month", "owner_id", "owner__unit_id", "stage__forecast_category")
            .annotate(weighted=Sum(F("amount") * probability, output_field=money),
                      calibrated=Sum(F("amount") * rate, output_field=money), total=Sum("amount"))
            .order_by())
    by_month, firsts = {}, {}
    for year, number, owner_id, unit_id, category, weighted, calibrated, total in rows:
        month = firsts.get((year, number))
        if month is None:
            month = firsts[(year, number)] = datetime.date(year, number, 1)
        by_month.setdefault(month, []).append((owner_id, unit_id, category, total or Decimal("0"),
                                               (weighted or Decimal("0")) / HUNDRED, calibrated or Decimal("0")))
    return by_month


CATEGORIES = [value for value, _label in ForecastCategory.choices]


def month_figures(tops, rows):
    """MonthFigures of rows (owner, unit, category, amount, weighted, calibrated) rolled up over
    the subtrees of `tops` (nodes of targets.tree; a list, or one node) in one walk."""
    from .selectors import roll_up_tops, roll_up_vectors

    position = {category: 2 + index for index, category in enumerate(CATEGORIES)}
    width = 2 + len(CATEGORIES)
    vectors = []
    for owner_id, unit_id, category, amount, weighted, calibrated in rows:
        values = [weighted, calibrated] + [0] * len(CATEGORIES)
        if category in position:
            values[position[category]] = amount
        vectors.append((owner_id, unit_id, values))
    tops = tops if isinstance(tops, list) else [tops]
    totals = roll_up_tops(tops, vectors, lambda top, found: roll_up_vectors(top, found, width))
    figures = MonthFigures()
    for key, values in totals.items():
        figures.weighted[key], figures.calibrated[key] = values[0], values[1]
        for category, index in position.items():
            figures.categories.setdefault(category, {})[key] = values[index]
    return figures


# --- Submissions and adjustments ----------------------------------------------------------------


def latest_entries(months, within=None):
    """{(month, ("p", employee id) | ("u", unit id)): ForecastEntry}: the latest of each; with
    `within`, only those its units' nodes can show (the units' adjustments, their people's entries)."""
    from django.db.models import Q

    from .models import ForecastEntry

    entries = ForecastEntry.objects.filter(month__in=months)
    if within is not None:
        people = Q(employee__unit_id__in=list(within.units))
        if within.owners is not None:
            people &= Q(employee_id__in=list(within.owners))
        entries = entries.filter(people | Q(employee__isnull=True, org_unit_id__in=list(within.units)))
    latest = {}
    for entry in entries.order_by("created_at", "pk"):
        key = ("p", entry.employee_id) if entry.employee_id else ("u", entry.org_unit_id)
        latest[(entry.month, key)] = entry
    return latest


def submitted(tree, month, latest):
    """{node key: (commit, best case, adjusted?)} for `month`: a person's latest submission; a unit's
    latest adjustment by a manager, else the sum of what is below it."""
    totals = {}

    def visit(node):
        own = latest.get((month, node.key))
        if node.employee is not None:
            totals[node.key] = (own.commit, own.best_case, False) if own else (Decimal("0"), Decimal("0"), False)
            return totals[node.key]
        commit = best = Decimal("0")
        for child in node.children:
            child_commit, child_best, _adjusted = visit(child)
            commit += child_commit
            best += child_best
        totals[node.key] = (own.commit, own.best_case, True) if own else (commit, best, False)
        return totals[node.key]

    visit(tree)
    return totals


@dataclass
class ForecastRow:
    node: object
    months: list  # per month: dict(weighted, calibrated, commit, best_case, adjusted, categories)


def forecast_table(user, *, node_key=None, count=3, product_line_id=None, today=None):
    """(node, its own ForecastRow, its children's rows, month first days, rates) for the months from
    this one; PermissionDenied without the targets grant, Http404 for a node outside the user's reach
    (targets.selectors.reach)."""
    from django.http import Http404

    from .selectors import find, reach, roll_up_tops, top_nodes, visible, within
    from .tree import company_tree

    today = today or timezone.localdate()
    units = reach(user)
    tree = company_tree()
    starts = month_starts(today, count)
    if tree is None:
        return None, None, [], starts, {}
    tops = top_nodes(tree, units, user)
    node = find(tree, node_key) if node_key else (tops[0] if len(tops) == 1 else None)
    if node_key and (node is None or not visible(node, units, user)):
        raise Http404  # outside the user's scope
    rates = current_rates()
    # Only what the user's part of the tree can show: a seller's own deals, a manager's units'.
    limit = within(tree, tops)
    latest = latest_entries([f"{d:%Y-%m}" for d in starts], limit)
    rows = pipeline_rows(starts[0], month_starts(starts[-1], 2)[1], rates, product_line_id, limit)
    per_month = [(start, month_figures(tops, rows.get(start, [])),
                  roll_up_tops(tops, latest, lambda top, found, month=f"{start:%Y-%m}": submitted(top, month, found)))
                 for start in starts]

    def row(item):
        months = []
        for _start, figures, entries in per_month:
            commit, best, adjusted = entries.get(item.key, (Decimal("0"), Decimal("0"), False))
            months.append({"weighted": figures.weighted.get(item.key, 0), "calibrated": figures.calibrated.get(item.key, 0),
                           "commit": commit, "best_case": best, "adjusted": adjusted,
                           "categories": {key: values.get(item.key, 0) for key, values in figures.categories.items()}})
        return ForecastRow(item, months)

    shown = [child for child in node.children if visible(child, units, user)] if node is not None else tops
    return node, (row(node) if node is not None else None), [row(child) for child in shown], starts, rates
