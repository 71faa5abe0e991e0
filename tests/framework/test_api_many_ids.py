"""An API list shows a record's many-to-many ids (an opportunity's decision makers, an activity's
participants) read as ids (core.api.fields.light_many_prefetches): the same ids, in the same
order, as the record's own GET, which reads them through the related manager; a contact in the
recycle bin is left out of both, and the number of queries does not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.tests.factories import ActivityFactory
from customers.models import Contact
from customers.tests.factories import ContactFactory, CustomerFactory
from org.tests.factories import EmployeeFactory
from sales.tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def _list_and_detail(client, list_name, detail_name, pk):
    rows = {row["id"]: row for row in client.get(reverse(list_name)).json()["results"]}
    return rows[pk], client.get(reverse(detail_name, args=[pk])).json()


def test_decision_makers_in_the_list_are_the_records_own_and_live(client, world):
    customer = CustomerFactory(owner=world.seller1)
    first, second, binned = (ContactFactory(customer=customer) for _ in range(3))
    deal = OpportunityFactory(owner=world.seller1, customer=customer)
    deal.decision_makers.set([second, first, binned])
    Contact.all_objects.filter(pk=binned.pk).update(deleted_at=timezone.now())
    client.force_login(world.seller1)
    row, detail = _list_and_detail(client, "sales-api:opportunity-list", "sales-api:opportunity-detail", deal.pk)
    assert sorted(row["decision_makers"]) == sorted([first.pk, second.pk])
    assert row["decision_makers"] == detail["decision_makers"]
    assert row == detail


def test_participants_in_the_list_match_the_record_and_cost_no_query_per_row(client, world):
    people = [EmployeeFactory(unit=world.seller1.unit) for _ in range(3)]
    activity = ActivityFactory(owner=world.seller1)
    activity.participants.set(people[:2])
    client.force_login(world.seller1)
    row, detail = _list_and_detail(client, "activities-api:activity-list", "activities-api:activity-detail",
                                   activity.pk)
    assert sorted(row["participants"]) == sorted(p.pk for p in people[:2])
    assert row["participants"] == detail["participants"]
    url = reverse("activities-api:activity-list")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        ActivityFactory(owner=world.seller1, customer=activity.customer).participants.set(people)
    with CaptureQueriesContext(connection) as more:
        rows = client.get(url).json()["results"]
    assert len(more) == len(few)
    assert sum(len(r["participants"]) for r in rows) == 2 + 4 * 3
    # Read as ids: the participants' query reads no other column of theirs (a plain prefetch read
    # whole employees, password hashes included, and built a queryset per row to hold them).
    through = [q["sql"] for q in more.captured_queries if "activities_activity_participants" in q["sql"]
               and q["sql"].lstrip().startswith("SELECT") and 'FROM "org_employee"' in q["sql"]]
    assert through and all('"org_employee"."username"' not in sql.split(" FROM ")[0] for sql in through)
