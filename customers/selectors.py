"""Read-side queries of customers that are more than a filter."""

from django.db.models import Count

from .models import Customer, Level


def customers_by_level(user):
    """[{"level", "label", "count"}] over the customers `user` may view, every level listed."""
    counts = dict(Customer.objects.visible_to(user, "view").order_by().values_list("level")
                  .annotate(count=Count("pk")).values_list("level", "count"))
    return [{"level": value, "label": label, "count": counts.get(value, 0)} for value, label in Level.choices]
