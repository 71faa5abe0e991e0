from core.api.viewsets import KedaoModelViewSet

from .. import filtersets as f
from ..models import (
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
from . import serializers as s
from .leads import LeadActionsMixin
from .stages import StageMoveMixin


class ProductViewSet(KedaoModelViewSet):
    queryset = Product.objects.select_related("product_line")
    serializer_class = s.ProductSerializer
    filterset_class = f.ProductFilterSet


class PriceListViewSet(KedaoModelViewSet):
    queryset = PriceList.objects.all()
    serializer_class = s.PriceListSerializer
    filterset_class = f.PriceListFilterSet


class PriceListItemViewSet(KedaoModelViewSet):
    queryset = PriceListItem.objects.select_related("price_list", "product")
    serializer_class = s.PriceListItemSerializer
    filterset_class = f.PriceListItemFilterSet


class LeadSourceViewSet(KedaoModelViewSet):
    queryset = LeadSource.objects.all()
    serializer_class = s.LeadSourceSerializer
    filterset_class = f.LeadSourceFilterSet


class LeadViewSet(LeadActionsMixin, KedaoModelViewSet):
    queryset = Lead.objects.select_related("owner", "org_unit")
    serializer_class = s.LeadSerializer
    filterset_class = f.LeadFilterSet


class LeadAssignmentRuleViewSet(KedaoModelViewSet):
    queryset = LeadAssignmentRule.objects.prefetch_related("assignees")
    serializer_class = s.LeadAssignmentRuleSerializer
    filterset_class = f.LeadAssignmentRuleFilterSet


class PipelineViewSet(KedaoModelViewSet):
    queryset = Pipeline.objects.all()
    serializer_class = s.PipelineSerializer
    filterset_class = f.PipelineFilterSet


class StageViewSet(KedaoModelViewSet):
    queryset = Stage.objects.all()
    serializer_class = s.StageSerializer
    filterset_class = f.StageFilterSet


class WinLossReasonViewSet(KedaoModelViewSet):
    queryset = WinLossReason.objects.all()
    serializer_class = s.WinLossReasonSerializer
    filterset_class = f.WinLossReasonFilterSet


class CompetitorViewSet(KedaoModelViewSet):
    queryset = Competitor.objects.all()
    serializer_class = s.CompetitorSerializer
    filterset_class = f.CompetitorFilterSet


class OpportunityViewSet(StageMoveMixin, KedaoModelViewSet):
    queryset = Opportunity.objects.select_related("customer", "stage", "owner", "org_unit").prefetch_related(
        "decision_makers")
    serializer_class = s.OpportunitySerializer
    filterset_class = f.OpportunityFilterSet


class OpportunityLineViewSet(KedaoModelViewSet):
    queryset = OpportunityLine.objects.select_related("opportunity", "product")
    serializer_class = s.OpportunityLineSerializer
    filterset_class = f.OpportunityLineFilterSet


class OpportunityCompetitorViewSet(KedaoModelViewSet):
    queryset = OpportunityCompetitor.objects.select_related("opportunity", "competitor")
    serializer_class = s.OpportunityCompetitorSerializer
    filterset_class = f.OpportunityCompetitorFilterSet


class OpportunityTeamMemberViewSet(KedaoModelViewSet):
    queryset = OpportunityTeamMember.objects.select_related("opportunity", "employee")
    serializer_class = s.OpportunityTeamMemberSerializer
    filterset_class = f.OpportunityTeamMemberFilterSet
