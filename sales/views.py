"""Pages of the sales object types, declared through the generic views (core.views.generic)."""

from core.views.generic import object_views

from . import filtersets as f
from . import forms, tables
from .lead_views import lead  # noqa: F401  (leads: sales/lead_views.py)
from .models import (
    Competitor,
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
from .services import opportunity_save
from .workspace.page import workspace_view

product = object_views(
    Product, queryset=Product.objects.select_related("product_line"), filterset=f.ProductFilterSet,
    table=tables.ProductTable, form=forms.ProductForm, highlights=("code", "product_line", "list_price", "is_active"))
pricelist = object_views(
    PriceList, queryset=PriceList.objects.select_related("product_line"), filterset=f.PriceListFilterSet,
    table=tables.PriceListTable, form=forms.PriceListForm, highlights=("product_line", "valid_from", "valid_to"))
pricelistitem = object_views(
    PriceListItem, queryset=PriceListItem.objects.select_related("price_list", "product"),
    filterset=f.PriceListItemFilterSet, table=tables.PriceListItemTable, form=forms.PriceListItemForm,
    highlights=("price_list", "product", "price"))
leadsource = object_views(LeadSource, filterset=f.LeadSourceFilterSet, table=tables.LeadSourceTable,
                          form=forms.LeadSourceForm, highlights=("code", "is_active"))
leadassignmentrule = object_views(
    LeadAssignmentRule, filterset=f.LeadAssignmentRuleFilterSet, table=tables.LeadAssignmentRuleTable,
    form=forms.LeadAssignmentRuleForm, highlights=("order", "is_active"))
pipeline = object_views(
    Pipeline, queryset=Pipeline.objects.select_related("product_line"), filterset=f.PipelineFilterSet,
    table=tables.PipelineTable, form=forms.PipelineForm, highlights=("product_line", "stall_days", "is_active"))
stage = object_views(
    Stage, queryset=Stage.objects.select_related("pipeline"), filterset=f.StageFilterSet, table=tables.StageTable,
    form=forms.StageForm, highlights=("pipeline", "probability", "forecast_category", "kind"))
winlossreason = object_views(WinLossReason, filterset=f.WinLossReasonFilterSet, table=tables.WinLossReasonTable,
                             form=forms.WinLossReasonForm, highlights=("kind", "is_active"))
competitor = object_views(Competitor, filterset=f.CompetitorFilterSet, table=tables.CompetitorTable,
                          form=forms.CompetitorForm, highlights=("website", "is_active"))
opportunity = object_views(
    Opportunity,
    queryset=Opportunity.objects.select_related("customer", "product_line", "pipeline", "stage", "source", "lead",
                                                "owner", "org_unit", "close_reason", "won_by", "updated_by"),
    list_queryset=Opportunity.objects.select_related("customer", "product_line", "pipeline", "stage", "owner",
                                                     "org_unit"),
    filterset=f.OpportunityFilterSet, table=tables.OpportunityTable, form=forms.OpportunityForm,
    bulk_edit_form=forms.OpportunityBulkEditForm, save_service=opportunity_save,
    detail_fields=("name", "customer", "product_line", "pipeline", "stage", "amount", "effective_probability",
                   "expected_close_date", "source", "lead", "next_step", "decision_makers", "status",
                   "registration_status", "close_reason", "close_note", "won_by", "closed_at", "description"),
    highlights=("owner", "customer", "stage", "amount", "expected_close_date", "progress"),
    detail={"hide_when_empty": ("lead", "close_reason", "close_note", "won_by", "closed_at")})
# The opportunity page is the deal workspace: stage path and tabs (sales/workspace/page.py).
opportunity["detail"] = workspace_view(opportunity["detail"])
opportunityline = object_views(
    OpportunityLine, queryset=OpportunityLine.objects.select_related("opportunity", "product"),
    filterset=f.OpportunityLineFilterSet, table=tables.OpportunityLineTable, form=forms.OpportunityLineForm,
    highlights=("opportunity", "product", "quantity"))
opportunitycompetitor = object_views(
    OpportunityCompetitor, queryset=OpportunityCompetitor.objects.select_related("opportunity", "competitor"),
    filterset=f.OpportunityCompetitorFilterSet, table=tables.OpportunityCompetitorTable,
    form=forms.OpportunityCompetitorForm, highlights=("opportunity", "competitor", "price"))
opportunityteammember = object_views(
    OpportunityTeamMember, queryset=OpportunityTeamMember.objects.select_related("opportunity", "employee"),
    filterset=f.OpportunityTeamMemberFilterSet, table=tables.OpportunityTeamMemberTable,
    form=forms.OpportunityTeamMemberForm, highlights=("opportunity", "employee", "role"))
