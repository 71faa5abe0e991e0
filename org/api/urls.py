from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("units", views.OrgUnitViewSet)
router.register("employees", views.EmployeeViewSet)
router.register("product-lines", views.ProductLineViewSet)
router.register("teams", views.TeamViewSet)
router.register("roles", views.RoleViewSet)

app_name = "org-api"
urlpatterns = router.urls
