"""Get the benchmark database ready for the load test and list who logs in (scripts/load.sh).

    .venv/bin/python bench/load/prepare.py --users-file var/load/users.json \
        [--opportunities 50000] [--activities 500000]

Needs a database filled by `manage.py bench_data` (or `bench_dataset`). Adds, only when there are
none yet, the benchmark opportunities (bench/sales.py), activities (bench/activities.py) and this
year's target plan (bench/targets.py), so that every page of the scenario has something to show.
Then writes the logins: sellers (role "seller") and managers (every manager role, the CEO and the
branch manager first, then in a fixed shuffled order so that a few users already mix levels).
"""

import argparse
import importlib.util
import json
import random
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
BENCH = BASE_DIR / "bench"
sys.path.insert(0, str(BENCH))
from timing import start_django  # noqa: E402  (bench/timing.py)

start_django(BASE_DIR)

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from org.demo import ensure_roles  # noqa: E402
from org.models import Employee  # noqa: E402

MANAGER_ROLES = ["executive", "region_manager", "branch_manager", "dept_manager"]


def bench_module(name):
    """bench/<name>.py under another module name: "sales" and "targets" are also apps."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users-file", required=True)
    parser.add_argument("--opportunities", type=int, default=50_000)
    parser.add_argument("--activities", type=int, default=500_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The load test runs on PostgreSQL: set DATABASE_URL=postgres://…")
    if not Employee.objects.filter(username="bench.ceo").exists():
        sys.exit("No benchmark data: run `manage.py bench_data` first (scripts/load.sh does).")
    ensure_roles([*MANAGER_ROLES, "seller"])

    from activities.models import Activity
    from sales.models import Opportunity
    from targets.models import TargetPlan

    if not Opportunity.all_objects.exists():
        bench_module("sales").build(args.opportunities)
    if not Activity.all_objects.exists():
        bench_module("activities").build(args.activities)
    # Activities COPY-ed by bench/activities.py before it moved the id sequence past them would make
    # every activity created through the app a unique-violation: catch up once.
    with connection.cursor() as cursor:
        for table in ("activities_activity", "sales_opportunity"):
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT (SELECT MAX(id) FROM {table}), (SELECT last_value FROM {sequence})")
            highest, last = cursor.fetchone()
            if highest and highest > last:
                cursor.execute("SELECT setval(%s, %s)", [sequence, highest])
                print(f"Moved {sequence} from {last} to {highest} (ids written by COPY).")
    year = timezone.localdate().year
    if not TargetPlan.objects.filter(fiscal_year=year).exists():
        targets = bench_module("targets")
        targets.ensure_plan(Employee.objects.get(username="bench.ceo"), year)

    people = Employee.objects.filter(username__startswith="bench.", is_active=True).order_by("username")
    sellers = list(people.filter(roles__code="seller").values_list("username", flat=True).distinct())
    managers = list(people.filter(roles__code__in=MANAGER_ROLES).exclude(username__in=["bench.ceo", "bench.branch"])
                    .values_list("username", flat=True).distinct())
    random.Random(5).shuffle(managers)
    managers = ["bench.ceo", "bench.branch", *managers]
    Path(args.users_file).parent.mkdir(parents=True, exist_ok=True)
    Path(args.users_file).write_text(json.dumps({"sellers": sellers, "managers": managers}, indent=1))
    print(f"Logins: {len(sellers)} sellers, {len(managers)} managers ({args.users_file}); "
          f"{Opportunity.all_objects.count():,} opportunities, {Activity.all_objects.count():,} activities, "
          f"{TargetPlan.objects.filter(fiscal_year=year).count()} target plan(s) for {year}.")


if __name__ == "__main__":
    main()
