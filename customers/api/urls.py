from rest_framework.routers import DefaultRouter

from . import account_team, views

router = DefaultRouter()
router.register("customers", views.CustomerViewSet)
router.register("contacts", views.ContactViewSet)
router.register("account-team-members", account_team.AccountTeamMemberViewSet)
router.register("customer-strategies", account_team.CustomerStrategyViewSet)

app_name = "customers-api"
urlpatterns = router.urls
