"""List pages and API lists of every big object type, per role, against their SQL floor.

    DATABASE_URL=postgres://… .venv/bin/python bench/lists.py [--runs 30] [--types customers,activities]

For customers, contacts, opportunities and activities, and for a seller (own records), a branch
manager (a branch's subtree) and the CEO (everything), the first page (50 rows, default sort):

- `page`: GET of the HTML list page (filters, table, bounded count), session login;
- `api`: GET of the JSON list;
- `sql`: **the floor**: the statement that fetches the API's page of rows, captured from the API
  request (visibility filter, sort, LIMIT and the joins it makes), run alone through a raw cursor.
  The API over its floor is what the framework costs: permission look-ups, the related rows,
  model instances, serialisation, HTTP. Whether that statement itself is as cheap as it can be
  is measured by the seller-over-CEO ratio and by bench/scoped_list.py, whose customer floor is
  written by hand.

Rounds alternate every (type, user, target), so a busy moment of the machine hits all alike;
p50 / p95 / p99 and the median CPU time of this process are reported, with one instrumented
request per target for the number of statements and their time. Targets (issue 12, on the M
dataset): page p50 ≤ 60 ms and p95 ≤ 150 ms; seller page ≤ 1.2 × CEO page; API p50 ≤ 3 × floor.
Results go to bench/results/lists.json.
"""

import argparse
import datetime
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import figures, round_robin, start_django  # noqa: E402

start_django(BASE_DIR)

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from org.models import Employee  # noqa: E402

USERS = ("bench.seller", "bench.branch", "bench.ceo")
# type: (model label, page URL, API URL)
TYPES = {
    "customers": ("customers.customer", "/customers/", "/api/customers/customers/"),
    "contacts": ("customers.contact", "/contacts/", "/api/customers/contacts/"),
    "opportunities": ("sales.opportunity", "/sales/opportunities/", "/api/sales/opportunities/"),
    "activities": ("activities.activity", "/activities/", "/api/activities/activities/"),
}
TARGET_PAGE_P50_MS, TARGET_PAGE_P95_MS = 60.0, 150.0
TARGET_SELLER_OVER_CEO = 1.2
TARGET_API_OVER_FLOOR = 3.0
PAGE_ROW_ID = re.compile(r'name="pk"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="pk"')


class Capture:
    """Records the statements of one request (SQL and parameters) and the time spent in them."""

    def __init__(self):
        self.statements, self.seconds = [], 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.statements.append((sql, params))


class Target:
    def __init__(self, kind, name, user):
        self.kind, self.name, self.user = kind, name, user
        self.label, self.page_url, self.api_url = TYPES[kind]
        self.client = Client()
        self.client.force_login(user)
        self.floor = None

    def capture_floor(self):
        """The API's page query: the statement on the type's table with the page's LIMIT."""
        from django.apps import apps

        table = apps.get_model(self.label)._meta.db_table
        capture = Capture()
        with connection.execute_wrapper(capture):
            self.api()
        candidates = [(sql, params) for sql, params in capture.statements
                      if sql.lstrip().upper().startswith("SELECT") and f'FROM "{table}"' in sql
                      and re.search(r"LIMIT\s+\d+\s*$", sql.strip()) and "COUNT(" not in sql.upper()]
        if not candidates:
            sys.exit(f"{self.kind} {self.user.username}: no page query found in the API request")
        self.floor = candidates[0]

    def api(self):
        response = self.client.get(self.api_url, secure=True, HTTP_ACCEPT="application/json")
        assert response.status_code == 200, (self.api_url, response.status_code)
        return [row["id"] for row in response.json()["results"]]

    def __call__(self):
        if self.name == "sql":
            sql, params = self.floor
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return [row[0] for row in cursor.fetchall()]
        if self.name == "api":
            return self.api()
        response = self.client.get(self.page_url, secure=True)
        assert response.status_code == 200, (self.page_url, response.status_code)
        return [int(a or b) for a, b in PAGE_ROW_ID.findall(response.content.decode())]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--types", default=",".join(TYPES), help="comma-separated: " + ", ".join(TYPES))
    parser.add_argument("--output", default=str(BASE_DIR / "bench" / "results" / "lists.json"))
    args = parser.parse_args()
    kinds = [kind.strip() for kind in args.types.split(",") if kind.strip()]
    unknown = set(kinds) - set(TYPES)
    if unknown:
        sys.exit(f"Unknown types: {', '.join(sorted(unknown))}")
    if connection.vendor != "postgresql":
        sys.exit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    users = {e.username: e for e in Employee.objects.filter(username__in=USERS)}
    if len(users) != len(USERS):
        sys.exit("No benchmark data: run `manage.py bench_dataset --size S` first (scripts/bench.sh does).")
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)

    load_before = os.getloadavg()
    targets = {}
    notes = []
    for kind in kinds:
        for username in USERS:
            for name in ("page", "api", "sql"):
                targets[(kind, username, name)] = Target(kind, name, users[username])
            floor = targets[(kind, username, "sql")]
            floor.capture_floor()
            rows = {name: targets[(kind, username, name)]() for name in ("page", "api", "sql")}
            # The API fetches one row more than a page, to know whether a next page exists.
            if rows["api"] != rows["sql"][:len(rows["api"])]:
                sys.exit(f"{kind} {username}: the floor does not return the API's rows")
            if rows["page"] != rows["api"]:
                notes.append(f"{kind} {username}: the page and the API list different rows "
                             f"({len(rows['page'])} / {len(rows['api'])}): different default sort")
    empty = {kind for kind, username, name in targets if name == "api" and not targets[(kind, username, name)].api()}
    for kind in sorted(empty):
        notes.append(f"{kind}: left out, a user's first page is empty (no such rows in this dataset)")
    targets = {key: target for key, target in targets.items() if key[0] not in empty}
    kinds = [kind for kind in kinds if kind not in empty]
    samples, cpu = round_robin(targets, args.runs, args.warmup)
    results = {}
    for key, target in targets.items():
        capture = Capture()
        with connection.execute_wrapper(capture):
            target()
        kind, username, name = key
        results.setdefault(kind, {}).setdefault(username, {})[name] = {
            **figures(samples[key]), "cpu_p50_ms": round(statistics.median(cpu[key]) * 1000, 1),
            "queries": len(capture.statements), "sql_ms": round(capture.seconds * 1000, 1),
        }
    checks = {}
    ratios = {}
    for kind in kinds:
        by_user = results[kind]
        ceo = by_user["bench.ceo"]["page"]["p50_ms"]
        ratios[f"{kind} seller page / CEO page p50"] = round(by_user["bench.seller"]["page"]["p50_ms"] / ceo, 2)
        checks[f"{kind}: seller page ≤ {TARGET_SELLER_OVER_CEO} × CEO page (p50)"] = \
            ratios[f"{kind} seller page / CEO page p50"] <= TARGET_SELLER_OVER_CEO
        for username in USERS:
            short = username.split(".")[1]
            page, api, floor = (by_user[username][name] for name in ("page", "api", "sql"))
            ratio = round(api["p50_ms"] / floor["p50_ms"], 2)
            ratios[f"{kind} {short} API / floor p50"] = ratio
            checks[f"{kind} {short}: page p50 ≤ {TARGET_PAGE_P50_MS:.0f} ms"] = page["p50_ms"] <= TARGET_PAGE_P50_MS
            checks[f"{kind} {short}: page p95 ≤ {TARGET_PAGE_P95_MS:.0f} ms"] = page["p95_ms"] <= TARGET_PAGE_P95_MS
            checks[f"{kind} {short}: API p50 ≤ {TARGET_API_OVER_FLOOR:.0f} × floor"] = ratio <= TARGET_API_OVER_FLOOR
    report = {
        "benchmark": "lists",
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "runs": args.runs, "warmup": args.warmup,
        "load_average": {"before": [round(x, 2) for x in load_before],
                         "after": [round(x, 2) for x in os.getloadavg()]},
        "results": results, "ratios": ratios, "targets_met": checks, "notes": notes,
    }
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print_report(report)
    print(f"\nWritten to {output}")


def print_report(report):
    load = report["load_average"]
    print(f"List pages and API, first page, {report['runs']} runs after {report['warmup']} warm-up; "
          f"load average {load['before'][0]:.2f} → {load['after'][0]:.2f}")
    header = (f"{'type':<14}{'user':<14}{'target':<7}{'p50':>8}{'p95':>8}{'p99':>8}{'CPU':>8}"
              f"{'queries':>8}{'SQL ms':>8}")
    print(header)
    print("-" * len(header))
    for kind, by_user in report["results"].items():
        for username, by_target in by_user.items():
            for name, f in by_target.items():
                print(f"{kind:<14}{username:<14}{name:<7}{f['p50_ms']:>8.1f}{f['p95_ms']:>8.1f}{f['p99_ms']:>8.1f}"
                      f"{f['cpu_p50_ms']:>8.1f}{f['queries']:>8}{f['sql_ms']:>8.1f}")
    print()
    for key, value in report["ratios"].items():
        print(f"  {key:<42} {value:>6.2f}")
    print()
    for check, met in report["targets_met"].items():
        print(f"  [{'ok' if met else 'MISS'}] {check}")
    for note in report["notes"]:
        print(f"  note: {note}")


if __name__ == "__main__":
    main()
