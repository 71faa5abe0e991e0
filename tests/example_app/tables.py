import django_tables2 as tables

from core.tables import DateTimeColumn, KedaoTable, TagsColumn

from .models import Project


class ProjectTable(KedaoTable):
    name = tables.Column(linkify=True)
    customer = tables.Column(linkify=True, order_by=("customer__name",))
    owner = tables.Column(order_by=("owner__username",))
    org_unit = tables.Column(orderable=False)
    tags = TagsColumn(orderable=False)
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = Project
        fields = ("pk", "name", "customer", "stage", "budget", "due_date", "owner", "org_unit", "tags",
                  "updated_at")

    default_hidden = ("budget",)
