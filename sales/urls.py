from django.urls import path

from core.urls import object_urlpatterns

from . import lead_views, reports_leads, views

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
    # Leads: assignment, disqualification, conversion, the lead-source report (h5).
    path("leads/<int:pk>/assign/", lead_views.lead_assign_page, name="lead_assign"),
    path("leads/<int:pk>/disqualify/", lead_views.lead_disqualify_page, name="lead_disqualify"),
    path("leads/<int:pk>/convert/", lead_views.lead_convert_page, name="lead_convert"),
    path("leads/bulk-assign/", lead_views.lead_bulk_assign, name="lead_bulk_assign"),
    path("leads/bulk-assign-rules/", lead_views.lead_bulk_assign_rules, name="lead_bulk_assign_rules"),
    path("reports/lead-sources/", reports_leads.lead_source_report, name="report_lead_sources"),
]
