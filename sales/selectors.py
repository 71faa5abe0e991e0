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
