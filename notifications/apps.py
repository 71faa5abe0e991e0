from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from core.registry import register_notification_event, register_scheduled_job

        from . import handlers, services

        register_notification_event(handlers.HANDOVER_RECEIVED, _("Records were handed over to you"),
                                    description=_("A leaver's or colleague's customers and deals are now yours."),
                                    email=True)
        handlers.register()

        # Read notifications do not pile up for ever: the centre shows the recent ones.
        register_scheduled_job("notifications.prune", _("Delete read notifications older than 180 days"),
                               services.notifications_prune, every=24 * 3600)
