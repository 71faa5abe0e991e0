"""The project's URLs plus those of the test-only apps (tests/settings.py)."""

from django.urls import include, path

from kedao.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("", include("tests.example_app.urls")),
    path("api/example/", include("tests.example_app.api.urls")),
]
