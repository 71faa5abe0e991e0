from django.urls import path

from core.urls import object_urlpatterns

from . import views
from .workspace import views as workspace_views

app_name = "sales"
urlpatterns = [
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
    # The deal workspace (issue 9, point 9): documents, served only through the download view; notes.
    *object_urlpatterns("opportunitydocument", "opportunity-documents", **workspace_views.document),
    path("opportunity-documents/<int:pk>/download/", workspace_views.document_download,
         name="opportunitydocument_download"),
    *object_urlpatterns("opportunitynote", "opportunity-notes", **workspace_views.note),
]
