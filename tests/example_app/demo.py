"""Projects' part of `manage.py demo_data` (registered in ExampleAppConfig.ready(), after the
customers' part: it needs their rows). One project for every tenth customer, run by the customer's
owner. Idempotent: a customer that already has a project gets no other.

The example app is test-only, so `make demo` never runs this; the demo-data tests do.
"""

from django.utils import timezone

from customers.models import Customer

from .models import Project, Stage

BATCH = 1000


def build(ctx):
    gen = ctx.gen
    rng = gen.seeded(ctx.options["seed"] + 30)
    have = set(Project.all_objects.values_list("customer_id", flat=True))
    customers = list(Customer.objects.order_by("pk").values_list("pk", "name", "owner_id", "owner__unit_id"))[::10]
    now = timezone.now()
    new = []
    for customer_id, name, owner_id, unit_id in customers:
        # Draw for every customer, created or not, so that the random stream stays the same.
        created, updated = gen.history(rng, now, max_age_days=365, mean_days_to_update=30)
        stage = rng.choice(Stage.values)
        if customer_id in have or unit_id is None:
            continue
        new.append(Project(name=f"{name}实施项目", customer_id=customer_id, stage=stage, owner_id=owner_id,
                           org_unit_id=unit_id, created_at=created, updated_at=updated, created_by_id=owner_id,
                           updated_by_id=owner_id))
    with gen.manual_timestamps(Project):
        Project.objects.bulk_create(new, batch_size=BATCH)  # SearchKeyModel fills search_key
    ctx.created["projects"] = (len(new), Project.objects.count())
