from rest_framework.routers import DefaultRouter

from . import shares

router = DefaultRouter()
router.register("shares", shares.ShareViewSet, basename="share")

app_name = "core-api"
urlpatterns = router.urls
