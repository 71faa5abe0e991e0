from django.urls import path

from core.urls import object_urlpatterns

from . import forecast_views, views

app_name = "targets"
urlpatterns = [
    path("targets/forecast/", forecast_views.forecast_page, name="forecast"),
    path("targets/forecast/change/", forecast_views.forecast_change, name="forecast_change"),
    path("targets/forecast/accuracy/", forecast_views.accuracy_page, name="forecast_accuracy"),
    path("targets/plans/<int:pk>/figures/", views.plan_figures, name="targetplan_figures"),
    path("targets/plans/<int:pk>/figures/change/", views.plan_figures_change, name="targetplan_figures_change"),
    *object_urlpatterns("targetplan", "targets/plans", **views.plan),
]
