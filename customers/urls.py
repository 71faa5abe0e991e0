from django.urls import path

from core.urls import object_urlpatterns

from . import account_team as team
from . import (
    customer_page,
    duplicate_views,
    industries,
    pool_views,
    poolrules,
    region_views,
    relations,
    stats,
    team_panels,
    views,
)

app_name = "customers"
urlpatterns = [
    path("customers/duplicates/", duplicate_views.customer_duplicates, name="customer_duplicates"),
    path("customers/merge/", duplicate_views.customer_merge, name="customer_merge"),
    # Before the generic patterns: "pool" is not a customer id, but keep the order obvious.
    path("customers/pool/", pool_views.pool_list, name="pool"),
    path("customers/not-contacted/", pool_views.not_contacted_page, name="not_contacted"),
    path("customers/<int:pk>/claim/", pool_views.customer_claim, name="customer_claim"),
    path("customers/<int:pk>/assign/", pool_views.customer_assign, name="customer_assign"),
    path("customers/<int:pk>/release/", pool_views.customer_release, name="customer_release"),
    path("customers/<int:pk>/touch/", pool_views.customer_touch, name="customer_touch"),
    path("customers/<int:pk>/account-team/", team_panels.account_team_manage, name="account_team_manage"),
    path("customers/stats/", stats.stats_page, name="stats"),
    path("customers/regions/options/", region_views.region_options, name="region_options"),
    path("customers/regions/fill/", region_views.region_fill, name="region_fill"),
    *object_urlpatterns("customer", "customers", list=views.CustomerListView, detail=views.CustomerView,
                        edit=duplicate_views.CustomerCreateView, delete=views.CustomerDeleteView,
                        bulk_edit=views.CustomerBulkEditView, bulk_delete=views.CustomerBulkDeleteView),
    *object_urlpatterns("poolrule", "pool-rules", list=poolrules.PoolRuleListView, detail=poolrules.PoolRuleView,
                        edit=poolrules.PoolRuleEditView, delete=poolrules.PoolRuleDeleteView,
                        bulk_delete=poolrules.PoolRuleBulkDeleteView),
    *object_urlpatterns("contact", "contacts", list=views.ContactListView, detail=views.ContactView,
                        edit=views.ContactEditView, delete=views.ContactDeleteView,
                        bulk_delete=views.ContactBulkDeleteView),
    *object_urlpatterns("accountteammember", "account-team-members", list=team.AccountTeamMemberListView,
                        detail=team.AccountTeamMemberView, edit=team.AccountTeamMemberEditView,
                        delete=team.AccountTeamMemberDeleteView, bulk_delete=team.AccountTeamMemberBulkDeleteView),
    *object_urlpatterns("customerstrategy", "customer-strategies", list=team.CustomerStrategyListView,
                        detail=team.CustomerStrategyView, edit=team.CustomerStrategyEditView,
                        delete=team.CustomerStrategyDeleteView, bulk_delete=team.CustomerStrategyBulkDeleteView),
    path("customers/<int:pk>/timeline/", customer_page.customer_timeline, name="customer_timeline"),
    path("customers/<int:pk>/relationships/", customer_page.customer_relationships, name="customer_relationships"),
    *object_urlpatterns("contactrelation", "contact-relations", list=relations.ContactRelationListView,
                        detail=relations.ContactRelationView, edit=relations.ContactRelationEditView,
                        delete=relations.ContactRelationDeleteView, bulk_delete=relations.ContactRelationBulkDeleteView),
    *object_urlpatterns("contactemployeerelation", "employee-relations",
                        list=relations.ContactEmployeeRelationListView, detail=relations.ContactEmployeeRelationView,
                        edit=relations.ContactEmployeeRelationEditView,
                        delete=relations.ContactEmployeeRelationDeleteView,
                        bulk_delete=relations.ContactEmployeeRelationBulkDeleteView),
    *object_urlpatterns("industry", "industries", list=industries.IndustryListView,
                        detail=industries.IndustryView, edit=industries.IndustryEditView,
                        delete=industries.IndustryDeleteView),
]
