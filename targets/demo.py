"""Targets' part of `manage.py demo_data` (after sales and activities: it reads their history):
this year's won-amount plan for the whole company, set about 10 % above the pace of the deals won
so far and decomposed down to every seller and month (the product managers' department set to zero
by hand and the rest rebalanced), locked; next year's plan as a draft,
decomposed by this year's actual shares and seasonality; and a weekly visits plan.

Idempotent: nothing happens when a plan exists."""

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.utils import timezone

from org.models import Employee, OrgUnit
from sales.models import Opportunity

from .models import TargetPlan
from .services import plan_decompose, plan_lock, plan_rebalance, plan_set_figure


def _rounded(value, step=Decimal("10000")):
    return (Decimal(value) / step).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * step


def build(ctx):
    if TargetPlan.all_objects.exists():
        return
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    actor = Employee.objects.filter(is_superuser=True).order_by("pk").first()
    if root is None or actor is None:
        return
    today = timezone.localdate()
    year = today.year
    start = timezone.make_aware(timezone.datetime(year, 1, 1))
    won = Opportunity.objects.filter(status="won", closed_at__gte=start).aggregate(total=Sum("amount"))["total"] or 0
    elapsed = max(Decimal((today - today.replace(month=1, day=1)).days + 1) / Decimal(365), Decimal("0.1"))
    pace = Decimal(won) / elapsed
    this_year = TargetPlan.objects.create(
        name=f"{year} 年全公司赢单目标", fiscal_year=year, measure="won_amount", org_unit=root,
        total=max(_rounded(pace * Decimal("1.1")), Decimal("1000000")), grain="month",
        notes="年初按各大区平均分解，已锁定。", created_by=actor, updated_by=actor)
    plan_decompose(plan=this_year, actor=actor)
    # The product managers sell with the regions (account teams) and carry no target of their own:
    # set to zero by hand, and the regions share the rest — the grid's "by hand, then rebalance".
    for unit in OrgUnit.objects.filter(code="HQ-PM"):
        plan_set_figure(plan=this_year, actor=actor, unit=unit, value=0)
        plan_rebalance(plan=this_year, actor=actor)
    plan_lock(plan=this_year, actor=actor)
    next_year = TargetPlan.objects.create(
        name=f"{year + 1} 年全公司赢单目标（草案）", fiscal_year=year + 1, measure="won_amount", org_unit=root,
        total=max(_rounded(pace * Decimal("1.25")), Decimal("1000000")), grain="month",
        notes="按今年各单位实际占比与季节性分解，待审定。", created_by=actor, updated_by=actor)
    # "Last year" of next year's plan is this year: its shares and months.
    plan_decompose(plan=next_year, actor=actor, method="last_year", time_method="last_year")
    visits = TargetPlan.objects.create(
        name=f"{year} 年拜访量目标", fiscal_year=year, measure="visits", org_unit=root, total=Decimal("24000"),
        grain="week", notes="每位销售每周约 3 次拜访。", created_by=actor, updated_by=actor)
    plan_decompose(plan=visits, actor=actor)
    ctx.created["target plans"] = (3, 3)
    # A year of what the forecast said (recomputed from the stage history) for the accuracy chart,
    # tonight's snapshot, and this month's commits from the sellers of one department.
    from .accuracy import backfill_days, snapshot_take, snapshots_backfill

    snapshots_backfill(backfill_days(today))
    snapshot_take(today)
    _forecast_entries(ctx, today)


def _forecast_entries(ctx, today):
    from .forecast import month_starts
    from .models import ForecastEntry

    rng = ctx.gen.seeded(ctx.options["seed"] + 60) if ctx.gen else None
    month = f"{month_starts(today, 1)[0]:%Y-%m}"
    pipeline = {row["owner_id"]: row["total"] for row in Opportunity.objects.filter(status="open", owner__isnull=False)
                .values("owner_id").annotate(total=Sum("amount")).order_by()}
    sellers = Employee.objects.filter(pk__in=list(pipeline), is_active=True, unit__isnull=False).order_by("pk")[:40]
    entries = []
    for seller in sellers:
        share = Decimal(rng.choice((15, 20, 25, 30))) / 100 if rng else Decimal("0.2")
        commit = _rounded(pipeline[seller.pk] * share, Decimal("1000"))
        entries.append(ForecastEntry(month=month, org_unit_id=seller.unit_id, employee=seller, commit=commit,
                                     best_case=_rounded(commit * Decimal("1.6"), Decimal("1000")),
                                     note="重点推进商务谈判阶段的项目。", author=seller))
    ForecastEntry.objects.bulk_create(entries)
