"""Scoped list benchmark: the first page of the customer list, page and API, for three users.

    scripts/bench.sh                 (or: make bench)
    .venv/bin/python bench/scoped_list.py [--runs 30] [--warmup 5]

Needs a database filled by `manage.py bench_data` (DATABASE_URL; PostgreSQL). For bench.seller
(own + shares), bench.branch (a branch's subtree) and bench.ceo (all), it times in-process with
django.test.Client, DEBUG off:
  page  GET /customers/                  the HTML list page, default sort, 50 rows
  api   GET /api/customers/customers/    the JSON list, default sort, 50 rows
  orm   the API's query alone: permission look-ups, visible_to(), default sort, first page
  sql   the hand-written SQL of that first page with the same visibility filter, through a raw
        cursor (the floor: what the database needs, with no framework around it)
and reports p50/p95 and the ratios the project targets (docs/benchmarks.md). Results go to
bench/results/latest.json. A benchmark, not a test: it checks only that the four return the
same rows, in the same order.
"""

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
from timing import percentile, round_robin, start_django  # noqa: E402  (bench/timing.py, beside this file)

start_django(BASE_DIR)

import django  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from customers.models import Customer  # noqa: E402
from org.models import Employee  # noqa: E402
from org.permissions import clear_cache  # noqa: E402

USERS = ("bench.seller", "bench.branch", "bench.ceo")
TARGETS = ("page", "api", "orm", "sql")
PAGE_URL = "/customers/"
API_URL = "/api/customers/customers/"
PAGE_SIZE = 50
TARGET_SELLER_OVER_CEO = 1.5
TARGET_API_OVER_FLOOR = 2.0
TARGET_P95_MS = 300.0

# The columns the API returns, the owner's and unit's names and the tags: everything on the page.
FLOOR_SELECT = """
SELECT c.id, c.name, c.short_name, c.kind, c.credit_code, ind.code AS industry, ind.name AS industry_name,
       c.province, c.city, c.district, c.region_code, c.address, c.phone, c.website, c.level, c.source, c.notes, c.version, c.created_at, c.updated_at,
       c.owner_id, o.last_name || o.first_name AS owner_name, c.org_unit_id, u.name AS org_unit_name,
       ARRAY(SELECT t.name FROM taggit_taggeditem ti JOIN taggit_tag t ON t.id = ti.tag_id
             WHERE ti.content_type_id = %(ct)s AND ti.object_id = c.id ORDER BY t.name) AS tags
FROM customers_customer c
JOIN org_employee o ON o.id = c.owner_id
JOIN org_orgunit u ON u.id = c.org_unit_id
LEFT JOIN customers_industry ind ON ind.id = c.industry_id
WHERE c.deleted_at IS NULL AND ({visibility})
ORDER BY c.updated_at DESC, c.id DESC
LIMIT %(limit)s
"""
# Records shared with the user or with a team the user belongs to or leads. `= ANY(ARRAY(…))`
# rather than `IN (…)`: the subquery runs once and its ids become an index condition (a BitmapOr
# with the owner index), where `OR id IN (subquery)` would filter row by row along the sort index.
SHARED = """c.id = ANY(ARRAY(
             SELECT s.object_id FROM core_share s
             WHERE s.content_type_id = %(ct)s
               AND (s.employee_id = %(uid)s
                    OR s.team_id IN (SELECT m.team_id FROM org_team_members m WHERE m.employee_id = %(uid)s)
                    OR s.team_id IN (SELECT tm.id FROM org_team tm WHERE tm.leader_id = %(uid)s))))"""
# Units the user belongs to or manages, with everything below them (materialised path prefix).
SUBTREE = """c.org_unit_id = ANY(ARRAY(
             SELECT d.id FROM org_orgunit d JOIN org_orgunit r ON d.id = r.id OR d.path LIKE r.path || '.%%'
             WHERE r.id = %(unit)s OR r.manager_id = %(uid)s))"""
# With the company setting "managers see what their people work on" (on by default), a subtree
# scope also sees what is shared with the people of those units or with their teams
# (org.permissions.acting_for / shared_ids). Dense shares (5 % of the customers in bench_dataset)
# put such rows on the branch manager's first page.
SUBTREE_PEOPLE = """SELECT e.id FROM org_employee e WHERE e.id = %(uid)s OR e.unit_id IN (
             SELECT d.id FROM org_orgunit d JOIN org_orgunit r ON d.id = r.id OR d.path LIKE r.path || '.%%'
             WHERE r.id = %(unit)s OR r.manager_id = %(uid)s)"""
SHARED_SUBTREE = f"""c.id = ANY(ARRAY(
             SELECT s.object_id FROM core_share s LEFT JOIN org_team t ON t.id = s.team_id
             WHERE s.content_type_id = %(ct)s
               AND (s.employee_id IN ({SUBTREE_PEOPLE})
                    OR (t.deleted_at IS NULL
                        AND (t.leader_id IN ({SUBTREE_PEOPLE})
                             OR t.id IN (SELECT m.team_id FROM org_team_members m
                                         WHERE m.employee_id IN ({SUBTREE_PEOPLE})))))))"""
VISIBILITY = {
    "own": f"c.owner_id = %(uid)s OR {SHARED}",
    "subtree": f"c.owner_id = %(uid)s OR {SUBTREE} OR {SHARED_SUBTREE}",
    "all": "TRUE",
}
# The data scope each bench user's role grants (bench_data gives them these roles).
SCOPE_OF = {"bench.seller": "own", "bench.branch": "subtree", "bench.ceo": "all"}


def floor_sql(user):
    sql = FLOOR_SELECT.format(visibility=VISIBILITY[SCOPE_OF[user.username]])
    params = {"uid": user.pk, "unit": user.unit_id, "limit": PAGE_SIZE,
              "ct": ContentType.objects.get_for_model(Customer).pk}
    return sql, params


def run_floor(user):
    sql, params = floor_sql(user)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


ORM_QUERYSET = Customer.objects.select_related("owner", "org_unit")
PAGE_ROW_ID = re.compile(r'name="pk"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="pk"')


class Target:
    def __init__(self, name, user):
        self.name, self.user = name, user
        if name in ("page", "api"):
            self.client = Client()
            self.client.force_login(user)

    def __call__(self):
        """One request (or query); returns the ids of the rows it produced, in order."""
        if self.name == "sql":
            return run_floor(self.user)
        if self.name == "orm":
            # What the API's query costs without HTTP and serialisation: the permission look-ups
            # (as for a new request: nothing cached on the user) and the scoped, sorted first page.
            clear_cache(self.user)
            rows = ORM_QUERYSET.visible_to(self.user, "view").order_by("-updated_at", "-pk")[:PAGE_SIZE]
            return [row.pk for row in rows]
        if self.name == "page":
            response = self.client.get(PAGE_URL, secure=True)
            assert response.status_code == 200, response.status_code
            return [int(a or b) for a, b in PAGE_ROW_ID.findall(response.content.decode())]
        response = self.client.get(API_URL, secure=True, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, response.status_code
        return [row["id"] for row in response.json()["results"]]


class QueryLog:
    """Counts the SQL statements of one request and the time spent in them."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.count += 1
            self.seconds += elapsed


def ms(seconds):
    return round(seconds * 1000, 2)


def ensure_static_manifest():
    # DEBUG off uses the hashed-name manifest storage; collect once into the bench var dir.
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def machine():
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        database = cursor.fetchone()[0]
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=BASE_DIR, capture_output=True,
                                text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {"commit": commit, "cpus": os.cpu_count(), "cpu": cpu, "platform": platform.platform(),
            "python": platform.python_version(), "django": django.get_version(), "database": database}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "results" / "latest.json"))
    args = parser.parse_args()

    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    users = {e.username: e for e in Employee.objects.filter(username__in=USERS)}
    if len(users) != len(USERS):
        sys.exit("No benchmark data: run `manage.py bench_data` first (scripts/bench.sh does).")
    ensure_static_manifest()

    load_before = os.getloadavg()
    targets = {(u, t): Target(t, users[u]) for u in USERS for t in TARGETS}
    # The same rows in the same order four ways, or the comparison means nothing.
    for user in USERS:
        rows = {t: targets[(user, t)]() for t in TARGETS}
        if any(ids != rows["sql"] for ids in rows.values()) or len(rows["sql"]) != PAGE_SIZE:
            sys.exit(f"{user}: the targets disagree on the first page: "
                     + "; ".join(f"{t} {len(ids)} rows, first {ids[:3]}" for t, ids in rows.items()))
    samples, cpu = round_robin(targets, args.runs, args.warmup)
    # One more, instrumented pass: how many statements, and how long the database took.
    queries = {}
    for key, target in targets.items():
        log = QueryLog()
        with connection.execute_wrapper(log):
            target()
        queries[key] = {"queries": log.count, "sql_ms": ms(log.seconds)}

    visible = {u: Customer.objects.visible_to(users[u]).order_by().count() for u in USERS}
    results = {}
    for (user, name), values in samples.items():
        results.setdefault(user, {})[name] = {
            "p50_ms": ms(statistics.median(values)), "p95_ms": ms(percentile(values, 0.95)),
            "min_ms": ms(min(values)), "cpu_p50_ms": ms(statistics.median(cpu[(user, name)])),
            **queries[(user, name)],
        }
    ratios = {
        "seller_page_over_ceo_page_p50": results["bench.seller"]["page"]["p50_ms"] / results["bench.ceo"]["page"]["p50_ms"],
        "seller_page_over_ceo_page_p95": results["bench.seller"]["page"]["p95_ms"] / results["bench.ceo"]["page"]["p95_ms"],
        "branch_page_over_ceo_page_p50": results["bench.branch"]["page"]["p50_ms"] / results["bench.ceo"]["page"]["p50_ms"],
    }
    for user in USERS:
        short = user.split(".")[1]
        ratios[f"{short}_api_over_floor_p50"] = results[user]["api"]["p50_ms"] / results[user]["sql"]["p50_ms"]
        # The ORM's scoped query (permission look-ups included) against the hand-written one.
        ratios[f"{short}_orm_over_floor_p50"] = results[user]["orm"]["p50_ms"] / results[user]["sql"]["p50_ms"]
        # All the SQL of one API request (session, user, grants, shares, page, tags) against the floor.
        ratios[f"{short}_api_db_over_floor"] = results[user]["api"]["sql_ms"] / results[user]["sql"]["p50_ms"]
    ratios = {key: round(value, 2) for key, value in ratios.items()}
    checks = {
        "seller page ≤ 1.5 × CEO page (p50)": ratios["seller_page_over_ceo_page_p50"] <= TARGET_SELLER_OVER_CEO,
        **{f"{u} API ≤ 2 × SQL floor (p50)": ratios[f"{u.split('.')[1]}_api_over_floor_p50"] <= TARGET_API_OVER_FLOOR
           for u in USERS},
        **{f"{u} {t} p95 ≤ 300 ms": results[u][t]["p95_ms"] <= TARGET_P95_MS for u in USERS for t in ("page", "api")},
    }
    report = {
        "benchmark": "scoped_list",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "runs": args.runs, "warmup": args.warmup, "page_size": PAGE_SIZE,
        "machine": machine(),
        # Other work on the machine slows every figure; ratios suffer less than absolute times.
        "load_average": {"before": [round(x, 2) for x in load_before],
                         "after": [round(x, 2) for x in os.getloadavg()]},
        "dataset": {"customers": Customer.objects.count(), "users": Employee.objects.count(),
                    "visible": visible},
        "results": results, "ratios": ratios, "targets_met": checks,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print_report(report)
    print(f"\nWritten to {output}")


def print_report(report):
    print(f"Scoped list, first page of {report['page_size']}, {report['runs']} runs after {report['warmup']} "
          f"warm-up; {report['dataset']['customers']:,} customers, {report['dataset']['users']:,} users; "
          f"{report['machine']['cpus']} CPUs, load average {report['load_average']['before'][0]:.1f} → "
          f"{report['load_average']['after'][0]:.1f}")
    if max(report["load_average"]["before"][0], report["load_average"]["after"][0]) > report["machine"]["cpus"] / 2:
        print("  (the machine was busy with other work: absolute times are inflated, ratios less so)")
    header = (f"{'user':<14}{'visible':>9}  {'target':<6}{'p50 ms':>9}{'p95 ms':>9}{'min ms':>9}{'CPU ms':>9}"
              f"{'queries':>9}{'SQL ms':>9}")
    print(header)
    print("-" * len(header))
    for user, by_target in report["results"].items():
        for name, figures in by_target.items():
            print(f"{user:<14}{report['dataset']['visible'][user]:>9,}  {name:<6}{figures['p50_ms']:>9.1f}"
                  f"{figures['p95_ms']:>9.1f}{figures['min_ms']:>9.1f}{figures['cpu_p50_ms']:>9.1f}"
                  f"{figures['queries']:>9}{figures['sql_ms']:>9.1f}")
    print()
    for key, value in report["ratios"].items():
        print(f"  {key:<34} {value:>6.2f}")
    print()
    for check, met in report["targets_met"].items():
        print(f"  [{'ok' if met else 'MISS'}] {check}")


if __name__ == "__main__":
    main()
