"""A pipeline with gates and a big-deal threshold, and deals on it, for the stage-move tests."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.testing.world import build_world
from customers.tests.factories import ContactFactory
from sales.models import Stage
from sales.tests.factories import (
    CompetitorFactory,
    OpportunityCompetitorFactory,
    OpportunityFactory,
    OpportunityLineFactory,
    WinLossReasonFactory,
    default_pipeline,
)

THRESHOLD = Decimal("1000000.00")


class Gated:
    """线索确认 → 需求分析 (needs a decision maker) → 方案报价 (needs line items) → 商务谈判 (needs a
    competitor; approval from ¥1,000,000) → 赢单 (needs the expected close date) / 丢单."""

    def __init__(self):
        self.world = build_world()
        self.pipeline = default_pipeline()
        stages = {stage.name: stage for stage in Stage.objects.filter(pipeline=self.pipeline)}
        self.first, self.needs, self.quote = stages["线索确认"], stages["需求分析"], stages["方案报价"]
        self.talks, self.won, self.lost = stages["商务谈判"], stages["赢单"], stages["丢单"]
        for stage, requirements in ((self.needs, ["decision_maker"]), (self.quote, ["line_items"]),
                                    (self.talks, ["competitor"]), (self.won, ["expected_close_date"])):
            stage.requirements = requirements
            stage.save()
        self.talks.approval_threshold = THRESHOLD
        self.talks.save()
        self.won_reason = WinLossReasonFactory(kind="won", name="方案领先")
        self.lost_reason = WinLossReasonFactory(kind="lost", name="价格偏高")
        self.rival = CompetitorFactory(name="西门子")

    def deal(self, owner=None, stage=None, amount=Decimal("300000.00"), **fields):
        return OpportunityFactory(owner=owner or self.world.seller1, pipeline=self.pipeline,
                                  stage=stage or self.first, amount=amount, **fields)

    @staticmethod
    def add_decision_maker(deal):
        deal.decision_makers.add(ContactFactory(customer=deal.customer, name="杨建华"))

    @staticmethod
    def add_line(deal):
        OpportunityLineFactory(opportunity=deal)

    def add_competitor(self, deal):
        OpportunityCompetitorFactory(opportunity=deal, competitor=self.rival)

    def ready_for_talks(self, deal):
        self.add_decision_maker(deal)
        self.add_line(deal)
        self.add_competitor(deal)
        return deal


@pytest.fixture
def gated(db):
    # The messages are compared in English (the default language of the project is Chinese).
    with translation.override("en"):
        yield Gated()
