import factory
from factory.django import DjangoModelFactory

from org.models import OrgUnit
from targets.models import TargetPlan


class TargetPlanFactory(DjangoModelFactory):
    class Meta:
        model = TargetPlan

    name = factory.Sequence(lambda n: f"年度签约目标{n}")
    fiscal_year = factory.Sequence(lambda n: 2030 + n % 60)
    measure = "won_amount"
    org_unit = factory.LazyFunction(lambda: OrgUnit.objects.filter(parent__isnull=True).first())
    total = factory.Sequence(lambda n: 1_000_000 + n)
    grain = "month"
