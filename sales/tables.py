import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import DateTimeColumn, KedaoTable, PhoneColumn

from .models import (
    Competitor,
    Lead,
    LeadAssignmentRule,
    LeadSource,
    Opportunity,
    OpportunityCompetitor,
    OpportunityLine,
    OpportunityTeamMember,
    Pipeline,
    PriceList,
    PriceListItem,
    Product,
    Stage,
    WinLossReason,
)


class ProductTable(KedaoTable):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    product_line = tables.Column(order_by=("product_line__name",))
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = Product
        fields = ("pk", "name", "code", "product_line", "unit", "list_price", "tax_rate", "is_active", "updated_at")

    default_hidden = ("updated_at",)


class PriceListTable(KedaoTable):
    name = tables.Column(linkify=True)
    product_line = tables.Column(orderable=False)

    class Meta(KedaoTable.Meta):
        model = PriceList
        fields = ("pk", "name", "product_line", "currency", "valid_from", "valid_to", "is_active")


class PriceListItemTable(KedaoTable):
    product = tables.Column(linkify=True, order_by=("product__code",))
    price_list = tables.Column(linkify=True, order_by=("price_list__name",))

    class Meta(KedaoTable.Meta):
        model = PriceListItem
        fields = ("pk", "notes", "price_list", "product", "price")


class LeadSourceTable(KedaoTable):
    name = tables.Column(linkify=True)

    class Meta(KedaoTable.Meta):
        model = LeadSource
        fields = ("pk", "name", "code", "order", "is_active")


class LeadTable(KedaoTable):
    name = tables.Column(linkify=True)
    phone = PhoneColumn(orderable=False)
    source = tables.Column(order_by=("source__name",))
    product_line = tables.Column(orderable=False)
    owner = tables.Column(order_by=("owner__username",))
    org_unit = tables.Column(orderable=False)
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = Lead
        fields = ("pk", "name", "company", "title", "phone", "email", "source", "product_line", "status", "owner",
                  "org_unit", "updated_at")

    default_hidden = ("title", "email", "product_line")


class LeadAssignmentRuleTable(KedaoTable):
    name = tables.Column(linkify=True)
    industry = tables.Column(orderable=False)
    product_line = tables.Column(orderable=False)
    source = tables.Column(orderable=False)
    province = tables.Column(orderable=False)

    class Meta(KedaoTable.Meta):
        model = LeadAssignmentRule
        fields = ("pk", "name", "order", "province", "industry", "product_line", "source", "is_active")


class PipelineTable(KedaoTable):
    name = tables.Column(linkify=True)
    product_line = tables.Column(order_by=("product_line__name",))

    class Meta(KedaoTable.Meta):
        model = Pipeline
        fields = ("pk", "name", "product_line", "stall_days", "is_active")


class StageTable(KedaoTable):
    name = tables.Column(linkify=True)
    pipeline = tables.Column(linkify=True, order_by=("pipeline__name",))
    forecast_category = tables.Column(orderable=False)
    kind = tables.Column(orderable=False)
    approval_threshold = tables.Column(orderable=False)

    class Meta(KedaoTable.Meta):
        model = Stage
        fields = ("pk", "name", "pipeline", "order", "probability", "forecast_category", "kind",
                  "approval_threshold")


class WinLossReasonTable(KedaoTable):
    name = tables.Column(linkify=True)

    class Meta(KedaoTable.Meta):
        model = WinLossReason
        fields = ("pk", "name", "kind", "order", "is_active")


class CompetitorTable(KedaoTable):
    name = tables.Column(linkify=True)
    website = tables.Column(orderable=False)

    class Meta(KedaoTable.Meta):
        model = Competitor
        fields = ("pk", "name", "website", "is_active")


class OpportunityTable(KedaoTable):
    name = tables.Column(linkify=True)
    customer = tables.Column(linkify=True, order_by=("customer__name",))
    product_line = tables.Column(orderable=False)
    stage = tables.Column(order_by=("stage__order",))

    def render_stage(self, value, record):
        # A stalled deal says so beside its stage (sales.stalled; the list selects the pipeline).
        from .stalled import stalled_badge

        badge = stalled_badge(record)
        return format_html("{} {}", value, badge) if badge else value

    def value_stage(self, value):
        return str(value)

    owner = tables.Column(order_by=("owner__username",))
    org_unit = tables.Column(orderable=False)
    registration_status = tables.Column(orderable=False)
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = Opportunity
        fields = ("pk", "name", "customer", "product_line", "stage", "amount", "probability",
                  "expected_close_date", "status", "registration_status", "owner", "org_unit", "updated_at")

    default_hidden = ("probability", "registration_status", "org_unit")


class OpportunityLineTable(KedaoTable):
    opportunity = tables.Column(linkify=True, orderable=False)
    product = tables.Column(linkify=True, order_by=("product__code",))
    total = tables.Column(verbose_name=_("total"), orderable=False, accessor="total")

    class Meta(KedaoTable.Meta):
        model = OpportunityLine
        fields = ("pk", "opportunity", "product", "description", "quantity", "unit_price", "discount", "total")


class OpportunityCompetitorTable(KedaoTable):
    opportunity = tables.Column(linkify=True, orderable=False)
    competitor = tables.Column(linkify=True, order_by=("competitor__name",))

    class Meta(KedaoTable.Meta):
        model = OpportunityCompetitor
        fields = ("pk", "opportunity", "competitor", "product", "price")


class OpportunityTeamMemberTable(KedaoTable):
    opportunity = tables.Column(linkify=True, orderable=False)
    employee = tables.Column(order_by=("employee__username",))

    class Meta(KedaoTable.Meta):
        model = OpportunityTeamMember
        fields = ("pk", "opportunity", "employee", "role", "notes")
