from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("activities", views.ActivityViewSet)

app_name = "activities-api"
urlpatterns = router.urls
