from django.urls import path

from core.urls import object_urlpatterns

from . import industries, pool_views, poolrules, region_views, stats, views

app_name = "customers"
urlpatterns = [
    # Before the generic patterns: "pool" is not a customer id, but keep the order obvious.
    path("customers/pool/", pool_views.pool_list, name="pool"),
    path("customers/not-contacted/", pool_views.not_contacted_page, name="not_contacted"),
    path("customers/<int:pk>/claim/", pool_views.customer_claim, name="customer_claim"),
    path("customers/<int:pk>/assign/", pool_views.customer_assign, name="customer_assign"),
    path("customers/<int:pk>/release/", pool_views.customer_release, name="customer_release"),
    path("customers/<int:pk>/touch/", pool_views.customer_touch, name="customer_touch"),
    path("customers/stats/", stats.stats_page, name="stats"),
    path("customers/regions/options/", region_views.region_options, name="region_options"),
    path("customers/regions/fill/", region_views.region_fill, name="region_fill"),
    *object_urlpatterns("customer", "customers", list=views.CustomerListView, detail=views.CustomerView,
                        edit=views.CustomerEditView, delete=views.CustomerDeleteView,
                        bulk_edit=views.CustomerBulkEditView, bulk_delete=views.CustomerBulkDeleteView),
    *object_urlpatterns("poolrule", "pool-rules", list=poolrules.PoolRuleListView, detail=poolrules.PoolRuleView,
                        edit=poolrules.PoolRuleEditView, delete=poolrules.PoolRuleDeleteView,
                        bulk_delete=poolrules.PoolRuleBulkDeleteView),
    *object_urlpatterns("contact", "contacts", list=views.ContactListView, detail=views.ContactView,
                        edit=views.ContactEditView, delete=views.ContactDeleteView,
                        bulk_delete=views.ContactBulkDeleteView),
    *object_urlpatterns("industry", "industries", list=industries.IndustryListView,
                        detail=industries.IndustryView, edit=industries.IndustryEditView,
                        delete=industries.IndustryDeleteView),
]
