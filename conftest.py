import os

import pytest

# Browser journeys are marked "browser"; skipped where Debian's chromium is not installed.
SKIP_BROWSER = bool(os.environ.get("KEDAO_SKIP_BROWSER"))


def pytest_addoption(parser):
    parser.addoption("--badinput-full", action="store_true",
                     help="send the whole hostile-input corpus to every field (core/testing/badinput.py); "
                          "the same as KEDAO_BADINPUT_FULL=1")


def pytest_configure(config):
    if config.getoption("--badinput-full"):
        # An environment variable, so that xdist workers see it too.
        os.environ["KEDAO_BADINPUT_FULL"] = "1"


def pytest_collection_modifyitems(config, items):
    if not SKIP_BROWSER:
        return
    skip = pytest.mark.skip(reason="chromium with a CJK font is not installed (scripts/ensure_chromium.sh)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _no_axes_lockouts_between_tests(settings):
    # Throttling counters live in the cache: a test must not inherit another's failed logins.
    from django.core.cache import cache

    cache.clear()
    settings.AXES_ENABLED = True
    # PBKDF2 at production strength costs ~0.3 s per user; the world fixture creates a dozen.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    from core.testing.world import build_world

    return build_world()


@pytest.fixture(autouse=True)
def _reference_data_of_the_migrations(request, django_db_blocker):
    """Put back the rows data migrations load (the GB/T 4754 industries) when a transactional test
    earlier in this worker flushed them: pytest-xdist runs a file's transactional tests (worker,
    scheduler and race tests) among the other files', not at the end, and a flush empties every table."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    import importlib

    from django.apps import apps

    from customers.models import Industry

    with django_db_blocker.unblock():
        if not Industry._base_manager.filter(code="C").exists():
            importlib.import_module("customers.migrations.0014_load_classification").load_industries(apps, None)
