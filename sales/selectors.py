"""Read-side queries of the sales app."""

from .models import Pipeline, Stage, StageKind


def default_pipeline(product_line):
    """The active pipeline of `product_line`, else the default one (no product line)."""
    pipelines = Pipeline.objects.filter(is_active=True)
    return (pipelines.filter(product_line=product_line).first()
            or pipelines.filter(product_line__isnull=True).order_by("pk").first())


def first_stage(pipeline):
    return Stage.objects.filter(pipeline=pipeline, kind=StageKind.OPEN).order_by("order", "pk").first()
