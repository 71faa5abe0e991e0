"""Activities linked to records of later types (core.registry.register_activity_target): the
"sales.lead:12" key forms, the API and the list filter use, read back into a record the user may
see. Customers, contacts and deals keep their own foreign keys (indexed, joined by the reports)."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import related as related_fields
from core.registry import get_activity_target

MAX_KEY = 120


def related_key(obj):
    return f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else ""


def resolve_related(value, user):
    """The record `value` ("app.model:id") names, if its type is an activity target and `user` may
    see it; None for an empty value; ValidationError with a reason otherwise."""
    value = str(value or "").strip()
    if not value:
        return None
    key, _sep, pk = value[:MAX_KEY].partition(":")
    target = get_activity_target(key.lower())
    if target is None or not pk.isdigit() or len(pk) > 18:
        raise ValidationError(_("Activities cannot be linked to “%(value)s”.") % {"value": value[:60]})
    found = related_fields.related_queryset(target.model.objects.all(), user).filter(pk=int(pk)).first()
    if found is None:
        raise ValidationError(_("The linked record does not exist or you may not see it."))
    return found


def link_to(activity, obj):
    """Set (or clear, with None) the activity's link to a record of a later type."""
    activity.related_type = ContentType.objects.get_for_model(type(obj)) if obj is not None else None
    activity.related_id = obj.pk if obj is not None else None
