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

        from . import access, demo, panels, reminders, reports
        from .filtersets import ActivityFilterSet
        from .models import Activity

        register_object_type(Activity, filterset=ActivityFilterSet, searchable=True)
        group = _("Activities")
        register_menu_item(group, _("Activities"), "activities:activity_list", Activity, order=30)
        register_menu_item(group, _("Calendar"), "activities:calendar", Activity, order=31)
        register_notification_event(
            reminders.EVENT, _("Activity reminder"), model=Activity, email=True,
            description=_("A planned activity you own or take part in is coming up (as its reminder says)."))
        register_scheduled_job("activities.remind",
                               _("Remind people of their planned activities"), reminders.run_reminder_job, every=60)
        access.register()
        panels.register()
        reports.register()
        register_demo_builder("activities", demo.build, order=50)  # after sales: links deals
