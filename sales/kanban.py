"""The kanban's read side: one pipeline's stages as columns, with the count and amount of the
visible, filtered opportunities in each, and the newest cards of each open stage (bounded)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from core.formatting import EMPTY, format_money

from .models import Opportunity, Pipeline
from .models.pipelines import StageKind
from .selectors import default_pipeline

CARDS_PER_COLUMN = 50
# Won and lost columns count the deals closed lately (all of them would grow without end).
CLOSED_DAYS = 30


@dataclass
class Column:
    stage: object
    count: int = 0
    amount: object = 0
    cards: list = field(default_factory=list)
    more: bool = False

    @property
    def amount_text(self):
        return format_money(self.amount or 0)

    @property
    def closed(self):
        return self.stage.kind != StageKind.OPEN


def kanban_pipelines():
    return Pipeline.objects.filter(is_active=True).select_related("product_line").order_by("name", "pk")


def pick_pipeline(pipeline_id=None, product_line=None):
    """The pipeline asked for, else the product line's, else the default one, else the first."""
    pipelines = kanban_pipelines()
    if pipeline_id:
        chosen = pipelines.filter(pk=pipeline_id).first()
        if chosen is not None:
            return chosen
    return default_pipeline(product_line) if product_line is not None else (
        pipelines.filter(product_line__isnull=True).first() or pipelines.first())


def column_totals(rows, stages):
    """{stage id: (count, amount)} of `rows` (already scoped and filtered) over `stages`: one query.
    Closed stages count only what closed in the last CLOSED_DAYS days."""
    open_ids = [s.pk for s in stages if s.kind == StageKind.OPEN]
    closed_ids = [s.pk for s in stages if s.kind != StageKind.OPEN]
    since = timezone.now() - timedelta(days=CLOSED_DAYS)
    totals = {}
    for ids, extra in ((open_ids, {}), (closed_ids, {"closed_at__gte": since})):
        if not ids:
            continue
        for row in (rows.filter(stage_id__in=ids, **extra).order_by().values("stage_id")
                    .annotate(count=Count("pk"), amount=Sum("amount"))):
            totals[row["stage_id"]] = (row["count"], row["amount"] or 0)
    return totals


def kanban_columns(rows, stages):
    """Columns for `stages`, with totals and, for open stages, the CARDS_PER_COLUMN most recently
    updated cards (one bounded query per open stage on the (stage, -updated_at) index)."""
    totals = column_totals(rows, stages)
    columns = []
    for stage in stages:
        count, amount = totals.get(stage.pk, (0, 0))
        column = Column(stage=stage, count=count, amount=amount)
        if stage.kind == StageKind.OPEN and count:
            cards = list(rows.filter(stage=stage).select_related("customer", "owner")
                         .order_by("-updated_at", "-pk")[:CARDS_PER_COLUMN + 1])
            column.more = len(cards) > CARDS_PER_COLUMN
            column.cards = cards[:CARDS_PER_COLUMN]
            for card in column.cards:
                card.amount_text = format_money(card.amount, card.currency) if card.amount is not None else EMPTY
        columns.append(column)
    return columns


def kanban_rows(user, pipeline):
    """The opportunities of `pipeline` that `user` may see (the filters narrow them further)."""
    return Opportunity.objects.visible_to(user, "view").filter(pipeline=pipeline)
