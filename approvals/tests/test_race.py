"""Two people deciding the same request at the same moment (its approver and a superuser): one
decision wins, the other is refused as already decided; one event, one callback. PostgreSQL only:
the row lock (SELECT … FOR UPDATE) is what decides; SQLite serialises writers by its write lock
(IMMEDIATE transactions), which a same-process in-memory test database cannot show."""

import threading
from unittest import mock

import pytest
from django.db import connection

from approvals import services
from approvals.models import ApprovalEvent, ApprovalRequest
from core.testing.world import build_world
from org.tests.factories import EmployeeFactory

from .helpers import ask

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")


@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_one_wins(_calls):
    world = build_world()
    root = EmployeeFactory(username="root", is_superuser=True, unit=world.units["hq"])
    request = ask(world)
    barrier = threading.Barrier(2)
    original = services._clean_comment
    results = {}

    def held(comment, *, required):
        barrier.wait(timeout=5)  # both have passed their checks before either locks the row
        return original(comment, required=required)

    def decide(name, actor, approve):
        try:
            services.approval_decide(request=ApprovalRequest.objects.get(pk=request.pk), actor=actor,
                                     approve=approve, comment="同时")
            results[name] = "won"
        except services.ApprovalClosed:
            results[name] = "closed"
        except Exception as error:  # noqa: BLE001 - reported to the assertion below
            results[name] = repr(error)
        finally:
            connection.close()

    with mock.patch.object(services, "_clean_comment", held):
        threads = [threading.Thread(target=decide, args=("approver", world.branch_manager, True)),
                   threading.Thread(target=decide, args=("root", root, False))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(results.values()) == ["closed", "won"], results
    decisions = ApprovalEvent.objects.filter(request_id=request.pk).exclude(action="requested")
    assert decisions.count() == 1 and len(_calls) == 1
