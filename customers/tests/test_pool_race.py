"""Claims are race-safe: two sellers claiming the last customer at the same moment → one wins, the
other is told it was taken; one seller claiming twice at once cannot pass the daily cap.

Both threads are held at the conditional UPDATE until the other arrives (or, on SQLite, until the
other is seen waiting for the write lock), so each has passed every check before either writes.
PostgreSQL runs in-process with real connections; SQLite needs a file database (the test database
is in memory), so its race runs in a fresh process on a migrated file, through the busy timeout.
"""

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def claim_race(pairs, pause=1.0):
    """Run customer_claim for each (customer id, employee id) of `pairs` in its own thread, all
    released at the UPDATE together. Returns what each got: "won" or the refusal message."""
    from customers import services
    from customers.models import Customer
    from customers.services import pool as pool_module
    from org.models import Employee

    barrier = threading.Barrier(len(pairs))
    original = pool_module._take
    results = [None] * len(pairs)

    def held_take(*args, **kwargs):
        try:
            barrier.wait(timeout=pause)
        except threading.BrokenBarrierError:
            pass  # SQLite: the other thread waits for the write lock this one holds
        return original(*args, **kwargs)

    def run(index, customer_id, employee_id):
        try:
            services.customer_claim(customer=Customer.objects.get(pk=customer_id),
                                    actor=Employee.objects.get(pk=employee_id))
            results[index] = "won"
        except ValidationError as error:
            results[index] = " ".join(error.messages)
        except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
            results[index] = f"ERROR {error!r}"
        finally:
            connection.close()

    with mock.patch.object(pool_module, "_take", held_take):
        threads = [threading.Thread(target=run, args=(i, c, e)) for i, (c, e) in enumerate(pairs)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    return results


def setup_race_data():
    """Two sellers of 北区 and two customers in 北区's pool; the daily cap is 1."""
    from core.testing.world import build_world
    from customers.models import Customer, PoolRule
    from customers.tests.factories import CustomerFactory

    world = build_world()
    PoolRule.objects.create(name="北区", org_unit=world.units["north"], daily_claim_cap=1)
    last = CustomerFactory(name="最后一个", owner=None, org_unit=world.units["north"])
    other = CustomerFactory(name="另一个", owner=None, org_unit=world.units["north"])
    return world, last, other, Customer


@pytest.mark.django_db(transaction=True)
def test_two_sellers_claim_the_last_customer_at_once_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL; the SQLite race runs in a subprocess below")
    from customers.models import PoolMove

    world, last, other, Customer = setup_race_data()
    results = claim_race([(last.pk, world.seller1.pk), (last.pk, world.seller2.pk)])
    assert results.count("won") == 1, results
    loser = next(r for r in results if r != "won")
    assert "a moment ago" in loser or "刚刚" in loser
    winner = world.seller1 if results[0] == "won" else world.seller2
    assert Customer.objects.get(pk=last.pk).owner_id == winner.pk
    assert PoolMove.objects.filter(customer=last).count() == 1

    # One seller, two tabs, daily cap 1: one claim passes.
    third = Customer.objects.create(name="第三个", owner=None, org_unit=world.units["north"])
    results = claim_race([(other.pk, world.seller3.pk), (third.pk, world.seller3.pk)])
    assert results.count("won") == 1, results
    assert Customer.objects.filter(owner=world.seller3).count() == 1


SQLITE_SCRIPT = """
    import json, django
    django.setup()
    from django.core.management import call_command
    call_command("migrate", verbosity=0)
    from customers.tests.test_pool_race import claim_race, setup_race_data
    from customers.models import PoolMove
    world, last, other, Customer = setup_race_data()
    first = claim_race([(last.pk, world.seller1.pk), (last.pk, world.seller2.pk)])
    owner = Customer.objects.get(pk=last.pk).owner_id
    moves = PoolMove.objects.filter(customer=last).count()
    third = Customer.objects.create(name="第三个", owner=None, org_unit=world.units["north"])
    second = claim_race([(other.pk, world.seller3.pk), (third.pk, world.seller3.pk)])
    held = Customer.objects.filter(owner=world.seller3).count()
    print(json.dumps({"first": first, "owner": owner, "sellers": [world.seller1.pk, world.seller2.pk],
                      "moves": moves, "second": second, "held": held}))
"""


def test_two_sellers_claim_the_last_customer_at_once_sqlite(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(KEDAO_DEV="1", KEDAO_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="kedao.settings",
               SECRET_KEY="test-only")
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(SQLITE_SCRIPT)], cwd=BASE_DIR, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    data = json.loads(result.stdout.strip().splitlines()[-1])
    assert data["first"].count("won") == 1, data
    loser = next(r for r in data["first"] if r != "won")
    assert "a moment ago" in loser or "刚刚" in loser, loser
    winner = data["sellers"][data["first"].index("won")]
    assert data["owner"] == winner and data["moves"] == 1
    assert data["second"].count("won") == 1, data
    assert data["held"] == 1
