"""360° customer page benchmark: a customer with 50,000 timeline entries against one with 5.

    scripts/bench.sh                         (runs it after the scoped list)
    .venv/bin/python bench/customer_page.py [--entries 50000] [--runs 40] [--warmup 5]

Needs a migrated PostgreSQL database (DATABASE_URL). It creates, once, a seller (role "seller":
own records), two customers of theirs with ten contacts each, and bulk-creates ObjectChange rows:
`--entries` on the large customer (90 % on the customer, 10 % over its contacts) and 5 on the
small one, and `--noise` audit rows of other records around them (500,000 by default), so that
the plans are those of a table where this customer is a small part. It then times, in-process with django.test.Client, logged in as the seller, DEBUG off:
  page       GET /customers/customers/<id>/               the whole HTML page (tabs, key figures, panels)
  timeline   GET /customers/customers/<id>/timeline/      its first timeline page (loaded when the tab opens)
  more       the same with ?before=<cursor of page 1>     "load more"
  api        GET /api/customers/customers/<id>/timeline/  the API's first page
and reports p50/p95 of each for both customers and the ratio large / small (target: page p95
≤ 300 ms with 50,000 entries; ratio ~1). Results go to bench/results/customer_page.json.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
from timing import start_django  # noqa: E402  (bench/timing.py, beside this file)

start_django(BASE_DIR)

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from core.models import ObjectChange  # noqa: E402
from customers.models import Contact, Customer  # noqa: E402
from org.demo import ensure_roles  # noqa: E402
from org.models import Employee, OrgUnit  # noqa: E402

SELLER = "bench360.seller"
NAMES = {"large": "基准360大客户有限公司", "small": "基准360小客户有限公司"}


def ensure_data(entries, noise):
    roles = ensure_roles(["seller"])
    unit = OrgUnit.objects.filter(code="BENCH360").first() or OrgUnit.objects.create(name="基准360部", code="BENCH360")
    seller = Employee.objects.filter(username=SELLER).first()
    if seller is None:
        seller = Employee.objects.create_user(username=SELLER, password="x", unit=unit, last_name="基", first_name="准")
        seller.roles.add(roles["seller"])
    customers = {}
    for size, name in NAMES.items():
        customer = Customer.objects.filter(name=name).first()
        if customer is None:
            customer = Customer.objects.create(name=name, owner=seller, org_unit=unit)
            Contact.objects.bulk_create(Contact(customer=customer, name=f"联系人{i}", title="经理",
                                                decision_role="influencer") for i in range(10))
        customers[size] = customer
    wanted = {"large": entries, "small": 5}
    customer_type = ContentType.objects.get_for_model(Customer)
    contact_type = ContentType.objects.get_for_model(Contact)
    for size, customer in customers.items():
        contacts = list(Contact.objects.filter(customer=customer).values_list("pk", flat=True))
        have = ObjectChange.objects.filter(content_type=customer_type, object_id=customer.pk).count() + \
            ObjectChange.objects.filter(content_type=contact_type, object_id__in=contacts).count()
        if have >= wanted[size]:
            continue
        print(f"creating {wanted[size] - have} timeline entries for the {size} customer", flush=True)
        start = datetime.datetime.now(datetime.UTC)
        rows = []
        for i in range(have, wanted[size]):
            on_contact = size == "large" and i % 10 == 0
            rows.append(ObjectChange(
                action="update", user_name="基准", object_repr=customer.name,
                content_type=contact_type if on_contact else customer_type,
                object_id=contacts[i % len(contacts)] if on_contact else customer.pk,
                prechange_data={"notes": f"备注{i}"}, postchange_data={"notes": f"备注{i + 1}"}))
        with transaction.atomic():
            created = ObjectChange.objects.bulk_create(rows, batch_size=5000)
            # auto_now_add wrote "now" on every row: spread them over the past years instead.
            with connection.cursor() as cursor:
                cursor.execute("UPDATE core_objectchange SET time = %s - (id * interval '37 minutes') "
                               "WHERE id >= %s AND id <= %s", [start, created[0].pk, created[-1].pk])
    # Everybody else's history around them: audit rows of other records, interleaved in time.
    noise_ids = (10**9, 10**9 + 100000)
    have = ObjectChange.objects.filter(content_type=customer_type, object_id__gte=noise_ids[0]).count()
    if have < noise:
        print(f"creating {noise - have} audit rows of other customers", flush=True)
        start = datetime.datetime.now(datetime.UTC)
        for first in range(have, noise, 50000):
            rows = [ObjectChange(action="update", user_name="其他", object_repr="其他客户", content_type=customer_type,
                                 object_id=noise_ids[0] + i % 100000, prechange_data={"notes": "a"},
                                 postchange_data={"notes": "b"}) for i in range(first, min(noise, first + 50000))]
            with transaction.atomic():
                created = ObjectChange.objects.bulk_create(rows, batch_size=5000)
                with connection.cursor() as cursor:
                    cursor.execute("UPDATE core_objectchange SET time = %s - (id * interval '3 minutes') "
                                   "WHERE id >= %s AND id <= %s", [start, created[0].pk, created[-1].pk])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_objectchange")
    return seller, customers


def timed(client, url, runs, warmup):
    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(runs):
        begin = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200
    samples.sort()
    return {"p50": round(statistics.median(samples), 1),
            "p95": round(samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)], 1)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=50000)
    parser.add_argument("--noise", type=int, default=500000,
                        help="audit rows of other records in the table (default 500,000)")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark needs PostgreSQL (DATABASE_URL).")
    seller, customers = ensure_data(args.entries, args.noise)
    client = Client()
    client.force_login(seller)
    results = {}
    for size, customer in customers.items():
        timeline = reverse("customers:customer_timeline", args=[customer.pk])
        api = f"/api/customers/customers/{customer.pk}/timeline/"
        first = client.get(api).json()
        urls = {"page": customer.get_absolute_url(), "timeline": timeline, "api": api}
        if first["next"]:
            urls["more"] = f"{timeline}?before={first['next']}"
        results[size] = {name: timed(client, url, args.runs, args.warmup) for name, url in urls.items()}
    load = os.getloadavg()
    report = {"entries": args.entries, "noise": args.noise, "runs": args.runs, "results": results,
              "ratio_p95": {name: round(results["large"][name]["p95"] / results["small"][name]["p95"], 2)
                            for name in results["small"]},
              "loadavg": [round(x, 2) for x in load], "cpus": os.cpu_count(),
              "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")}
    print(f"{'':10}{'5 entries p50/p95':>22}{f'{args.entries:,} entries p50/p95':>28}{'ratio p95':>12}")
    for name in results["large"]:
        small, large = results["small"].get(name), results["large"][name]
        small_text = f"{small['p50']}/{small['p95']} ms" if small else "—"
        large_text = f"{large['p50']}/{large['p95']} ms"
        ratio = str(report["ratio_p95"].get(name, "—"))
        print(f"{name:10}{small_text:>22}{large_text:>28}{ratio:>12}")
    print(f"load average {report['loadavg']} on {report['cpus']} CPUs")
    out = BASE_DIR / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "customer_page.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
