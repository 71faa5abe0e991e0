from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("customers", views.CustomerViewSet)
router.register("contacts", views.ContactViewSet)

app_name = "customers-api"
urlpatterns = router.urls
