from django.urls import path
from rest_framework.routers import DefaultRouter

from .. import poolrules
from . import account_team, pool, regions, relations, views

router = DefaultRouter()
router.register("customers", views.CustomerViewSet)
router.register("contacts", views.ContactViewSet)
router.register("pool-rules", poolrules.PoolRuleViewSet)
router.register("account-team-members", account_team.AccountTeamMemberViewSet)
router.register("customer-strategies", account_team.CustomerStrategyViewSet)
router.register("contact-relations", relations.ContactRelationViewSet)
router.register("employee-relations", relations.ContactEmployeeRelationViewSet)
router.register("industries", views.IndustryViewSet)

app_name = "customers-api"
urlpatterns = [
    # Before the router: "pool/standing/" is not a pool customer's id.
    path("pool/standing/", pool.StandingView.as_view(), name="pool-standing"),
    path("pool/", pool.PoolViewSet.as_view({"get": "list"}), name="pool-list"),
    path("customers/<int:pk>/claim/", pool.ClaimView.as_view(), name="customer-claim"),
    path("customers/<int:pk>/assign/", pool.AssignView.as_view(), name="customer-assign"),
    path("customers/<int:pk>/release/", pool.ReleaseView.as_view(), name="customer-release"),
    path("customers/<int:pk>/touch/", pool.TouchView.as_view(), name="customer-touch"),
    path("regions/", regions.RegionListView.as_view(), name="regions"),
    *router.urls,
]
