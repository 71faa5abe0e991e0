from rest_framework.routers import DefaultRouter

from ..quotes import api as quote_api
from . import collisions, views, workspace

router = DefaultRouter()
router.register("opportunities", views.OpportunityViewSet)
router.register("opportunity-lines", views.OpportunityLineViewSet)
router.register("opportunity-competitors", views.OpportunityCompetitorViewSet)
router.register("opportunity-team-members", views.OpportunityTeamMemberViewSet)
router.register("leads", views.LeadViewSet)
router.register("products", views.ProductViewSet)
router.register("price-lists", views.PriceListViewSet)
router.register("price-list-items", views.PriceListItemViewSet)
router.register("lead-sources", views.LeadSourceViewSet)
router.register("lead-assignment-rules", views.LeadAssignmentRuleViewSet)
router.register("pipelines", views.PipelineViewSet)
router.register("stages", views.StageViewSet)
router.register("win-loss-reasons", views.WinLossReasonViewSet)
router.register("competitors", views.CompetitorViewSet)
router.register("collisions", collisions.CollisionViewSet)  # registration and collisions (撞单)
quote_api.register_routes(router)  # quotes (issue 9 point 10)
# The deal workspace (issue 9, point 9).
router.register("opportunity-documents", workspace.OpportunityDocumentViewSet)
router.register("opportunity-notes", workspace.OpportunityNoteViewSet)

app_name = "sales-api"
urlpatterns = router.urls
