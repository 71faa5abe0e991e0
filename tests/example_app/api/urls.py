from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("projects", views.ProjectViewSet)

app_name = "example_app-api"
urlpatterns = router.urls
