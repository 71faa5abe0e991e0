from django.urls import path

from .imports.urls import urlpatterns as import_urlpatterns
from .views import auth, pages, reports, tasks


def object_urlpatterns(model_name, plural, *, list=None, detail=None, edit=None, delete=None,
                       bulk_edit=None, bulk_delete=None):
    """URLs of one object type, named `<model>_<action>` inside the app's namespace."""
    patterns = []
    if list:
        patterns.append(path(f"{plural}/", list.as_view(), name=f"{model_name}_list"))
    if edit:
        patterns.append(path(f"{plural}/add/", edit.as_view(), name=f"{model_name}_add"))
        patterns.append(path(f"{plural}/<int:pk>/edit/", edit.as_view(), name=f"{model_name}_edit"))
    if bulk_edit:
        patterns.append(path(f"{plural}/bulk-edit/", bulk_edit.as_view(), name=f"{model_name}_bulk_edit"))
    if bulk_delete:
        patterns.append(path(f"{plural}/bulk-delete/", bulk_delete.as_view(), name=f"{model_name}_bulk_delete"))
    if detail:
        patterns.append(path(f"{plural}/<int:pk>/", detail.as_view(), name=f"{model_name}_detail"))
    if delete:
        patterns.append(path(f"{plural}/<int:pk>/delete/", delete.as_view(), name=f"{model_name}_delete"))
    return patterns


app_name = "core"
urlpatterns = [
    path("search/", pages.search, name="search"),
    path("recycle-bin/", pages.recycle_bin, name="recycle_bin"),
    path("recycle-bin/<str:object_type>/<int:pk>/restore/", pages.restore, name="restore"),
    path("panels/<str:object_type>/<int:pk>/<slug:key>/", pages.panel, name="panel"),
    path("autocomplete/<str:object_type>/", pages.autocomplete, name="autocomplete"),
    path("shares/<str:object_type>/<int:pk>/", pages.share_manage, name="share_manage"),
    path("account/password/", auth.password_change, name="password_change"),
    path("system/failed-tasks/", tasks.failed_tasks, name="failed_tasks"),
    path("system/failed-tasks/<uuid:pk>/retry/", tasks.task_retry, name="task_retry"),
    *import_urlpatterns,
    # Report pages of every registered report (core/views/reports.py, docs/development/reports.md).
    path("reports/", reports.report_index, name="report_index"),
    path("reports/<str:key>/", reports.report_page, name="report"),
]
