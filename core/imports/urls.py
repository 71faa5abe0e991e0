from django.urls import path

from . import views

urlpatterns = [
    path("imports/", views.job_list, name="import_list"),
    path("imports/new/<str:object_type>/", views.upload, name="import_upload"),
    path("imports/<int:pk>/", views.detail, name="import_detail"),
    path("imports/<int:pk>/progress/", views.progress, name="import_progress"),
    path("imports/<int:pk>/discard/", views.discard, name="import_discard"),
    path("imports/<int:pk>/errors.<str:export_format>", views.error_report, name="import_errors"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
]
