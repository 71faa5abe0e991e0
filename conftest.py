import os

import pytest

# Browser journeys are marked "browser"; skipped where Debian's chromium is not installed.
SKIP_BROWSER = bool(os.environ.get("KEDAO_SKIP_BROWSER"))


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
