"""Sales benchmark: the funnel, the opportunity list and the kanban on 500,000 opportunities.

    scripts/bench.sh                   (runs it after the others)
    .venv/bin/python bench/sales.py [--opportunities 500000] [--runs 30] [--warmup 5]

Needs a database filled by `manage.py bench_dataset` or `bench_data` (DATABASE_URL; PostgreSQL): its org tree,
users and customers. Adds once (COPY, in batches) four product lines with a pipeline each, 20
competitors, win/loss reasons and `--opportunities` opportunities owned by the bench sellers and
department heads on their own customers, each with its stage history (StageChange: ~2.5 rows per
deal), a third with competitors; then times, DEBUG off, in-process:
  funnel       sales.reports.funnel.funnel() for a region manager (subtree scope), one pipeline,
               all time: permission look-ups, the stage list, the two aggregate queries
  funnel_sql   the floor: the same numbers from two hand-written SQL statements with the same
               visibility condition, through a raw cursor
  list         GET /sales/opportunities/ (the HTML list page, first 50 rows) for bench.seller,
               the region manager and bench.ceo
  kanban       GET /sales/opportunities/kanban/ of the funnel's pipeline for a department: as its
               head (subordinates scope) and as the CEO filtering on the department
Floor and candidate alternate (round robin), p50 / p95 / p99 are reported with the load average,
and the targets of issue 9 are checked: funnel ≤ 1.5 × its floor, list p95 ≤ 300 ms, kanban
p95 ≤ 300 ms. Results go to bench/results/sales.json. A benchmark, not a test: it checks only
that the funnel and its floor agree.
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
from floors import FUNNEL_REACHED_TAIL, opportunity_scope  # noqa: E402
from timing import figures, start_django  # noqa: E402  (bench/timing.py, beside this file)

start_django(BASE_DIR)

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from demo.datasets.sales import LINES  # noqa: E402
from demo.datasets.sales import build as build_opportunities  # noqa: E402
from org.demo import ensure_roles  # noqa: E402
from org.models import Employee, OrgUnit  # noqa: E402
from org.permissions import clear_cache  # noqa: E402
from sales.models import (  # noqa: E402
    Opportunity,
    OpportunityCompetitor,
    Pipeline,
    StageChange,
)
from sales.reports.funnel import funnel  # noqa: E402

TARGET_FUNNEL_OVER_FLOOR = 1.5
TARGET_P95_MS = 300.0


def build(total, seed=11):
    """The benchmark's opportunities (demo.datasets.sales, shared with `manage.py bench_dataset`)."""
    return build_opportunities(total, seed)


# -- the floor: the funnel's numbers in hand-written SQL ------------------------------------------

# The region manager's visibility, written by hand: their own deals, their region's units (the
# materialised path), and what shares, deal teams and account-team places give the people of the
# region (none in this data set, but the numbers must be the same). Membership look-ups run once
# as `= ANY(ARRAY(…))`, so each is an index condition of one BitmapOr.
FLOOR_SCOPE = opportunity_scope(
    "o.id, o.stage_id, o.amount, o.probability",
    "AND o.registration_status = 'registered' AND o.pipeline_id = %(pipeline)s")
FLOOR_CURRENT = FLOOR_SCOPE + """
SELECT stage_id, COUNT(*), SUM(amount), SUM(amount * probability) FILTER (WHERE probability IS NOT NULL),
       SUM(amount) FILTER (WHERE probability IS NULL)
FROM o GROUP BY stage_id
"""
FLOOR_REACHED = FLOOR_SCOPE + FUNNEL_REACHED_TAIL


def floor_funnel(user, unit, pipeline):
    params = {"uid": user.pk, "path": unit.path, "path_prefix": unit.path + ".%", "pipeline": pipeline.pk,
              "ct": ContentType.objects.get_for_model(Opportunity).pk}
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_CURRENT, params)
        current = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(FLOOR_REACHED, params)
        reached = dict(cursor.fetchall())
    return current, reached


def same_numbers(rows, floor):
    current, reached = floor
    for row in rows:
        count = current.get(row["stage"].pk, (0,))[0]
        if row["count"] != count or (row["reached"] is not None and row["reached"] != reached[row["stage"].pk]):
            return False
    return True


# -- timing ---------------------------------------------------------------------------------------



def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--opportunities", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "results" / "sales.json"))
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    if not Employee.objects.filter(username="bench.ceo").exists():
        sys.exit("No benchmark data: run `manage.py bench_dataset --size S|M` (or bench_data) first "
                 "(scripts/bench.sh does).")
    # The bench roles were made before the sales types may have existed: grant them now.
    ensure_roles(["executive", "region_manager", "branch_manager", "dept_manager", "seller"])
    build(args.opportunities)
    if args.build_only:
        return
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)

    region = OrgUnit.objects.filter(kind=OrgUnit.Kind.REGION, code__startswith="B-").order_by("code").first()
    region_manager = region.manager
    seller = Employee.objects.get(username="bench.seller")
    ceo = Employee.objects.get(username="bench.ceo")
    department = seller.unit
    head = department.manager
    pipeline = Pipeline.objects.get(product_line__code=LINES[0][0], is_active=True)

    def run_funnel():
        clear_cache(region_manager)  # as for a new request: permission look-ups included
        return funnel(region_manager, pipeline=pipeline)

    def run_floor():
        return floor_funnel(region_manager, region, pipeline)

    clients = {}
    for user in (seller, region_manager, ceo):
        clients[user.username] = Client()
        clients[user.username].force_login(user)

    def page(username):
        def get():
            response = clients[username].get("/sales/opportunities/", secure=True)
            assert response.status_code == 200, response.status_code
        return get

    for user in (head,):
        clients[user.username] = Client()
        clients[user.username].force_login(user)

    def kanban(username, query=""):
        def get():
            response = clients[username].get(f"/sales/opportunities/kanban/?pipeline={pipeline.pk}{query}", secure=True)
            assert response.status_code == 200, response.status_code
        return get

    targets = {
        "funnel (region manager)": run_funnel,
        "funnel floor SQL": run_floor,
        "list bench.seller": page("bench.seller"),
        "list region manager": page(region_manager.username),
        "list bench.ceo": page("bench.ceo"),
        "kanban department head": kanban(head.username),
        "kanban CEO, department filter": kanban("bench.ceo", f"&org_unit={department.pk}"),
    }
    if os.environ.get("SKIP_FLOOR") is None and not same_numbers(run_funnel(), run_floor()):
        sys.exit("The funnel and its hand-written SQL disagree.")
    load_before = os.getloadavg()
    for _ in range(args.warmup):
        for target in targets.values():
            target()
    samples = {name: [] for name in targets}
    for _ in range(args.runs):
        for name, target in targets.items():  # round robin: floor and candidate alternate
            started = time.perf_counter()
            target()
            samples[name].append(time.perf_counter() - started)
    results = {name: figures(values) for name, values in samples.items()}
    funnel_rows = run_funnel()
    visible = {
        "bench.seller": Opportunity.objects.visible_to(seller, "view").count(),
        "region manager": Opportunity.objects.visible_to(region_manager, "view").count(),
        "region manager, funnel pipeline": funnel_rows[0]["reached"],
        "department head": Opportunity.objects.visible_to(head, "view").filter(pipeline=pipeline).count(),
    }
    ratio = results["funnel (region manager)"]["p50_ms"] / results["funnel floor SQL"]["p50_ms"]
    checks = {
        "funnel p50 ≤ 1.5 × hand-written SQL p50": ratio <= TARGET_FUNNEL_OVER_FLOOR,
        **{f"{name} p95 ≤ 300 ms": results[name]["p95_ms"] <= TARGET_P95_MS
           for name in targets if name.startswith(("list", "kanban"))},
    }
    report = {
        "benchmark": "sales", "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "runs": args.runs, "warmup": args.warmup, "cpus": os.cpu_count(),
        "load_average": {"before": [round(x, 2) for x in load_before],
                         "after": [round(x, 2) for x in os.getloadavg()]},
        "dataset": {"opportunities": Opportunity.all_objects.count(), "stage_changes": StageChange.objects.count(),
                    "competitors_on_deals": OpportunityCompetitor.all_objects.count(), "visible": visible,
                    "region": region.name, "department": department.name},
        "results": results, "funnel_over_floor_p50": round(ratio, 2), "targets_met": checks,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"Sales, {args.runs} runs after {args.warmup} warm-up; {report['dataset']['opportunities']:,} opportunities, "
          f"{report['dataset']['stage_changes']:,} stage changes; {report['cpus']} CPUs, load average "
          f"{report['load_average']['before'][0]:.2f} → {report['load_average']['after'][0]:.2f}")
    print(f"visible: {visible}")
    print(f"{'target':<32}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'min ms':>9}")
    for name, values in results.items():
        print(f"{name:<32}{values['p50_ms']:>9.1f}{values['p95_ms']:>9.1f}{values['p99_ms']:>9.1f}"
              f"{values['min_ms']:>9.1f}")
    print(f"\n  funnel / floor (p50) {ratio:.2f}")
    for check, met in checks.items():
        print(f"  [{'ok' if met else 'MISS'}] {check}")
    print(f"\nWritten to {output}")


if __name__ == "__main__":
    main()
