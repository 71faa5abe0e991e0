import random
import string

import factory
from factory.django import DjangoModelFactory

from customers.models import Contact, Customer, Level
from customers.validators import CHARSET, credit_code_check_char
from org.tests.factories import EmployeeFactory


def make_credit_code(rng=random):
    """A random code with a valid GB 32100 check digit (区划码 from real provinces)."""
    region = rng.choice(["110000", "310000", "440300", "330100", "510100", "420100", "210200"])
    body = "91" + region + "".join(rng.choice(CHARSET) for _ in range(9))
    return body + credit_code_check_char(body)


def bad_check_digit(code):
    wrong = next(c for c in CHARSET if c != code[17])
    return code[:17] + wrong


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"上海测试{n}有限公司")
    credit_code = factory.LazyFunction(make_credit_code)
    level = Level.POTENTIAL
    owner = factory.SubFactory(EmployeeFactory)
    org_unit = factory.LazyAttribute(lambda o: o.owner.unit)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"李{string.ascii_uppercase[n % 26]}{n}")
    mobile = factory.Sequence(lambda n: f"138{n:08d}")


class ContactRelationFactory(DjangoModelFactory):
    class Meta:
        model = "customers.ContactRelation"

    from_contact = factory.SubFactory(ContactFactory)
    to_contact = factory.LazyAttribute(lambda o: ContactFactory(customer=o.from_contact.customer))
    kind = "reports_to"


class ContactEmployeeRelationFactory(DjangoModelFactory):
    class Meta:
        model = "customers.ContactEmployeeRelation"

    contact = factory.SubFactory(ContactFactory)
    employee = factory.SubFactory(EmployeeFactory)
    strength = 3
def industry(code):
    """The GB/T 4754 entry `code` (loaded by migration 0014)."""
    from customers.models import Industry

    return Industry.objects.get(code=code)


def industry_pk(code):
    return str(industry(code).pk)


class IndustryFactory(DjangoModelFactory):
    """An extra division of section C (not in the standard: a company's own entry)."""

    class Meta:
        model = "customers.Industry"

    code = factory.Sequence(lambda n: f"0{n % 1000:03d}")  # sorts before 01: first on the list page
    name = factory.Sequence(lambda n: f"自定义行业{n}")
    name_en = factory.Sequence(lambda n: f"Custom industry {n}")
    parent = factory.LazyFunction(lambda: industry("C"))
