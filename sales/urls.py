from django.urls import path

from core.urls import object_urlpatterns

from . import collision_report, collision_views, lead_views, reports_leads, stage_views, views
from .quotes import urls as quote_urls
from .reports import views as report_views
from .workspace import views as workspace_views

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
    # Stage moves, reopening and the kanban (issue 9, points 3, 4 and 8: sales/stage_views.py).
    path("opportunities/kanban/", stage_views.opportunity_kanban, name="opportunity_kanban"),
    path("opportunities/<int:pk>/move/", stage_views.opportunity_move, name="opportunity_move"),
    path("opportunities/<int:pk>/kanban-move/", stage_views.opportunity_kanban_move, name="opportunity_kanban_move"),
    # Registration and collisions (撞单), issue 9 point 6: sales/collisions.py
    path("collisions/", collision_views.CollisionListView.as_view(), name="collision_list"),
    path("collisions/report/", collision_report.report_page, name="collision_report"),
    path("collisions/opportunity/<str:pk>/compare/", collision_views.compare, name="collision_compare"),
    # Leads: assignment, disqualification, conversion, the lead-source report (h5).
    path("leads/<int:pk>/assign/", lead_views.lead_assign_page, name="lead_assign"),
    path("leads/<int:pk>/disqualify/", lead_views.lead_disqualify_page, name="lead_disqualify"),
    path("leads/<int:pk>/convert/", lead_views.lead_convert_page, name="lead_convert"),
    path("leads/bulk-assign/", lead_views.lead_bulk_assign, name="lead_bulk_assign"),
    path("leads/bulk-assign-rules/", lead_views.lead_bulk_assign_rules, name="lead_bulk_assign_rules"),
    path("reports/lead-sources/", reports_leads.lead_source_report, name="report_lead_sources"),
    *quote_urls.urlpatterns,  # quotes (issue 9 point 10)
    # The deal workspace (issue 9, point 9): documents, served only through the download view; notes.
    *object_urlpatterns("opportunitydocument", "opportunity-documents", **workspace_views.document),
    path("opportunity-documents/<int:pk>/download/", workspace_views.document_download,
         name="opportunitydocument_download"),
    *object_urlpatterns("opportunitynote", "opportunity-notes", **workspace_views.note),
]
