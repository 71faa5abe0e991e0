from django.urls import path

from core.urls import object_urlpatterns

from . import views

app_name = "activities"
urlpatterns = [
    path("activities/<int:pk>/complete/", views.activity_complete_view, name="activity_complete"),
    *object_urlpatterns("activity", "activities", **views.activity),
]
