from django.urls import path

from core.urls import object_urlpatterns

from . import views

app_name = "example_app"
urlpatterns = [
    path("projects/chart/", views.ProjectChartView.as_view(), name="project_chart"),
    *object_urlpatterns("project", "projects", list=views.ProjectListView, detail=views.ProjectView,
                        edit=views.ProjectEditView, delete=views.ProjectDeleteView,
                        bulk_edit=views.ProjectBulkEditView, bulk_delete=views.ProjectBulkDeleteView),
]
