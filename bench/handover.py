"""Handover benchmark: one leaver's 10,000 customers (with contacts) to another seller.

    DATABASE_URL=postgres://… .venv/bin/python bench/handover.py [--customers 10000] [--runs 3]

Each run, inside a transaction that is rolled back afterwards: creates the leaver's customers,
then times
  handover  org.handover.records_handover (checks, bulk UPDATE, one audit row per customer)
  floor     the bare UPDATE of owner and unit for the same rows (what the database needs at least)
and prints the median of each and their ratio. A benchmark, not a test (docs/benchmarks.md).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("KEDAO_VAR_DIR", str(BASE_DIR / "var" / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedao.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from core.registry import object_types  # noqa: E402
from customers.models import Contact, Customer  # noqa: E402
from org.handover import records_handover  # noqa: E402
from org.models import Employee, OrgUnit, Role, RolePermission  # noqa: E402


class Rollback(Exception):
    pass


def setup(count):
    unit_a = OrgUnit.objects.create(name="基准甲部", code="BENCH-HO-A")
    unit_b = OrgUnit.objects.create(name="基准乙部", code="BENCH-HO-B")
    role = Role.objects.create(name="基准管理员", code="bench-ho-admin")
    RolePermission.objects.bulk_create(RolePermission(role=role, object_type=t.key, action=a, scope="all")
                                       for t in object_types() for a in t.actions)
    admin = Employee.objects.create(username="bench.ho.admin", unit=unit_a)
    admin.roles.add(role)
    leaver = Employee.objects.create(username="bench.ho.leaver", unit=unit_a)
    heir = Employee.objects.create(username="bench.ho.heir", unit=unit_b)
    customers = Customer.objects.bulk_create(
        [Customer(name=f"基准交接客户{i}", owner=leaver, org_unit=unit_a) for i in range(count)], batch_size=2000)
    Contact.objects.bulk_create([Contact(customer=c, name=f"联系人{c.pk}") for c in customers], batch_size=2000)
    return admin, leaver, heir


def timed(count, floor):
    try:
        with transaction.atomic():
            admin, leaver, heir = setup(count)
            started = time.perf_counter()
            if floor:
                Customer.objects.filter(owner=leaver).update(owner=heir, org_unit_id=heir.unit_id)
            else:
                done = records_handover(from_user=leaver, to_user=heir, actor=admin)
                assert done.lines[0].count >= count, done.lines
            elapsed = time.perf_counter() - started
            raise Rollback(elapsed)
    except Rollback as result:
        return result.args[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"database: {connection.vendor}, customers: {args.customers}, runs: {args.runs}")
    handover = statistics.median(timed(args.customers, False) for _ in range(args.runs))
    floor = statistics.median(timed(args.customers, True) for _ in range(args.runs))
    print(f"handover {handover:.3f} s   floor (bare UPDATE) {floor:.3f} s   ratio {handover / floor:.1f}×")


if __name__ == "__main__":
    main()
