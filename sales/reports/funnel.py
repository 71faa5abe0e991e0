"""The sales funnel (销售漏斗): per stage of a pipeline, the deals in it now and how many got that far.

Definitions (docs/sales.md, "Funnel and reports"):
- The funnel counts the registered opportunities of one pipeline that the user may view, created
  in the period (a cohort: "the deals opened this quarter"), in the org unit's subtree and of the
  product line when given.
- **Now in stage**: count, amount and weighted amount (amount × the deal's probability, the
  stage's when the deal has none) of the deals whose current stage it is.
- **Reached**: a deal reached stage N when its stage history (sales.StageChange) or its current
  stage shows it in N or in a later open or won stage: skipping a stage passes through it. Lost
  stages are not steps: a lost deal reached the furthest stage it was in before.
- **Conversion N → N+1**: reached(N+1) / reached(N), the share of the deals that got to N which
  later got to N+1. The last step's conversion is the win rate of the deals that got that far.
Two queries, both aggregated in the database: the current stages grouped, and one row of
"reached" counts over the furthest stage of each deal.
"""

from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Greatest

from ..models import Pipeline, Stage, StageChange, StageKind
from ..selectors import default_pipeline
from .base import created_in, report_opportunities

STEP_KINDS = (StageKind.OPEN, StageKind.WON)
NOT_REACHED = -1
CENT = Decimal("0.01")
ZERO = Decimal("0")


def funnel_pipeline(pipeline=None, product_line=None):
    """The pipeline a funnel shows: the one asked for, else the product line's, else the default."""
    if pipeline is not None:
        return pipeline
    if product_line is not None:
        return default_pipeline(product_line)
    pipelines = Pipeline.objects.filter(is_active=True)
    return pipelines.filter(product_line__isnull=True).order_by("pk").first() or pipelines.order_by("name").first()


def funnel_opportunities(user, *, pipeline, org_unit=None, product_line=None, date_from=None, date_to=None):
    rows = report_opportunities(user, org_unit=org_unit, product_line=product_line).filter(pipeline=pipeline)
    return created_in(rows, date_from, date_to)


def reached_condition(stage):
    """Deals that reached `stage` (see the module's definition): the list's `reached_stage` filter."""
    if stage.kind not in STEP_KINDS:
        return Q(pk__in=[])
    later = {"to_stage__pipeline_id": stage.pipeline_id, "to_stage__order__gte": stage.order,
             "to_stage__kind__in": STEP_KINDS}
    entered = StageChange.objects.filter(opportunity=OuterRef("pk"), **later)
    return Q(pipeline_id=stage.pipeline_id) & (
        Exists(entered) | Q(stage__order__gte=stage.order, stage__kind__in=STEP_KINDS))


def funnel(user, *, org_unit=None, product_line=None, pipeline=None, date_from=None, date_to=None):
    """[{"stage", "name", "kind", "count", "amount", "weighted", "reached", "conversion"}] per stage
    of the pipeline in order (lost stages last, with reached and conversion None); see the module
    docstring for the definitions. Empty when there is no pipeline."""
    pipeline = funnel_pipeline(pipeline, product_line)
    if pipeline is None:
        return []
    stages = list(Stage.objects.filter(pipeline=pipeline).order_by("order", "pk"))
    rows = funnel_opportunities(user, pipeline=pipeline, org_unit=org_unit, product_line=product_line,
                                date_from=date_from, date_to=date_to).order_by()
    # 1. Deals now in each stage. The weighted amount needs the stage's probability for deals
    # without their own: summed apart and weighted below (no join, a handful of stages).
    current = {
        row["stage_id"]: row for row in rows.values("stage_id").annotate(
            deals=Count("pk"), total=Sum("amount"),
            own=Sum(F("amount") * F("probability"), filter=Q(probability__isnull=False),
                    output_field=DecimalField(max_digits=24, decimal_places=2)),
            default=Sum("amount", filter=Q(probability__isnull=True)))
    }
    # 2. The furthest open or won stage each deal was ever in (history or now), then how many
    # deals got at least as far as each step: one row, counted in the database.
    steps = [stage for stage in stages if stage.kind in STEP_KINDS]
    reached = {}
    if steps:
        # Stage → order as CASE over the few stage ids of this pipeline: no join to the stages,
        # and a deal's history outside them (another pipeline, lost stages) maps to nothing.
        def order_of(field):
            return Case(*(When(**{field: stage.pk}, then=Value(stage.order)) for stage in steps),
                        default=Value(NOT_REACHED), output_field=IntegerField())

        furthest = rows.annotate(furthest=Greatest(Max(order_of("stage_changes__to_stage_id")),
                                                   Max(order_of("stage_id"))))
        counts = furthest.aggregate(**{f"s{stage.pk}": Count("pk", filter=Q(furthest__gte=stage.order))
                                       for stage in steps})
        reached = {stage.pk: counts[f"s{stage.pk}"] or 0 for stage in steps}
    result = []
    for stage in [*steps, *(stage for stage in stages if stage.kind not in STEP_KINDS)]:
        now = current.get(stage.pk, {})
        amount = now.get("total") or Decimal("0")
        weighted = ((now.get("own") or ZERO) + (now.get("default") or ZERO) * stage.probability) / 100
        result.append({"stage": stage, "name": stage.name, "kind": stage.kind, "count": now.get("deals", 0),
                       "amount": Decimal(amount).quantize(CENT),
                       "weighted": Decimal(weighted).quantize(CENT),
                       "reached": reached.get(stage.pk), "conversion": None, "pipeline": pipeline})
    for index, row in enumerate(result[:len(steps) - 1]):
        following = result[index + 1]["reached"]
        row["conversion"] = following / row["reached"] if row["reached"] else None
    return result
