from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("activities", views.ActivityViewSet)
router.register("daily-reports", views.DailyReportViewSet)
router.register("plans", views.PlanViewSet)

app_name = "activities-api"
urlpatterns = router.urls
