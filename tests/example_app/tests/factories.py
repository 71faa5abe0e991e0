import factory
from factory.django import DjangoModelFactory

from customers.tests.factories import CustomerFactory
from org.tests.factories import EmployeeFactory
from tests.example_app.models import Project


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试项目{n}")
    owner = factory.SubFactory(EmployeeFactory)
    org_unit = factory.LazyAttribute(lambda o: o.owner.unit)
    # The customer belongs to the project's owner: a project is normally run for one's own customer.
    customer = factory.LazyAttribute(lambda o: CustomerFactory(owner=o.owner))
