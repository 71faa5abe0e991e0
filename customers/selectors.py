"""Read-side queries of customers that are more than a filter."""

import datetime

from django.db.models import Count, DateTimeField, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Customer, Level


def customers_by_level(user):
    """[{"level", "label", "count"}] over the customers `user` may view, every level listed."""
    counts = dict(Customer.objects.visible_to(user, "view").order_by().values_list("level")
                  .annotate(count=Count("pk")).values_list("level", "count"))
    return [{"level": value, "label": label, "count": counts.get(value, 0)} for value, label in Level.choices]


def not_contacted(queryset, days, now=None):
    """Customers of `queryset` whose last contact is more than `days` days ago; never contacted
    ones count from their creation (a customer added yesterday is not "not contacted for 30 days")."""
    return queryset.filter(not_contacted_condition(days, now))


def not_contacted_condition(days, now=None):
    """The Q of `not_contacted`, for a count filtered inside a grouped query."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return Q(last_contacted_at__lt=cutoff) | Q(last_contacted_at__isnull=True, created_at__lt=cutoff)


def not_contacted_by_owner(user, days, now=None):
    """The "not contacted for N days" page: [(unit id, owner id, count)] over the owned customers
    `user` may view (pool customers have nobody to blame)."""
    rows = not_contacted(Customer.objects.visible_to(user, "view").filter(owner__isnull=False), days, now)
    return list(rows.order_by().values_list("org_unit_id", "owner_id").annotate(count=Count("pk")))


def last_contact_expression():
    return Coalesce("last_contacted_at", "created_at", output_field=DateTimeField())
