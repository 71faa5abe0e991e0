from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("plans", views.TargetPlanViewSet)

app_name = "targets-api"
urlpatterns = [
    path("forecast/", views.ForecastView.as_view(), name="forecast"),
    path("accuracy/", views.AccuracyView.as_view(), name="accuracy"),
    *router.urls,
]
