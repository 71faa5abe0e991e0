from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key():
    """A server must not start without a secret key: sessions and CSRF tokens would be forgeable
    or, with Django's empty-key check, every request would fail. Fail at start-up instead."""
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for development).")
