"""Writing activities: the page and the API both come here (save_service)."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.services import check_allowed, object_save

from .models import CONTACT_KINDS, Activity, ActivityStatus


def contacted_at(activity):
    """When an activity counts as contact with the customer, or None: a done call, visit, meeting,
    e-mail or a note."""
    if activity.kind not in CONTACT_KINDS or activity.status != ActivityStatus.DONE:
        return None
    return activity.starts_at or activity.done_at


def touch_links(activity):
    """Move the customer's last-contacted date and the deal's last activity forward (never back):
    one conditional UPDATE each, so concurrent saves keep the latest."""
    from customers.models import Customer
    from sales.models import Opportunity

    moment = contacted_at(activity)
    if moment is None:
        return
    if activity.customer_id:
        Customer.all_objects.filter(pk=activity.customer_id).filter(
            Q(last_contacted_at__isnull=True) | Q(last_contacted_at__lt=moment)).update(last_contacted_at=moment)
    if activity.opportunity_id:
        Opportunity.all_objects.filter(pk=activity.opportunity_id).filter(
            Q(last_activity_at__isnull=True) | Q(last_activity_at__lt=moment)).update(last_activity_at=moment)


def activity_save(*, instance, actor, expected_version=None, save_m2m=None, fields=None):
    """Create or update an activity as `actor`; a done one moves its customer's last-contacted date."""
    with transaction.atomic():
        if instance.status == ActivityStatus.DONE and instance.done_at is None:
            instance.done_at = timezone.now()
        elif instance.status != ActivityStatus.DONE:
            instance.done_at = None
        if instance.status == ActivityStatus.DONE and instance.starts_at is None and instance.kind != "task":
            # A note or e-mail logged without a time happened when it was logged: the timeline and
            # the daily report place it there.
            instance.starts_at = instance.done_at
        if fields is not None and "status" in fields:
            fields = [*fields, "done_at", "starts_at"]
        saved = object_save(instance=instance, actor=actor, expected_version=expected_version, save_m2m=save_m2m,
                            fields=fields)
        touch_links(saved)
        return saved


def activity_complete(*, activity, actor):
    """Mark `activity` done now (a task ticked off, a planned visit that happened)."""
    with transaction.atomic():
        check_allowed(instance=activity, actor=actor, action="change")
        current = Activity.objects.select_for_update().get(pk=activity.pk)
        if current.status == ActivityStatus.DONE:
            return current
        current.status = ActivityStatus.DONE
        return activity_save(instance=current, actor=actor, expected_version=current.version)
