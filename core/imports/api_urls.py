from django.urls import path

from . import api

app_name = "imports-api"
urlpatterns = [
    path("imports/", api.ImportListView.as_view(), name="import_list"),
    path("imports/<int:pk>/", api.ImportDetailView.as_view(), name="import_detail"),
    path("imports/<int:pk>/mapping/", api.ImportMappingView.as_view(), name="import_mapping"),
    path("imports/<int:pk>/preview/", api.ImportPreviewView.as_view(), name="import_preview"),
    path("imports/<int:pk>/commit/", api.ImportCommitView.as_view(), name="import_commit"),
    path("imports/<int:pk>/errors/", api.ImportErrorsView.as_view(), name="import_errors"),
    path("exports/<int:pk>/", api.ExportDetailView.as_view(), name="export_detail"),
]
