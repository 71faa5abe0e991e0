import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from activities.models import Activity
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
