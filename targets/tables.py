import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import DateTimeColumn, KedaoTable

from .models import TargetPlan


class TargetPlanTable(KedaoTable):
    name = tables.Column(linkify=True)
    measure = tables.Column(accessor="measure_label", verbose_name=_("Measure"), orderable=False)
    product_line = tables.Column(orderable=False, default="—")
    org_unit = tables.Column(orderable=False)
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = TargetPlan
        fields = ("pk", "name", "fiscal_year", "measure", "product_line", "org_unit", "total", "grain", "status",
                  "updated_at")

    default_hidden = ("updated_at",)
