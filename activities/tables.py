import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import DateTimeColumn, KedaoTable

from .models import Activity, DailyReport, Plan


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


class DailyReportTable(KedaoTable):
    summary = tables.Column(linkify=True)
    owner = tables.Column(verbose_name=_("Seller"), order_by=("owner__username",))
    org_unit = tables.Column(orderable=False)
    calls = tables.Column(accessor="figures__calls", verbose_name=_("Calls"), orderable=False, default=0)
    visits = tables.Column(accessor="figures__visits", verbose_name=_("Visits"), orderable=False, default=0)
    meetings = tables.Column(accessor="figures__meetings", verbose_name=_("Meetings"), orderable=False, default=0)
    new_customers = tables.Column(accessor="figures__new_customers", verbose_name=_("New customers"),
                                  orderable=False, default=0)
    opportunities_created = tables.Column(accessor="figures__opportunities_created",
                                          verbose_name=_("Opportunities created"), orderable=False, default=0)
    opportunities_won = tables.Column(accessor="figures__opportunities_won", verbose_name=_("Opportunities won"),
                                      orderable=False, default=0)
    tasks_done = tables.Column(accessor="figures__tasks_done", verbose_name=_("Tasks done"), orderable=False,
                               default=0)
    tasks_overdue = tables.Column(accessor="figures__tasks_overdue", verbose_name=_("Tasks overdue"),
                                  orderable=False, default=0)

    class Meta(KedaoTable.Meta):
        model = DailyReport
        fields = ("pk", "summary", "date", "owner", "org_unit")
        sequence = ("pk", "summary", "date", "owner", "org_unit", "calls", "visits", "meetings", "new_customers",
                    "opportunities_created", "opportunities_won", "tasks_done", "tasks_overdue")

    default_hidden = ("org_unit",)


class PlanTable(KedaoTable):
    notes = tables.Column(linkify=True)
    owner = tables.Column(verbose_name=_("Seller"), order_by=("owner__username",))
    org_unit = tables.Column(orderable=False)
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = Plan
        fields = ("pk", "notes", "starts_on", "period", "owner", "org_unit", "target_visits", "target_calls",
                  "target_opportunities", "target_amount", "updated_at")

    default_hidden = ("org_unit", "updated_at")
