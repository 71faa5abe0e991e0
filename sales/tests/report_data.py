"""A constructed sales history for the report tests: deals with explicit stage paths, dates,
reasons and competitors, and the expected figures computed here from those paths — plain Python
over the test's own data, never through the selectors or visible_to."""

import datetime
from decimal import Decimal

from django.utils import timezone

from sales.models import Opportunity, OpportunityCompetitor, StageChange
from sales.models.opportunities import OpportunityStatus
from sales.tests.factories import OpportunityFactory

STATUS = {"open": OpportunityStatus.OPEN, "won": OpportunityStatus.WON, "lost": OpportunityStatus.LOST}


def local(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def make_deal(pipeline, owner, path, *, amount="100000.00", probability=None, created=None, closed=None,
              reason=None, won_by=None, competitors=(), product_line=None, registration="registered",
              last_activity=None, stage_changed=None):
    """An opportunity whose stage history is `path` (stage names, first to current)."""
    stages = {stage.name: stage for stage in pipeline.stages.all()}
    current = stages[path[-1]]
    created = created or local(2026, 3, 10)
    extra = {"product_line": product_line} if product_line is not None else {}
    if product_line is None and pipeline.product_line_id:
        extra["product_line"] = pipeline.product_line
    deal = OpportunityFactory(owner=owner, pipeline=pipeline, stage=current,
                              amount=Decimal(amount) if amount is not None else None, probability=probability,
                              **extra)
    moments = [created + datetime.timedelta(days=index * 3) for index in range(len(path))]
    previous = None
    for name, moment in zip(path, moments, strict=True):
        StageChange.objects.create(opportunity=deal, from_stage=previous, to_stage=stages[name], changed_by=owner,
                                   changed_at=moment)
        previous = stages[name]
    closing = closed or (moments[-1] if current.kind != "open" else None)
    Opportunity.all_objects.filter(pk=deal.pk).update(
        created_at=created, status=STATUS[current.kind], closed_at=closing, close_reason=reason, won_by=won_by,
        registration_status=registration, stage_changed_at=stage_changed or moments[-1],
        last_activity_at=last_activity)
    for competitor in competitors:
        OpportunityCompetitor.objects.create(opportunity=deal, competitor=competitor, price=Decimal("90000.00"))
    deal.refresh_from_db()
    deal.path = list(path)
    return deal


def expected_funnel(pipeline, deals):
    """{stage name: {"count", "amount", "weighted", "reached"}} from the deals' constructed paths."""
    stages = list(pipeline.stages.order_by("order"))
    order = {stage.name: stage.order for stage in stages}
    kind = {stage.name: stage.kind for stage in stages}
    result = {}
    for stage in stages:
        here = [deal for deal in deals if deal.path[-1] == stage.name]
        amount = sum((deal.amount or Decimal(0) for deal in here), Decimal(0))
        weighted = sum(((deal.amount or Decimal(0)) * (deal.probability if deal.probability is not None
                                                        else stage.probability) / 100 for deal in here), Decimal(0))
        reached = None
        if stage.kind != "lost":
            reached = sum(1 for deal in deals
                          if any(kind[name] != "lost" and order[name] >= stage.order for name in deal.path))
        result[stage.name] = {"count": len(here), "amount": amount.quantize(Decimal("0.01")),
                              "weighted": weighted.quantize(Decimal("0.01")), "reached": reached}
    return result
