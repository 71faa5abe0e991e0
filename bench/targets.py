"""Targets benchmark: plan against actual for the whole tree and the HQ forecast, on the bench data.

    .venv/bin/python bench/targets.py [--runs 30] [--warmup 5]
    (DATABASE_URL: the PostgreSQL database `manage.py bench_data` filled, with bench/sales.py's
    500,000 opportunities; scripts/bench.sh)

Adds once a won-amount plan for this year over the whole company (1,000 users, 250 units),
decomposed by month down to every seller (timed). Then times, DEBUG off, in-process, floor and
candidate alternating in each round:
  plan vs actual, year     targets.selectors.plan_vs_actual(CEO, plan, "Y"): the tree, every cell of
                           the plan, the year's won deals grouped by owner and unit, rolled up
  plan vs actual, month    the same for one month
  its floor                the hand-written SQL of the same figures: the units and sellers (the
                           tree and its labels), the plan's cells and the won sums per (owner, unit
                           at the win), through a raw cursor
  figures page, CEO        GET /targets/plans/<id>/figures/ (the company's regions)
  HQ forecast              targets.forecast.forecast_table(CEO, 3 months): open deals of the three
                           months grouped by owner, unit and stage, rolled up, weighted with the
                           configured and the calibrated probabilities (the calibration is reused
                           for an hour: targets.forecast.current_rates)
  its floor                the hand-written SQL of the tree and of the open deals of the three months
                           grouped by month, owner, unit and category with the three sums
  forecast page, CEO       GET /targets/forecast/
  calibration              targets.forecast.calibrated_rates() over the stage history (hourly)
  its floor                the hand-written SQL of its counts
Targets (issue 11): each ≤ 1.5× its floor and p95 ≤ 300 ms. Results: bench/results/targets.json.
"""

import argparse
import datetime
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
from timing import figures, start_django  # noqa: E402  (bench/timing.py, beside this file)

start_django(BASE_DIR)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from org.demo import ensure_roles  # noqa: E402
from org.models import Employee, OrgUnit  # noqa: E402
from sales.models import Opportunity  # noqa: E402
from targets.forecast import calibrated_rates, forecast_table, month_starts  # noqa: E402
from targets.models import TargetPlan  # noqa: E402
from targets.selectors import plan_vs_actual  # noqa: E402
from targets.services import plan_decompose  # noqa: E402

TARGET_P95_MS = 300.0
TARGET_RATIO = 1.5

FLOOR_TREE = """
SELECT u.id, u.parent_id, u.path, u.name FROM org_orgunit u WHERE u.deleted_at IS NULL;
"""
FLOOR_PEOPLE = """
SELECT e.id, e.unit_id, e.last_name, e.first_name FROM org_employee e
WHERE e.is_active AND e.id IN (SELECT er.employee_id FROM org_employee_roles er JOIN org_rolepermission p
  ON p.role_id = er.role_id WHERE p.object_type = 'sales.opportunity' AND p.action = 'add' AND p.scope <> 'all');
"""
FLOOR_PLAN = """
SELECT c.org_unit_id, c.employee_id, SUM(c.value) FROM targets_targetcell c
WHERE c.plan_id = %(plan)s AND c.period = ANY(%(periods)s) GROUP BY 1, 2;
"""
FLOOR_WON = """
SELECT o.owner_id, COALESCE(o.closed_unit_id, o.org_unit_id), SUM(o.amount) FROM sales_opportunity o
WHERE o.status = 'won' AND o.deleted_at IS NULL AND o.closed_at >= %(start)s AND o.closed_at < %(end)s
GROUP BY 1, 2;
"""
FLOOR_PIPELINE = """
SELECT date_trunc('month', o.expected_close_date), o.owner_id, e.unit_id, s.forecast_category, SUM(o.amount),
       SUM(o.amount * COALESCE(o.probability, s.probability)), SUM(o.amount * r.rate)
FROM sales_opportunity o JOIN org_employee e ON e.id = o.owner_id JOIN sales_stage s ON s.id = o.stage_id
JOIN unnest(%(stages)s::bigint[], %(rates)s::numeric[]) AS r(stage_id, rate) ON r.stage_id = o.stage_id
WHERE o.status = 'open' AND o.deleted_at IS NULL AND o.expected_close_date >= %(start)s
  AND o.expected_close_date < %(end)s GROUP BY 1, 2, 3, 4;
"""
FLOOR_CALIBRATION = """
SELECT c.to_stage_id, o.status, COUNT(DISTINCT c.opportunity_id) FROM sales_stagechange c
JOIN sales_opportunity o ON o.id = c.opportunity_id
WHERE o.status IN ('won', 'lost') AND o.deleted_at IS NULL AND o.closed_at >= %(since)s AND o.closed_at < %(now)s
GROUP BY 1, 2;
"""


def ensure_plan(ceo, year):
    plan = TargetPlan.objects.filter(name="bench 全公司赢单目标", fiscal_year=year).first()
    if plan is not None:
        return plan, None
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    plan = TargetPlan.objects.create(name="bench 全公司赢单目标", fiscal_year=year, measure="won_amount", org_unit=root,
                                     total=Decimal("9000000000.00"), grain="month", created_by=ceo, updated_by=ceo)
    started = time.perf_counter()
    plan_decompose(plan=plan, actor=ceo, method="last_year")
    return plan, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "results" / "targets.json"))
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    if not Employee.objects.filter(username="bench.ceo").exists():
        sys.exit("No benchmark data: run `manage.py bench_data` first (scripts/bench.sh does).")
    ensure_roles(["executive", "region_manager", "branch_manager", "dept_manager", "seller"])
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    ceo = Employee.objects.get(username="bench.ceo")
    today = timezone.localdate()
    plan, decompose_seconds = ensure_plan(ceo, today.year)
    client = Client()
    client.force_login(ceo)
    tz = timezone.get_current_timezone()

    def aware(day):
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)

    year = {"plan": plan.pk, "periods": ["Y"], "start": aware(datetime.date(today.year, 1, 1)),
            "end": aware(datetime.date(today.year + 1, 1, 1))}
    month_key = f"{today:%Y-%m}"
    first = today.replace(day=1)
    after = month_starts(first, 2)[1]
    month = {"plan": plan.pk, "periods": [month_key], "start": aware(first), "end": aware(after)}
    starts = month_starts(today, 4)
    now = timezone.now()

    def floor_tree(cursor):
        # The labels and the shape the figures hang on: every unit, every seller.
        cursor.execute(FLOOR_TREE)
        cursor.fetchall()
        cursor.execute(FLOOR_PEOPLE)
        cursor.fetchall()

    def floor_plan(params):
        def run():
            with connection.cursor() as cursor:
                floor_tree(cursor)
                cursor.execute(FLOOR_PLAN, params)
                cursor.fetchall()
                cursor.execute(FLOOR_WON, params)
                cursor.fetchall()
        return run

    rates = calibrated_rates()
    stage_rates = {"stages": list(rates), "rates": [rate.rate for rate in rates.values()]}

    def floor_forecast():
        with connection.cursor() as cursor:
            floor_tree(cursor)
            cursor.execute(FLOOR_PIPELINE, {"start": starts[0], "end": starts[3], **stage_rates})
            cursor.fetchall()

    def floor_calibration():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_CALIBRATION, {"since": now - datetime.timedelta(days=730), "now": now})
            cursor.fetchall()

    def get(url):
        def run():
            response = client.get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
        return run

    targets = {
        "plan vs actual, year (CEO)": lambda: plan_vs_actual(ceo, plan, choice="Y"),
        "plan vs actual floor, year": floor_plan(year),
        "plan vs actual, month (CEO)": lambda: plan_vs_actual(ceo, plan, choice=month_key),
        "plan vs actual floor, month": floor_plan(month),
        "figures page, CEO": get(f"/targets/plans/{plan.pk}/figures/"),
        "HQ forecast, 3 months (CEO)": lambda: forecast_table(ceo, count=3),
        "HQ forecast floor": floor_forecast,
        "forecast page, CEO": get("/targets/forecast/"),
    }
    # Computed at most hourly (targets.forecast.current_rates), timed on its own afterwards: it reads
    # the 1.45 million stage changes, which pushes the other queries' pages out of PostgreSQL's
    # buffers and would slow whichever target ran next.
    calibration = {"calibration": lambda: calibrated_rates(), "calibration floor": floor_calibration}
    load_before = os.getloadavg()
    samples = {name: [] for name in (*targets, *calibration)}
    for group in (targets, calibration):
        for _ in range(args.warmup):
            for target in group.values():
                target()
        for _ in range(args.runs):
            for name, target in group.items():
                started = time.perf_counter()
                target()
                samples[name].append(time.perf_counter() - started)
    results = {name: figures(values) for name, values in samples.items()}
    pairs = {"plan vs actual, year (CEO)": "plan vs actual floor, year",
             "plan vs actual, month (CEO)": "plan vs actual floor, month",
             "HQ forecast, 3 months (CEO)": "HQ forecast floor", "calibration": "calibration floor"}
    ratios = {name: round(results[name]["p50_ms"] / results[floor]["p50_ms"], 2) for name, floor in pairs.items()}
    checks = {}
    for name, ratio in ratios.items():
        checks[f"{name} ≤ {TARGET_RATIO}× floor"] = ratio <= TARGET_RATIO
    for name in ("plan vs actual, year (CEO)", "plan vs actual, month (CEO)", "HQ forecast, 3 months (CEO)",
                 "figures page, CEO", "forecast page, CEO"):
        checks[f"{name} p95 ≤ 300 ms"] = results[name]["p95_ms"] <= TARGET_P95_MS
    dataset = {"users": Employee.objects.count(), "units": OrgUnit.objects.count(),
               "opportunities": Opportunity.all_objects.count(), "plan cells": plan.cells.count(),
               "decomposition seconds": round(decompose_seconds, 2) if decompose_seconds else "built before"}
    report = {"benchmark": "targets", "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
              "runs": args.runs, "warmup": args.warmup, "cpus": os.cpu_count(),
              "load_average": {"before": [round(x, 2) for x in load_before],
                               "after": [round(x, 2) for x in os.getloadavg()]},
              "dataset": dataset, "results": results, "ratios_p50": ratios, "targets_met": checks}
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"Targets, {args.runs} runs after {args.warmup} warm-up; {dataset}; load average "
          f"{report['load_average']['before'][0]:.2f} → {report['load_average']['after'][0]:.2f}")
    print(f"{'target':<34}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'min ms':>9}")
    for name, values in results.items():
        print(f"{name:<34}{values['p50_ms']:>9.1f}{values['p95_ms']:>9.1f}{values['p99_ms']:>9.1f}"
              f"{values['min_ms']:>9.1f}")
    for name, ratio in ratios.items():
        print(f"  ratio {name}: {ratio}× its floor")
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'MISS'}] {name}")
    print(f"\nWritten to {output}")


if __name__ == "__main__":
    main()
