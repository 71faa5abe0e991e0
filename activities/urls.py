from django.urls import path

from core.urls import object_urlpatterns

from . import calendar_views, views, views_reports

app_name = "activities"
urlpatterns = [
    path("activities/calendar/", calendar_views.calendar_page, name="calendar"),
    path("activities/calendar/move/<int:pk>/", calendar_views.calendar_move, name="calendar_move"),
    path("activities/calendar/feed/", calendar_views.calendar_feed_page, name="calendar_feed"),
    path("activities/calendar/feed/<str:token>.ics", calendar_views.calendar_feed_ics, name="calendar_feed_ics"),
    path("activities/<int:pk>/complete/", views.activity_complete_view, name="activity_complete"),
    path("activities/daily-reports/", views_reports.daily_team, name="daily_team"),
    path("daily-reports/<int:pk>/comment/", views_reports.dailyreport_comment, name="dailyreport_comment"),
    path("plans/<int:pk>/comment/", views_reports.plan_comment, name="plan_comment"),
    *object_urlpatterns("activity", "activities", **views.activity),
    *object_urlpatterns("dailyreport", "daily-reports", **views_reports.dailyreport),
    *object_urlpatterns("plan", "plans", **views_reports.plan),
]
