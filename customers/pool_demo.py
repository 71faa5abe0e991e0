"""The pool's part of `manage.py demo_data`: rules for 北区 (and a company-wide default), a pool of
customers in 北区, last contacts on every customer, and a few of north.seller1's customers close to
returning to the pool (the home page warns about them). Idempotent."""

import datetime

from django.db.models import Q
from django.utils import timezone

from .demo import RowValues
from .models import Customer, PoolRule

POOL_SIZE = 24
BATCH = 1000


def build(ctx):
    units = ctx.units
    north, hq = units.get("NORTH"), units.get("HQ")
    if north is None or hq is None:
        return
    rules = 0
    for unit, values in ((hq, {"name": "全公司默认规则", "holding_cap": 200, "daily_claim_cap": 20,
                               "return_after_days": None}),
                         (north, {"name": "北区公海规则", "holding_cap": 80, "daily_claim_cap": 10,
                                  "return_after_days": 30, "warn_days_before": 5})):
        _rule, created = PoolRule.objects.get_or_create(org_unit=unit, deleted_at=None, defaults=values)
        rules += created
    ctx.created["pool rules"] = (rules, PoolRule.objects.count())

    rng = ctx.gen.seeded(ctx.options["seed"] + 25)
    now = timezone.now()
    # The pool of 北区: customers nobody owns, from the region's cities.
    cities = [city for code, found in ctx.shared["company"].cities_by_branch.items()
              if code in ("BJ", "TJ", "SJZ") for city in found]
    specs = [ctx.gen.customer(rng, cities)[0] for _ in range(POOL_SIZE)]
    existing = set(Customer.all_objects.filter(credit_code__in=[s["credit_code"] for s in specs])
                   .values_list("credit_code", flat=True))
    to_row = RowValues()  # GB/T 4754 entry and GB/T 2260 names from the generator's values
    new = [Customer(**to_row(values), owner=None, org_unit=north, last_contacted_at=now - datetime.timedelta(
        days=rng.randint(35, 400))) for values in specs if values["credit_code"] not in existing]
    Customer.objects.bulk_create(new, batch_size=BATCH)
    ctx.created["pool customers"] = (len(new), Customer.objects.filter(owner__isnull=True).count())

    # Last contacts: recent inside 北区 (its rule returns customers after 30 days), anything
    # elsewhere, so the "not contacted" page has something to show. Only customers without one.
    north_units = list(north.subtree().values_list("pk", flat=True))
    todo = list(Customer.objects.filter(owner__isnull=False, last_contacted_at__isnull=True)
                .only("pk", "org_unit_id", "created_at").order_by("pk"))
    for customer in todo:
        days = rng.uniform(0, 22) if customer.org_unit_id in north_units else rng.choice(
            [rng.uniform(0, 25), rng.uniform(30, 240)])
        customer.last_contacted_at = max(now - datetime.timedelta(days=days), customer.created_at)
    Customer.objects.bulk_update(todo, ["last_contacted_at"], batch_size=BATCH)

    # Three of north.seller1's customers have not been followed up for 26–28 days: they return in a
    # few days unless someone logs a contact.
    seller = ctx.people.get("north.seller1")
    if seller is not None:
        close = list(Customer.objects.filter(owner=seller).filter(
            Q(return_warned_at__isnull=True)).order_by("pk")[:3])
        for offset, customer in enumerate(close):
            when = now - datetime.timedelta(days=26 + offset, hours=2)
            Customer.objects.filter(pk=customer.pk).update(last_contacted_at=when, owned_since=when)
