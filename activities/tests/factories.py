import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from activities.models import Activity, DailyReport, Plan
from customers.tests.factories import CustomerFactory
from org.tests.factories import EmployeeFactory


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity
        skip_postgeneration_save = True

    kind = "visit"
    subject = factory.Sequence(lambda n: f"拜访客户{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    owner = factory.SubFactory(EmployeeFactory)
    org_unit = factory.LazyAttribute(lambda o: o.owner.unit)
    # The customer belongs to the activity's owner: one normally visits one's own customers.
    customer = factory.LazyAttribute(lambda o: CustomerFactory(owner=o.owner))


class DailyReportFactory(DjangoModelFactory):
    class Meta:
        model = DailyReport

    owner = factory.SubFactory(EmployeeFactory)
    org_unit = factory.LazyAttribute(lambda o: o.owner.unit)
    date = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(days=n))
    figures = factory.LazyFunction(lambda: {"calls": 2, "visits": 1})


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    owner = factory.SubFactory(EmployeeFactory)
    org_unit = factory.LazyAttribute(lambda o: o.owner.unit)
    period = "week"
    starts_on = factory.Sequence(lambda n: datetime.date(2024, 1, 1) + datetime.timedelta(weeks=n))
    target_visits = 5
    target_calls = 20
