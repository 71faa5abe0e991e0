import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from sales.models import Quote, QuoteDiscountThreshold, QuoteLine
from sales.tests.factories import OpportunityFactory, ProductFactory


class QuoteFactory(DjangoModelFactory):
    class Meta:
        model = Quote

    opportunity = factory.SubFactory(OpportunityFactory)
    number = factory.Sequence(lambda n: f"Q-2026-{n + 900000:06d}")
    quote_date = factory.LazyFunction(lambda: datetime.date.today())
    valid_until = factory.LazyAttribute(lambda o: o.quote_date + datetime.timedelta(days=30))


class QuoteLineFactory(DjangoModelFactory):
    class Meta:
        model = QuoteLine

    quote = factory.SubFactory(QuoteFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = Decimal("2")
    unit_price = Decimal("5000.00")
    list_price = Decimal("5000.00")
    tax_rate = Decimal("13.00")


class QuoteDiscountThresholdFactory(DjangoModelFactory):
    class Meta:
        model = QuoteDiscountThreshold

    product_line = None
    max_discount = Decimal("15.00")
