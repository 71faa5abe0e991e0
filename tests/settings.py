"""Settings of the test run (pyproject.toml: DJANGO_SETTINGS_MODULE): the project's settings plus
the test-only apps under tests/. `make demo` and deployments use kedao.settings, without them."""

import tempfile
from pathlib import Path

from kedao.settings import *  # noqa: F403
from kedao.settings import INSTALLED_APPS

# The example object type that follows docs/development/adding-an-object.md (tests/example_app).
TEST_APPS = ["tests.example_app"]
INSTALLED_APPS = [*INSTALLED_APPS, *TEST_APPS]
ROOT_URLCONF = "tests.urls"

# Deal documents uploaded by tests go to a throw-away folder, never to var/private.
PRIVATE_FILES_ROOT = Path(tempfile.gettempdir()) / "kedao-test-private"
