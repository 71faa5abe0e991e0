"""The measures a target plan can count, registered in core.registry (register_target_measure):
won amount from the deals; new customers and visits from their records. Contracts and receipts
register "signed amount" and "cash received" the same way when those apps exist."""

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.registry import register_target_measure


def _rows(queryset, unit, value, within):
    """[(owner id, unit id, value)] grouped; only the units (and owners) of `within` when given
    (targets.selectors.Within: the rows that can count on the page asked for)."""
    queryset = queryset.annotate(unit_id=unit)
    if within is not None:
        queryset = queryset.filter(unit_id__in=list(within.units))
        if within.owners is not None:
            queryset = queryset.filter(owner_id__in=list(within.owners))
    rows = queryset.values_list("owner_id", "unit_id").annotate(value=value).order_by()
    return [row for row in rows if row[0] is not None and row[2]]


def won_amount(start, end, product_line_id, within=None):
    """Won deals by when they were won, in the unit their owner was in at the time."""
    from sales.models import Opportunity

    deals = Opportunity.objects.filter(status="won", closed_at__gte=start, closed_at__lt=end)
    if product_line_id:
        deals = deals.filter(product_line_id=product_line_id)
    return _rows(deals, Coalesce("closed_unit_id", "org_unit_id"), Sum("amount"), within)


def won_link(employee, unit, date_from, date_to, product_line_id):
    query = {"status": "won", "closed_after": date_from.isoformat(), "closed_before": date_to.isoformat(),
             "ordering": "-closed_at"}
    if employee is not None:
        query["owner"] = employee.pk
    elif unit is not None:
        query["org_unit"] = unit.pk
    if product_line_id:
        query["product_line"] = product_line_id
    from urllib.parse import urlencode

    return f"{reverse('sales:opportunity_list')}?{urlencode(query)}"


def new_customers(start, end, product_line_id, within=None):
    from customers.models import Customer

    return _rows(Customer.objects.filter(created_at__gte=start, created_at__lt=end), "org_unit_id", Count("pk"), within)


def visits(start, end, product_line_id, within=None):
    from activities.models import Activity

    done = Activity.objects.filter(kind="visit", status="done", starts_at__gte=start, starts_at__lt=end)
    return _rows(done, "org_unit_id", Count("pk"), within)


def register():
    register_target_measure("won_amount", _("Won amount"), won_amount, kind="money", link=won_link, order=10)
    register_target_measure("new_customers", _("New customers"), new_customers, kind="int", order=40)
    register_target_measure("visits", _("Visits"), visits, kind="int", order=50)
