from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from core.registry import (
            register_demo_builder,
            register_menu_item,
            register_notification_event,
            register_object_type,
            register_scheduled_job,
        )

        from . import access, daily, demo, panels
        from .filtersets import ActivityFilterSet
        from .models import Activity

        register_object_type(Activity, filterset=ActivityFilterSet, searchable=True)
        group = _("Activities")
        register_menu_item(group, _("Activities"), "activities:activity_list", Activity, order=30)
        access.register()
        daily.register()
        # 19:00 company time: the day is over for most sellers; a later activity is picked up by
        # the next build of the same day (on demand: manage.py daily_reports).
        register_scheduled_job("activities.daily_reports", _("Build the sellers' daily reports"),
                               daily.run_daily_reports, cron="0 19 * * *")
        panels.register()
        register_demo_builder("activities", demo.build, order=50)  # after sales: links deals
