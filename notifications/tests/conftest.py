"""Events for the tests only: a quiet one (the defaults: in-app on, e-mail off) and one that
e-mails unless the user says otherwise."""

from core.registry import register_notification_event

QUIET, LOUD = "tests.quiet", "tests.loud"

register_notification_event(QUIET, "Quiet test event", description="In-app only by default.")
register_notification_event(LOUD, "Loud test event", email=True)
