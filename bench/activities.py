"""Activities benchmark: the week calendar and the activity list on millions of activities.

    .venv/bin/python bench/activities.py [--activities 10000000] [--runs 30] [--warmup 5]
    (DATABASE_URL: the PostgreSQL database `manage.py bench_dataset` or `bench_data` filled; scripts/bench.sh)

Adds once (COPY in batches, the table's secondary indexes dropped during the load and rebuilt
after, then ANALYZE) `--activities` activities over the last 365 days and the next 30, owned by
the bench sellers and department heads on their own customers — calls, visits, meetings, notes,
e-mails and tasks, 60 % done, 5 % with a participant — so that one seller has a few thousand.
Then times, DEBUG off, in-process with the test client:
  week seller        GET /activities/calendar/ (this week) as bench.seller
  week department    GET /activities/calendar/?unit=<department> as its head (the team calendar)
  list seller / CEO  GET /activities/ (first 50 rows)
  floor              the hand-written SQL of the seller's week: their own and joined activities
                     overlapping the week, through a raw cursor
  team reports       GET /activities/daily-reports/ (the manager's team page, this week) as the head:
                     as reloaded (today's rows fresh), and with ?refresh=1 (every row recounted)
  daily build        activities.daily.daily_reports_build(yesterday) for every seller, timed --builds
                     times (target ≤ 60 s on 10,000,000 activities and 1,000 sellers)
p50 / p95 / p99 with the load average; targets (issue 10): week calendar and team page p95 ≤ 300 ms,
daily reports for all sellers ≤ 60 s.
Results: bench/results/activities.json. A benchmark, not a test.
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
from timing import figures, start_django  # noqa: E402  (bench/timing.py, beside this file)

start_django(BASE_DIR)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from activities.models import Activity  # noqa: E402
from demo.datasets.activities import build as build_activities  # noqa: E402
from org.demo import ensure_roles  # noqa: E402
from org.models import Employee  # noqa: E402

TARGET_P95_MS = 300.0


def build(total, seed=10):
    """The benchmark's activities (demo.datasets.activities, shared with `manage.py bench_dataset`)."""
    return build_activities(total, seed)


FLOOR_WEEK = """
WITH mine AS (
    SELECT id FROM activities_activity
    WHERE owner_id = %(uid)s AND starts_at >= %(earliest)s AND starts_at < %(end)s
      AND (starts_at >= %(start)s OR ends_at > %(start)s)
    UNION
    SELECT id FROM activities_activity
    WHERE owner_id = %(uid)s AND starts_at IS NULL AND due_at >= %(start)s AND due_at < %(end)s
    UNION
    SELECT a.id FROM activities_activity a JOIN activities_activity_participants p ON p.activity_id = a.id
    WHERE p.employee_id = %(uid)s AND ((a.starts_at >= %(earliest)s AND a.starts_at < %(end)s
          AND (a.starts_at >= %(start)s OR a.ends_at > %(start)s))
          OR (a.starts_at IS NULL AND a.due_at >= %(start)s AND a.due_at < %(end)s))
)
SELECT a.id, a.kind, a.subject, a.starts_at, a.ends_at, a.due_at, a.status, a.owner_id
FROM activities_activity a JOIN mine ON mine.id = a.id
WHERE a.deleted_at IS NULL AND a.status <> 'cancelled'
ORDER BY a.starts_at, a.due_at, a.id
"""




def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--builds", type=int, default=3, help="times the daily reports are built")
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "results" / "activities.json"))
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    if not Employee.objects.filter(username="bench.ceo").exists():
        sys.exit("No benchmark data: run `manage.py bench_dataset --size S|M` (or bench_data) first "
                 "(scripts/bench.sh does).")
    ensure_roles(["executive", "region_manager", "branch_manager", "dept_manager", "seller"])
    build(args.activities)
    if args.build_only:
        return
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    seller = Employee.objects.get(username="bench.seller")
    ceo = Employee.objects.get(username="bench.ceo")
    department = seller.unit
    head = department.manager
    clients = {}
    for user in (seller, head, ceo):
        clients[user.username] = Client()
        clients[user.username].force_login(user)
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    tz = timezone.get_current_timezone()
    week = {"uid": seller.pk, "start": datetime.datetime.combine(monday, datetime.time.min, tzinfo=tz),
            "end": datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time.min, tzinfo=tz)}
    week["earliest"] = week["start"] - datetime.timedelta(days=62)

    def get(username, url):
        def run():
            response = clients[username].get(url, secure=True)
            assert response.status_code == 200, (url, response.status_code)
        return run

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_WEEK, week)
            return cursor.fetchall()

    targets = {
        "week calendar, seller": get(seller.username, "/activities/calendar/"),
        "week floor SQL, seller": floor,
        "team week calendar, department head": get(head.username, f"/activities/calendar/?unit={department.pk}"),
        "activity list, seller": get(seller.username, "/activities/"),
        "activity list, CEO": get(ceo.username, "/activities/"),
        "team daily reports page, department head": get(head.username, "/activities/daily-reports/?period=week"),
        # The worst case of that page: every row of today recounted ("Recount now", or the first view
        # after five minutes), not the reload that finds them fresh.
        "team daily reports recount, department head": get(head.username,
                                                           "/activities/daily-reports/?period=week&refresh=1"),
    }
    load_before = os.getloadavg()
    for _ in range(args.warmup):
        for target in targets.values():
            target()
    samples = {name: [] for name in targets}
    for _ in range(args.runs):
        for name, target in targets.items():
            started = time.perf_counter()
            target()
            samples[name].append(time.perf_counter() - started)
    results = {name: figures(values) for name, values in samples.items()}
    checks = {f"{name} p95 ≤ 300 ms": results[name]["p95_ms"] <= TARGET_P95_MS
              for name in targets if "calendar" in name or "team daily" in name}
    from activities.daily import daily_reports_build

    builds = []
    for _ in range(args.builds):
        started = time.perf_counter()
        written = daily_reports_build(today - datetime.timedelta(days=1))
        builds.append(time.perf_counter() - started)
    results["daily reports build, all sellers"] = {"seconds": [round(x, 2) for x in builds], "reports": written}
    checks["daily reports build ≤ 60 s"] = max(builds) <= 60
    dataset = {"activities": Activity.all_objects.count(),
               "seller's": Activity.all_objects.filter(owner=seller).count(),
               "seller's this week": len(floor()),
               "department's": Activity.all_objects.filter(org_unit=department).count()}
    report = {"benchmark": "activities", "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
              "runs": args.runs, "warmup": args.warmup, "cpus": os.cpu_count(),
              "load_average": {"before": [round(x, 2) for x in load_before],
                               "after": [round(x, 2) for x in os.getloadavg()]},
              "dataset": dataset, "results": results, "targets_met": checks}
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"Activities, {args.runs} runs after {args.warmup} warm-up; {dataset}; load average "
          f"{report['load_average']['before'][0]:.2f} → {report['load_average']['after'][0]:.2f}")
    print(f"{'target':<40}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'min ms':>9}")
    for name, values in results.items():
        if "p50_ms" not in values:
            print(f"{name:<40} {values}")
            continue
        print(f"{name:<40}{values['p50_ms']:>9.1f}{values['p95_ms']:>9.1f}{values['p99_ms']:>9.1f}"
              f"{values['min_ms']:>9.1f}")
    for check, met in checks.items():
        print(f"  [{'ok' if met else 'MISS'}] {check}")
    print(f"\nWritten to {output}")


if __name__ == "__main__":
    main()
