"""Activities: the generated suites (pages, API, bad input, scope with participants, query counts,
random org trees), and what activities do to the records they are linked to."""



import pytest

from activities import access
from activities.models import Activity
from activities.tests.expectations import ActivityRecords
from activities.tests.factories import ActivityFactory
from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.randomized import RandomizedScopeTests
from core.testing.scope import ScopeTests
from customers.tests.factories import ContactFactory, CustomerFactory
from org.tests.factories import EmployeeFactory
from sales.tests.factories import OpportunityFactory


class ActivityTestObject:
    """What the generated suites need to know of activities (shared by the two test classes)."""

    model = Activity
    rule = ActivityRecords()
    actor = "ceo"
    query_users = ("ceo", "seller1")
    label_field = "subject"
    ordering_field = "subject"

    def make(self, ctx, *, owner=None, **fields):
        if "name" in fields:
            fields["subject"] = fields.pop("name")
        return ActivityFactory(owner=owner or ctx.users[self.actor], **fields)

    def the_customer(self, ctx):
        if getattr(self, "_customer", None) is None:
            self._customer = CustomerFactory(owner=ctx.users["seller1"])
        return self._customer

    def make_related(self, ctx, field, owner):
        if field == "customer":
            return CustomerFactory(owner=owner)
        if field == "contact":
            customer = self.the_customer(ctx) if owner == ctx.users["seller1"] else CustomerFactory(owner=owner)
            return ContactFactory(customer=customer)
        if field == "opportunity":
            customer = self.the_customer(ctx) if owner == ctx.users["seller1"] else CustomerFactory(owner=owner)
            return OpportunityFactory(owner=owner, customer=customer)
        raise AssertionError(field)

    def scope_rows(self, ctx):
        rows = super().scope_rows(ctx)
        # A participant from another region sees the visit they join, nothing else of its owner.
        outsider = EmployeeFactory(username="visit.participant", unit=ctx.units["south"])
        joined = self.make(ctx, owner=ctx.users["seller1"], subject="甲联合拜访")
        joined.participants.add(outsider)
        rows.append(joined)
        return rows

    def spread_random(self, ctx, rng, org, rows):
        for activity in rows:
            if rng.random() < 0.4:
                activity.participants.add(rng.choice(org.people))

    def add_related(self, ctx, obj, user, count):
        super().add_related(ctx, obj, user, count)
        obj.participants.add(*[EmployeeFactory() for _ in range(count)])



class TestActivity(ActivityTestObject, PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests,
                   RandomizedScopeTests):
    # --- pages ----------------------------------------------------------------------------------

    def create_fields(self, ctx):
        customer = self.the_customer(ctx)
        return {"kind": "visit", "subject": "拜访信息中心主任", "status": "planned",
                "starts_at": "2027-03-01T10:00", "ends_at": "2027-03-01T11:30", "priority": "high",
                "customer": str(customer.pk), "location": "北京市海淀区中关村大街1号",
                "participants": [str(ctx.users["dept_head"].pk)], "remind_minutes_before": "30"}

    invalid_fields = [
        ("subject", {"subject": ""}),
        ("subject", {"subject": "名" * 201}),
        ("kind", {"kind": "party"}),
        ("starts_at", {"starts_at": "2027-02-30T10:00"}),
        ("ends_at", {"ends_at": "2027-03-01T09:00"}),
        ("customer", {"customer": "99999999"}),
        ("contact", lambda data: {**data, "contact": str(ContactFactory(customer=CustomerFactory()).pk)}),
        ("checkin_lat", {"checkin_lat": "91", "checkin_lng": "116"}),
        ("remind_minutes_before", {"remind_minutes_before": "-5"}),
        ("owner", {"owner": "99999999"}),
        ("participants", {"participants": ["99999999"]}),
        ("starts_at", {"kind": "meeting", "starts_at": "", "ends_at": ""}),
        ("due_at", {"kind": "task", "starts_at": "", "ends_at": "", "due_at": ""}),
    ]

    def edit_changes(self, ctx):
        return ({"subject": "改约拜访甲", "status": "done"}, {"subject": "改约拜访乙", "location": "客户总部"})

    def bulk_edit_changes(self, ctx):
        return {"priority": "high"}

    # --- API ------------------------------------------------------------------------------------

    def api_create_data(self, ctx):
        customer = self.the_customer(ctx)
        return {"kind": "call", "subject": "API电话回访", "status": "done", "starts_at": "2026-11-20T09:30:00+08:00",
                "customer": customer.pk}

    api_invalid = [
        ("subject", {"subject": "名" * 201}),
        ("kind", {"kind": "party"}),
        ("customer", {"customer": 99999999}),
        ("starts_at", {"starts_at": "yesterday"}),
        ("ends_at", {"starts_at": "2027-03-01T10:00:00+08:00", "ends_at": "2027-03-01T09:00:00+08:00"}),
        ("checkin_lng", {"checkin_lat": "39.9", "checkin_lng": "181"}),
        ("owner", {"owner": 99999999}),
    ]

    def api_changes(self, ctx):
        return ({"subject": "API改约一", "status": "done"}, {"subject": "API改约二"})


class TestActivityScopeForManyPeople(ActivityTestObject, ScopeTests, RandomizedScopeTests):
    """The scope suites again with everyone counted as "many people" (activities.access): the
    participants rule then reaches the activities by a subquery instead of a list of ids, and must
    reach exactly the same rows (a manager over a real branch takes that way)."""

    @pytest.fixture(autouse=True)
    def _many_people(self, monkeypatch):
        monkeypatch.setattr(access, "MANY_PEOPLE", 1)
