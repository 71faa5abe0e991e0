"""Activities benchmark: the week calendar and the activity list on millions of activities.

    .venv/bin/python bench/activities.py [--activities 10000000] [--runs 30] [--warmup 5]
    (DATABASE_URL: the PostgreSQL database `manage.py bench_data` filled; scripts/bench.sh)

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
  team reports       GET /activities/daily-reports/ (the manager's team page, this week) as the head
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
import random
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("KEDAO_VAR_DIR", str(BASE_DIR / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedao.settings")

import django  # noqa: E402
from timing import figures  # noqa: E402  (bench/timing.py, beside this file)

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from activities.models import Activity  # noqa: E402
from customers.models import Customer  # noqa: E402
from org.demo import ensure_roles  # noqa: E402
from org.models import Employee, OrgUnit  # noqa: E402

TARGET_P95_MS = 300.0
BATCH = 100_000
SUBJECTS = {"call": ["电话回访", "确认需求", "跟进报价"], "visit": ["拜访客户", "技术交流", "现场勘察"],
            "meeting": ["方案评审会", "商务谈判"], "note": ["拜访记录"], "email": ["发送资料"],
            "task": ["准备方案", "发送报价", "更新联系人"]}
KINDS = ["call"] * 30 + ["visit"] * 25 + ["meeting"] * 8 + ["note"] * 10 + ["email"] * 7 + ["task"] * 20


def _columns(model):
    fields = list(model._meta.concrete_fields)
    return [f.column for f in fields], [f.attname for f in fields], {f.attname: f.get_default() for f in fields}


def _secondary_indexes(table):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE %s",
                       [table, "%_pkey"])
        return cursor.fetchall()


def build(total, seed=10):
    have = Activity.all_objects.filter(subject__startswith="B·").count()
    if have >= total:
        print(f"{have:,} benchmark activities present; nothing to build.")
        return
    # A smaller set built before is topped up (another seed: other rows, the same distribution).
    rng = random.Random(seed + have)
    owners = [e for e in Employee.objects.filter(username__startswith="bench.").select_related("unit")
              if e.unit is not None and e.unit.kind in (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.TEAM)]
    customers = {}
    for owner_id, customer_id in Customer.objects.values_list("owner_id", "pk").iterator(chunk_size=20_000):
        customers.setdefault(owner_id, []).append(customer_id)
    every = [pk for ids in customers.values() for pk in ids]
    people = [e.pk for e in owners]
    table = Activity._meta.db_table
    indexes = _secondary_indexes(table)
    columns, names, defaults = _columns(Activity)
    now = timezone.now()
    search_keys = {}
    started = time.monotonic()
    with connection.cursor() as cursor:
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        next_id = cursor.fetchone()[0] + 1
    weights = [rng.uniform(0.3, 3.0) for _ in owners]
    chosen = rng.choices(owners, weights=weights, k=total - have)
    joined = []
    for start in range(0, total - have, BATCH):
        rows = []
        for owner in chosen[start:start + BATCH]:
            kind = KINDS[rng.randrange(len(KINDS))]
            moment = now - datetime.timedelta(seconds=rng.uniform(-30 * 86400, 365 * 86400))
            moment = moment.replace(minute=rng.choice((0, 15, 30, 45)), second=0, microsecond=0)
            past = moment < now
            done = past and rng.random() < 0.85
            subject = "B·" + rng.choice(SUBJECTS[kind])
            if subject not in search_keys:
                search_keys[subject] = Activity(subject=subject).build_search_key()
            own = customers.get(owner.pk) or every
            values = {
                "id": next_id, "created_at": moment - datetime.timedelta(hours=rng.randint(1, 72)),
                "updated_at": moment, "created_by_id": owner.pk, "updated_by_id": owner.pk, "version": 1,
                "owner_id": owner.pk, "org_unit_id": owner.unit_id, "search_key": search_keys[subject],
                "kind": kind, "subject": subject, "customer_id": rng.choice(own),
                "starts_at": None if kind == "task" else moment,
                "ends_at": None if kind in ("task", "note", "email") else moment + datetime.timedelta(minutes=60),
                "due_at": moment if kind == "task" else None,
                "status": "done" if done else ("cancelled" if past and rng.random() < 0.3 else "planned"),
                "done_at": moment if done else None,
            }
            rows.append(tuple(values.get(name, defaults[name]) for name in names))
            if rng.random() < 0.05:
                joined.append((next_id, people[rng.randrange(len(people))]))
            next_id += 1
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        print(f"  {start + len(rows):,} activities, {time.monotonic() - started:.0f} s", flush=True)
    through = Activity.participants.through
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {through._meta.db_table} (activity_id, employee_id) FROM STDIN") as copy:
            for row in joined:
                copy.write_row(row)
        print(f"  rebuilding {len(indexes)} indexes…", flush=True)
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"ANALYZE {through._meta.db_table}")
    print(f"Built {total - have:,} activities ({total:,} in all) in {time.monotonic() - started:.0f} s.")


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
        sys.exit("No benchmark data: run `manage.py bench_data` first (scripts/bench.sh does).")
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
