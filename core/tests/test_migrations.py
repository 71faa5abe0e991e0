"""Model changes must ship with their migration (CI fails otherwise)."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_every_model_change_has_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"Model changes without a migration (run makemigrations):\n{out.getvalue()}"
                    if exit_.code else "makemigrations exited")
