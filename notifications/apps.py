from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from core.registry import register_scheduled_job

        from . import services

        # Read notifications do not pile up for ever: the centre shows the recent ones.
        register_scheduled_job("notifications.prune", _("Delete read notifications older than 180 days"),
                               services.notifications_prune, every=24 * 3600)
