from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data generators (management commands only; no models)."""

    name = "demo"
    verbose_name = "Demo data"
