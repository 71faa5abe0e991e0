"""Helpers shared by the demo and benchmark data commands."""

from contextlib import contextmanager

from django.db import connection

from org.demo import ensure_roles  # noqa: F401  (bench_data uses it)


@contextmanager
def manual_timestamps(*models):
    """Let bulk inserts keep the created/updated times we give them (a history, not "now")."""
    saved = []
    for model in models:
        for name in ("created_at", "updated_at"):
            field = model._meta.get_field(name)
            saved.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def is_postgresql():
    return connection.vendor == "postgresql"
