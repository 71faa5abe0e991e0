from django.utils.functional import cached_property


class Badge:
    """A count for the top bar, computed only when a page shows it (an HTMX fragment, a redirect
    or an error page does not pay for the query) and at most once per page."""

    cap = 99

    def __init__(self, count):
        self._count = count

    @cached_property
    def count(self):
        return self._count() if callable(self._count) else self._count

    @property
    def label(self):
        return f"{self.cap}+" if self.count > self.cap else str(self.count)

    def __bool__(self):
        return bool(self.count)


def unread_notifications(request):
    """The unread count of the top bar's bell: one bounded, indexed COUNT."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from .services import unread_count

        return unread_count(user)

    return {"notifications_unread": Badge(count)}
