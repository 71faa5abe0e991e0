"""Read-side queries of the framework that are more than a filter."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from core.models import ObjectChange
from core.registry import history_children


def changelog_rows(obj, limit=50):
    """Audit rows of one object for its detail page, newest first; with the changes of its parts
    registered through core.registry.register_history_child (one query however many kinds)."""
    content_type = ContentType.objects.get_for_model(obj.__class__)
    condition = Q(content_type=content_type, object_id=obj.pk)
    for child_model, field in history_children(obj.__class__):
        child_ids = child_model._base_manager.filter(**{field: obj.pk}).values("pk")
        condition |= Q(content_type=ContentType.objects.get_for_model(child_model), object_id__in=child_ids)
    return ObjectChange.objects.filter(condition).select_related("user")[:limit]
