"""Read-side queries of the sales app."""

from .models import Pipeline, Stage, StageKind


def default_pipeline(product_line):
    """The active pipeline of `product_line`, else the default one (no product line)."""
    pipelines = Pipeline.objects.filter(is_active=True)
    return (pipelines.filter(product_line=product_line).first()
            or pipelines.filter(product_line__isnull=True).order_by("pk").first())


def first_stage(pipeline):
    return Stage.objects.filter(pipeline=pipeline, kind=StageKind.OPEN).order_by("order", "pk").first()


def created_between(queryset, start=None, end=None):
    """Rows created on the local days `start` to `end` (dates, both included; None: open), as an
    indexed range on created_at. The lead-source report and the lists' drill-down filters share it,
    so a figure and the list it links to count the same rows."""
    import datetime

    from django.utils import timezone

    zone = timezone.get_current_timezone()
    if start is not None:
        queryset = queryset.filter(created_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=zone))
    if end is not None:
        following = end + datetime.timedelta(days=1)
        queryset = queryset.filter(created_at__lt=datetime.datetime.combine(following, datetime.time.min,
                                                                            tzinfo=zone))
    return queryset
def kanban_columns(user, pipeline, filters=None, *, per_column=20, closed_days=30, now=None):
    """The kanban board of `pipeline` for `user`: [{"stage", "count", "amount", "cards", "more"}]
    per stage in order.

    The opportunities are those `user` may view, narrowed by `filters` (the list's parameters,
    a dict or QueryDict for OpportunityFilterSet: owner, org_unit, product_line, q…; invalid ones
    raise ValidationError with the filterset's errors). Won and lost columns hold only the deals
    closed in the last `closed_days` days (a board of every deal ever closed would grow forever).
    Each column has its total count and amount and its first `per_column` cards, most recently
    updated first, with the customer and owner selected. Two queries whatever the size: the
    totals grouped by stage, and the cards numbered per stage by a window function.
    """
    import datetime
    from types import SimpleNamespace

    from django.core.exceptions import ValidationError
    from django.db.models import Count, F, Q, Sum, Window
    from django.db.models.functions import RowNumber
    from django.utils import timezone

    from .filtersets import OpportunityFilterSet
    from .models import Opportunity

    stages = list(Stage.objects.filter(pipeline=pipeline).order_by("order", "pk"))
    rows = Opportunity.objects.visible_to(user, "view").filter(pipeline=pipeline)
    if filters:
        filterset = OpportunityFilterSet(filters, queryset=rows, request=SimpleNamespace(user=user))
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        rows = filterset.qs
    since = (now or timezone.now()) - datetime.timedelta(days=closed_days)
    rows = rows.filter(Q(stage__kind=StageKind.OPEN) | Q(closed_at__gte=since)).order_by()
    totals = {row["stage_id"]: row for row in rows.values("stage_id").annotate(deals=Count("pk"),
                                                                                 total=Sum("amount"))}
    cards = {}
    if per_column > 0:
        numbered = rows.annotate(position=Window(RowNumber(), partition_by=F("stage_id"),
                                                 order_by=[F("updated_at").desc(), F("pk").desc()]))
        for card in (numbered.filter(position__lte=per_column).select_related("customer", "owner")
                     .order_by("stage_id", "position")):
            cards.setdefault(card.stage_id, []).append(card)
    columns = []
    for stage in stages:
        total = totals.get(stage.pk, {})
        count = total.get("deals", 0)
        columns.append({"stage": stage, "count": count, "amount": total.get("total") or 0,
                        "cards": cards.get(stage.pk, []), "more": count > len(cards.get(stage.pk, []))})
    return columns
