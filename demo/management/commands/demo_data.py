"""Build the demo company: org tree, about 160 people, roles, teams, 2,000 customers and contacts.

Every app contributes its part through the demo-builder registry (org/demo.py, customers/demo.py…).

Idempotent: everything has a stable code, username or credit code, and only what is missing is
created — a second run changes nothing.
"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from core.registry import DemoContext, demo_builders
from demo import generators as gen

SEED = 20240601

LOGINS = [
    ("admin", "admin", "超级用户 superuser"),
    ("ceo", "demo", "总经理：全公司 (whole company)"),
    ("north.manager", "demo", "北区总经理：北区及下属分公司 (North region subtree)"),
    ("bj.manager", "demo", "北京分公司总经理 (a branch)"),
    ("bj.sales1.head", "demo", "北京销售一部经理：本人及下属 (subordinates)"),
    ("north.seller1", "demo", "北京销售一部客户经理：本人及共享 (own + shared)"),
    ("fin.manager", "demo", "财务经理：只读 (read-only)"),
    ("it.admin", "demo", "系统管理员 (administrator role)"),
]


class Command(BaseCommand):
    help = "Load the demo company (idempotent): org units, employees, roles, teams, customers, contacts."

    def add_arguments(self, parser):
        parser.add_argument("--customers", type=int, default=2000, help="customers to create (default 2000)")
        parser.add_argument("--seed", type=int, default=SEED)

    def handle(self, *args, customers, seed, **options):
        started = time.monotonic()
        # Each app registers its part (core.registry.register_demo_builder, in its AppConfig.ready());
        # this command knows none of them by name.
        ctx = DemoContext(rng=gen.seeded(seed), stdout=self.stdout, gen=gen,
                          options={**options, "customers": customers, "seed": seed})
        with transaction.atomic():
            for builder in demo_builders():
                builder.build(ctx)
        elapsed = time.monotonic() - started
        self.summary(ctx.created, elapsed)

    # -- report -------------------------------------------------------------------------------

    def summary(self, created_counts, elapsed):
        out = self.stdout
        out.write(self.style.SUCCESS(f"Demo data ready in {elapsed:.1f} s."))
        for label, (created, total) in created_counts.items():
            out.write(f"  {label:<32} {total:>6} ({created} created)")
        out.write("\nLogins (username / password):")
        for username, password, description in LOGINS:
            out.write(f"  {username:<16} {password:<6} {description}")
        out.write('  Every other demo user (e.g. east.seller1, sh.manager) also has the password "demo".')
