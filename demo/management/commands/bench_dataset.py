"""The benchmark datasets S and M, built by one command with a fixed seed (docs/benchmarks.md).

    manage.py bench_dataset --size S|M [--seed 7]

S: 100 users in 30 units, 50,000 customers, ~150,000 contacts, 20,000 opportunities, 500,000
activities (SQLite or PostgreSQL). M: 1,000 users in 250 units, 1,000,000 customers, ~3,000,000
contacts, 500,000 opportunities, 10,000,000 activities (PostgreSQL only).

The org tree and people are `bench_data`'s (bench.ceo, bench.branch, bench.seller; password
"bench"), with more named logins: bench.seller1…N (sellers in other departments) and
bench.manager1…N (department heads). Then, in bulk (COPY on PostgreSQL, the big tables'
secondary indexes dropped during the load and rebuilt after, then VACUUM (ANALYZE)): transfers
(20 % of the users moved between units during the history, with handovers), customers with
contacts, tags and near-duplicates (labelled), shares (5 % of the customers), opportunities
(demo.datasets.sales) and activities (demo.datasets.activities; 50,000 of them on one customer,
demo.datasets.customers.BIG_CUSTOMER). The labels (duplicate pairs, the big customer, heavy owners,
transfers) are written to var/datasets/<database>.json.

Runs once per database: when the bench users are already there it says so and stops.
"""

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from taggit.models import TaggedItem

from activities.models import Activity
from core.models import ObjectChange, Share
from customers.models import Contact, Customer
from demo import generators as gen
from demo.builders import ensure_roles
from demo.datasets import activities as activity_data
from demo.datasets import sales as sales_data
from demo.datasets.bulk import Writer
from demo.datasets.customers import CustomerBuilder
from org.models import Employee, OrgUnit
from sales.models import Opportunity

from .bench_data import BENCH_PASSWORD
from .bench_data import Command as BenchDataCommand

SIZES = {
    "S": {"users": 100, "units": 30, "customers": 50_000, "opportunities": 20_000, "activities": 500_000,
          "big_customer_activities": 50_000, "heavy_owners": 3, "named_logins": 5},
    "M": {"users": 1000, "units": 250, "customers": 1_000_000, "opportunities": 500_000,
          "activities": 10_000_000, "big_customer_activities": 50_000, "heavy_owners": 5, "named_logins": 20},
}
DOCUMENTED = {"bench.ceo", "bench.branch", "bench.seller"}
BIG_TABLES = [Customer, Contact, TaggedItem, Share, ObjectChange, Opportunity, Activity]


def labels_path():
    """var/datasets/<database>.json (PostgreSQL) or var/datasets/<file name>.json (SQLite)."""
    name = Path(str(connection.settings_dict["NAME"])).name
    return Path(settings.VAR_DIR) / "datasets" / f"{name}.json"


class Command(BenchDataCommand):
    help = "Build the benchmark dataset S or M (fixed seed, bulk loads)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="S")
        parser.add_argument("--seed", type=int, default=7)
        # Hidden, for tests: every row count times this (users and units kept ≥ a small tree).
        parser.add_argument("--scale", type=float, default=1.0, help="(testing) multiply the row counts")
        parser.add_argument("--labels", default="", help="(testing) where to write the labels JSON")

    def handle(self, *args, size, seed, scale, labels, **options):
        spec = dict(SIZES[size])
        if size == "M" and connection.vendor != "postgresql":
            raise CommandError("Dataset M (10,000,000 activities) needs PostgreSQL: set DATABASE_URL=postgres://…")
        if Employee.objects.filter(username="bench.ceo").exists():
            self.stdout.write(f"Benchmark data already present ({Customer.all_objects.count():,} customers, "
                              f"{Activity.all_objects.count():,} activities); nothing to do.")
            return
        if scale != 1.0:
            for key in ("customers", "opportunities", "activities", "big_customer_activities"):
                spec[key] = max(1, round(spec[key] * scale))
            spec["units"] = max(12, round(spec["units"] * min(1.0, scale * 10)))
            spec["users"] = max(spec["units"] + 25, round(spec["users"] * min(1.0, scale * 10)))
            spec["named_logins"] = min(spec["named_logins"], 3)
        self.rng = gen.seeded(seed)
        self.batch = 5000
        writer = Writer()
        started = time.monotonic()
        timings = []

        def mark(name, since):
            now = time.monotonic()
            timings.append((name, now - since))
            self.stdout.write(f"  [{name}: {now - since:.1f} s]")
            self.stdout.flush()
            return now

        def log(text):
            self.stdout.write(text)
            self.stdout.flush()

        self.stdout.write(f"Dataset {size} (seed {seed}) on {connection.vendor}: {spec}")
        phase = started
        with transaction.atomic():
            self.roles = ensure_roles(["executive", "region_manager", "branch_manager", "dept_manager", "seller"])
            tree = self.build_units(spec["units"])
            people = self.build_people(tree, spec["users"])
            named = self.name_logins(people, spec["named_logins"])
        phase = mark("org tree and users", phase)

        tables = [model._meta.db_table for model in BIG_TABLES]
        tables += ["sales_stagechange", "sales_opportunitycompetitor", Activity.participants.through._meta.db_table]
        indexes = writer.drop_indexes(tables)
        builder = CustomerBuilder(self.rng, people, log=log)
        with writer.no_triggers():
            with transaction.atomic():
                keep = DOCUMENTED | set(named)
                builder.plan_owners(keep, heavy=spec["heavy_owners"])
                moved = builder.transfer(0.2, keep)
            phase = mark(f"transfers ({moved} users)", phase)
            counts = builder.customers(spec["customers"])
            phase = mark("customers, contacts, tags", phase)
            with transaction.atomic():
                shares, teams = builder.shares()
            phase = mark("shares", phase)
            sales_data.build(spec["opportunities"], seed=seed + 4, log=log)
            phase = mark("opportunities", phase)
            activity_data.build(spec["activities"], seed=seed + 3, manage_indexes=False, log=log,
                                skew=(builder.big_customer["id"], spec["big_customer_activities"]))
            phase = mark("activities", phase)
        log(f"  rebuilding {len(indexes)} indexes…")
        writer.rebuild_indexes(indexes)
        phase = mark("indexes", phase)
        writer.reset_sequences(tables[:-3] + ["sales_stagechange", "sales_opportunitycompetitor"])
        writer.analyze()
        phase = mark("vacuum analyze" if writer.pg and not connection.in_atomic_block else "sequences", phase)

        path = Path(labels) if labels else labels_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        report = {"size": size, "seed": seed, "scale": scale, "big_customer": builder.big_customer,
                  **builder.labels}
        path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")

        totals = {
            "units": OrgUnit.objects.count(), "users": Employee.objects.count(),
            "customers": Customer.all_objects.count(), "contacts": Contact.all_objects.count(),
            "tagged": TaggedItem.objects.count(), "shares": shares, "account teams": teams,
            "opportunities": Opportunity.all_objects.count(), "activities": Activity.all_objects.count(),
            "transfers": moved, "handed over": counts["handovers"], "labelled duplicates": counts["duplicates"],
        }
        total_time = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(
            f"Dataset {size} built in {total_time:.1f} s ("
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings) + ").\n"
            + "Rows: " + ", ".join(f"{name} {value:,}" for name, value in totals.items()) + ".\n"
            f"Big customer: {builder.big_customer['name']} (id {builder.big_customer['id']}, credit code "
            f"{builder.big_customer['credit_code']}, owner {builder.big_customer['owner']}), "
            f"{spec['big_customer_activities']:,} activities. Labels: {path}.\n"
            f"Logins (password \"{BENCH_PASSWORD}\"): bench.ceo, bench.branch, bench.seller, "
            f"{', '.join(named)}."
        ))

    def name_logins(self, people, count):
        """bench.seller1…N (sellers of other departments than bench.seller's) and bench.manager1…N
        (department heads): stable names for load tests."""
        by_name = people["by_name"]
        seller_unit = by_name["bench.seller"].unit_id
        renames, seen_units = {}, {seller_unit}
        for username, unit, _t, _r in people["sellers"]:
            if len([n for n in renames.values() if n.startswith("bench.seller")]) >= count:
                break
            if username != "bench.seller" and unit.pk not in seen_units:
                seen_units.add(unit.pk)
                renames[username] = f"bench.seller{len(renames) + 1}"
        heads = [username for username, _u, _t, role in people["managers"] if role == "dept_manager"]
        for index, username in enumerate(heads[:count], start=1):
            renames[username] = f"bench.manager{index}"
        for old, new in renames.items():
            employee = by_name.pop(old)
            employee.username, employee.email = new, f"{new}@bench.kedao.invalid"
            by_name[new] = employee
        Employee.objects.bulk_update([by_name[new] for new in renames.values()], ["username", "email"])
        people["sellers"] = [(renames.get(u, u), *rest) for u, *rest in people["sellers"]]
        people["managers"] = [(renames.get(u, u), *rest) for u, *rest in people["managers"]]
        return list(renames.values())
