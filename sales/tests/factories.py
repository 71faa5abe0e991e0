import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from customers.tests.factories import ContactFactory, CustomerFactory
from org.tests.factories import EmployeeFactory, ProductLineFactory
from sales.models import (
    Competitor,
    Lead,
    LeadAssignmentRule,
    LeadSource,
    Opportunity,
    OpportunityCompetitor,
    OpportunityLine,
    OpportunityTeamMember,
    Pipeline,
    PriceList,
    PriceListItem,
    Product,
    Stage,
    WinLossReason,
)


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    product_line = factory.SubFactory(ProductLineFactory)
    code = factory.Sequence(lambda n: f"P{n:05d}")
    name = factory.Sequence(lambda n: f"测试产品{n}")
    list_price = Decimal("10000.00")


class PriceListFactory(DjangoModelFactory):
    class Meta:
        model = PriceList

    name = factory.Sequence(lambda n: f"价目表{n}")
    valid_from = datetime.date(2026, 1, 1)


class PriceListItemFactory(DjangoModelFactory):
    class Meta:
        model = PriceListItem

    price_list = factory.SubFactory(PriceListFactory)
    product = factory.SubFactory(ProductFactory)
    price = Decimal("9000.00")


class LeadSourceFactory(DjangoModelFactory):
    class Meta:
        model = LeadSource

    name = factory.Sequence(lambda n: f"来源{n}")
    code = factory.Sequence(lambda n: f"source-{n}")


class LeadFactory(DjangoModelFactory):
    class Meta:
        model = Lead

    name = factory.Sequence(lambda n: f"王线索{n}")
    company = factory.Sequence(lambda n: f"线索公司{n}")
    owner = factory.SubFactory(EmployeeFactory)
    org_unit = factory.LazyAttribute(lambda o: o.owner.unit if o.owner else None)


class LeadAssignmentRuleFactory(DjangoModelFactory):
    class Meta:
        model = LeadAssignmentRule
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"分配规则{n}")

    @factory.post_generation
    def assignees(self, create, extracted, **kwargs):
        if create:
            self.assignees.set(extracted or [EmployeeFactory()])


class PipelineFactory(DjangoModelFactory):
    class Meta:
        model = Pipeline

    name = factory.Sequence(lambda n: f"销售流程{n}")
    product_line = None


class StageFactory(DjangoModelFactory):
    class Meta:
        model = Stage

    pipeline = factory.SubFactory(PipelineFactory)
    name = factory.Sequence(lambda n: f"阶段{n}")
    order = factory.Sequence(lambda n: n)
    probability = 20


def make_pipeline(product_line=None, name=None, stages=None):
    """A pipeline with the usual stages: 线索确认 10 → 需求分析 30 → 方案报价 60 → 商务谈判 80 → 赢单 / 丢单."""
    pipeline = PipelineFactory(product_line=product_line, name=name or f"流程{Pipeline.all_objects.count() + 1}")
    for order, (stage_name, probability, kind, category) in enumerate(stages or (
            ("线索确认", 10, "open", "pipeline"), ("需求分析", 30, "open", "pipeline"),
            ("方案报价", 60, "open", "best_case"), ("商务谈判", 80, "open", "commit"),
            ("赢单", 100, "won", "closed"), ("丢单", 0, "lost", "omitted"))):
        StageFactory(pipeline=pipeline, name=stage_name, order=(order + 1) * 10, probability=probability, kind=kind,
                     forecast_category=category)
    return pipeline


def default_pipeline():
    """The shared default pipeline of a test (no product line), made once."""
    return Pipeline.objects.filter(product_line__isnull=True, name="默认流程").first() or make_pipeline(name="默认流程")


class WinLossReasonFactory(DjangoModelFactory):
    class Meta:
        model = WinLossReason

    kind = "lost"
    name = factory.Sequence(lambda n: f"原因{n}")


class CompetitorFactory(DjangoModelFactory):
    class Meta:
        model = Competitor

    name = factory.Sequence(lambda n: f"竞争对手{n}")


class OpportunityFactory(DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试商机{n}")
    owner = factory.SubFactory(EmployeeFactory)
    org_unit = factory.LazyAttribute(lambda o: o.owner.unit)
    customer = factory.LazyAttribute(lambda o: CustomerFactory(owner=o.owner))
    product_line = factory.SubFactory(ProductLineFactory)
    pipeline = factory.LazyFunction(default_pipeline)
    stage = factory.LazyAttribute(lambda o: o.pipeline.stages.filter(kind="open").order_by("order").first())
    amount = Decimal("100000.00")


class OpportunityLineFactory(DjangoModelFactory):
    class Meta:
        model = OpportunityLine

    opportunity = factory.SubFactory(OpportunityFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = Decimal("2")
    unit_price = Decimal("5000.00")


class OpportunityCompetitorFactory(DjangoModelFactory):
    class Meta:
        model = OpportunityCompetitor

    opportunity = factory.SubFactory(OpportunityFactory)
    competitor = factory.SubFactory(CompetitorFactory)


class OpportunityTeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = OpportunityTeamMember

    opportunity = factory.SubFactory(OpportunityFactory)
    employee = factory.SubFactory(EmployeeFactory)


__all__ = ["ContactFactory", "CustomerFactory"]
