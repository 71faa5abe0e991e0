"""Read-side queries of the framework that are more than a filter."""

from django.contrib.contenttypes.models import ContentType

from core.models import ObjectChange


def changelog_rows(obj, limit=50):
    """Audit rows of one object for its detail page, newest first."""
    content_type = ContentType.objects.get_for_model(obj.__class__)
    return ObjectChange.objects.filter(content_type=content_type, object_id=obj.pk).select_related("user")[:limit]
