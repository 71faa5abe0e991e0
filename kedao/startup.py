from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key():
    """A server must not start without a secret key: sessions and CSRF tokens would be forgeable
    or, with Django's empty-key check, every request would fail. Fail at start-up instead."""
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for development).")


def freeze_startup_objects():
    """Objects built at start-up (settings, URL patterns, models, translations, templates loaded
    so far) live as long as the process. Moving them out of the garbage collector's generations
    keeps each full collection from walking them again: a page that builds thousands of rows (a
    team's week calendar) otherwise paid ~100 ms every fourth request (bench/activities.py). With
    a preloading server (gunicorn --preload) the frozen pages also stay shared between workers."""
    import gc

    gc.collect()
    gc.freeze()
