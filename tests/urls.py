"""The project's URLs (and error handlers) plus those of the test-only apps (tests/settings.py)."""

from django.urls import include, path

from kedao.urls import handler400, handler403, handler404, handler500  # noqa: F401  (Django reads them here)
from kedao.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("", include("tests.example_app.urls")),
    path("api/example/", include("tests.example_app.api.urls")),
]
