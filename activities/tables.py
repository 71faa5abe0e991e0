import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import DateTimeColumn, KedaoTable

from .models import Activity


class ActivityTable(KedaoTable):
    subject = tables.Column(linkify=True)
    starts_at = DateTimeColumn(format="Y-m-d H:i", verbose_name=_("When"))
    due_at = DateTimeColumn(format="Y-m-d H:i")
    customer = tables.Column(linkify=True, order_by=("customer__name",))
    opportunity = tables.Column(linkify=True, orderable=False)
    owner = tables.Column(order_by=("owner__username",))
    org_unit = tables.Column(orderable=False)
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = Activity
        fields = ("pk", "subject", "kind", "starts_at", "due_at", "customer", "opportunity", "status", "priority",
                  "owner", "org_unit", "updated_at")

    default_hidden = ("priority", "org_unit", "updated_at")
