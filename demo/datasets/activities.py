"""The benchmark's activities (bench/activities.py, `manage.py bench_dataset`): over the last 365 days
and the next 30, owned by the bench sellers and department heads on their own customers — calls,
visits, meetings, notes, e-mails and tasks, most past ones done, 5 % with a participant. Written in
batches by demo.datasets.bulk (COPY on PostgreSQL), the table's secondary indexes dropped during
the load and rebuilt after.
"""

import datetime
import random
import time

from django.db import connection
from django.utils import timezone

from activities.models import Activity
from customers.models import Customer
from org.models import Employee, OrgUnit

from .bulk import Writer, columns

BATCH = 100_000
SUBJECTS = {"call": ["电话回访", "确认需求", "跟进报价"], "visit": ["拜访客户", "技术交流", "现场勘察"],
            "meeting": ["方案评审会", "商务谈判"], "note": ["拜访记录"], "email": ["发送资料"],
            "task": ["准备方案", "发送报价", "更新联系人"]}
KINDS = ["call"] * 30 + ["visit"] * 25 + ["meeting"] * 8 + ["note"] * 10 + ["email"] * 7 + ["task"] * 20


def build(total, seed=10, *, skew=None, manage_indexes=True, log=print):
    """Add activities until there are `total` benchmark ones ("B·" subjects).

    skew: (customer id, count): that many of them are on one customer, by its owner.
    manage_indexes: drop the table's secondary indexes for the load and rebuild them after
    (off when the caller does it for all tables at once).
    """
    have = Activity.all_objects.filter(subject__startswith="B·").count()
    if have >= total:
        log(f"{have:,} benchmark activities present; nothing to build.")
        return 0
    # A smaller set built before is topped up (another seed: other rows, the same distribution).
    rng = random.Random(seed + have)
    writer = Writer()
    owners = [e for e in Employee.objects.filter(username__startswith="bench.").select_related("unit")
              if e.unit is not None and e.unit.kind in (OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.TEAM)]
    customers = {}
    for owner_id, customer_id in Customer.objects.values_list("owner_id", "pk").iterator(chunk_size=20_000):
        customers.setdefault(owner_id, []).append(customer_id)
    every = [pk for ids in customers.values() for pk in ids]
    people = [e.pk for e in owners]
    table = Activity._meta.db_table
    through = Activity.participants.through
    indexes = writer.drop_indexes([table, through._meta.db_table]) if manage_indexes else []
    _columns, names, defaults = columns(Activity)
    now = timezone.now()
    search_keys = {}
    started = time.monotonic()
    next_id = writer.next_id(table)
    weights = [rng.uniform(0.3, 3.0) for _ in owners]
    skew_customer, skew_count = skew if skew and not have else (None, 0)
    skew_count = min(skew_count, total - have)
    chosen = rng.choices(owners, weights=weights, k=total - have - skew_count)
    if skew_count:
        owner_id = Customer.all_objects.filter(pk=skew_customer).values_list("owner_id", flat=True).get()
        skew_owner = next((e for e in owners if e.pk == owner_id), None) or Employee.objects.get(pk=owner_id)
        chosen += [skew_owner] * skew_count
    normal = len(chosen) - skew_count
    joined = []
    for start in range(0, total - have, BATCH):
        rows = []
        for index, owner in enumerate(chosen[start:start + BATCH], start=start):
            kind = KINDS[rng.randrange(len(KINDS))]
            moment = now - datetime.timedelta(seconds=rng.uniform(-30 * 86400, 365 * 86400))
            moment = moment.replace(minute=rng.choice((0, 15, 30, 45)), second=0, microsecond=0)
            past = moment < now
            done = past and rng.random() < 0.85
            subject = "B·" + rng.choice(SUBJECTS[kind])
            if subject not in search_keys:
                search_keys[subject] = Activity(subject=subject).build_search_key()
            if index < normal:
                customer_id = rng.choice(customers.get(owner.pk) or every)
            else:
                customer_id = skew_customer
            # Planned ones are entered before they happen; nothing was written in the future.
            created = min(moment - datetime.timedelta(hours=rng.randint(1, 72)), now - datetime.timedelta(hours=1))
            values = {
                "id": next_id, "created_at": created, "updated_at": max(created, min(moment, now)),
                "created_by_id": owner.pk, "updated_by_id": owner.pk, "version": 1,
                "owner_id": owner.pk, "org_unit_id": owner.unit_id, "search_key": search_keys[subject],
                "kind": kind, "subject": subject, "customer_id": customer_id,
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
        writer.write(table, _columns, rows)
        log(f"  {start + len(rows):,} activities, {time.monotonic() - started:.0f} s")
    writer.write(through._meta.db_table, ["activity_id", "employee_id"], joined)
    if indexes:
        log(f"  rebuilding {len(indexes)} indexes…")
        writer.rebuild_indexes(indexes)
    # The ids were written here: move the sequence past them, or the next activity saved through
    # the app collides with an existing id (a unique-violation, found by the load test).
    writer.reset_sequences([table])
    if manage_indexes and writer.pg and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")
            cursor.execute(f"ANALYZE {through._meta.db_table}")
    log(f"Built {total - have:,} activities ({total:,} in all) in {time.monotonic() - started:.0f} s.")
    return total - have
