from rest_framework.routers import DefaultRouter

from .. import policies
from . import views

router = DefaultRouter()
router.register("requests", views.ApprovalRequestViewSet, basename="approvalrequest")
router.register("policies", policies.ApprovalPolicyViewSet)

app_name = "approvals-api"
urlpatterns = router.urls
