from django.urls import path

from core.urls import object_urlpatterns

from . import views
from .reports import views as report_views

app_name = "sales"
urlpatterns = [
    # Funnel and stalled deals (h7: sales/reports/).
    path("funnel/", report_views.funnel_page, name="funnel"),
    path("opportunities/stalled/", report_views.StalledOpportunityListView.as_view(), name="opportunity_stalled"),
    *object_urlpatterns("opportunity", "opportunities", **views.opportunity),
    *object_urlpatterns("opportunityline", "opportunity-lines", **views.opportunityline),
    *object_urlpatterns("opportunitycompetitor", "opportunity-competitors", **views.opportunitycompetitor),
    *object_urlpatterns("opportunityteammember", "opportunity-team-members", **views.opportunityteammember),
    *object_urlpatterns("lead", "leads", **views.lead),
    *object_urlpatterns("product", "products", **views.product),
    *object_urlpatterns("pricelist", "price-lists", **views.pricelist),
    *object_urlpatterns("pricelistitem", "price-list-items", **views.pricelistitem),
    *object_urlpatterns("leadsource", "lead-sources", **views.leadsource),
    *object_urlpatterns("leadassignmentrule", "lead-assignment-rules", **views.leadassignmentrule),
    *object_urlpatterns("pipeline", "pipelines", **views.pipeline),
    *object_urlpatterns("stage", "stages", **views.stage),
    *object_urlpatterns("winlossreason", "win-loss-reasons", **views.winlossreason),
    *object_urlpatterns("competitor", "competitors", **views.competitor),
]
