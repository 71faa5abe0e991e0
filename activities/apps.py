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

        from . import access, daily, demo, panels, reminders, reporting, reports
        from .filtersets import ActivityFilterSet, DailyReportFilterSet, PlanFilterSet
        from .models import Activity, DailyReport, Plan

        register_object_type(Activity, filterset=ActivityFilterSet, searchable=True)
        # Daily reports are written by the system: no page or API adds, edits or deletes one.
        register_object_type(DailyReport, filterset=DailyReportFilterSet, actions=("view", "change", "delete", "export"))
        register_object_type(Plan, filterset=PlanFilterSet)
        group = _("Activities")
        register_menu_item(group, _("Activities"), "activities:activity_list", Activity, order=30)
        register_menu_item(group, _("Calendar"), "activities:calendar", Activity, order=31)
        register_notification_event(
            reminders.EVENT, _("Activity reminder"), model=Activity, email=True,
            description=_("A planned activity you own or take part in is coming up (as its reminder says)."))
        register_scheduled_job("activities.remind",
                               _("Remind people of their planned activities"), reminders.run_reminder_job, every=60)
        register_menu_item(group, _("Team daily reports"), "activities:daily_team", DailyReport, order=40)
        register_menu_item(group, _("Daily reports"), "activities:dailyreport_list", DailyReport, order=41)
        register_menu_item(group, _("Plans"), "activities:plan_list", Plan, order=50)
        access.register()
        daily.register()
        reporting.register()
        # 19:00 company time: the day is over for most sellers; a later activity is picked up by
        # the next build of the same day (on demand: manage.py daily_reports).
        register_scheduled_job("activities.daily_reports", _("Build the sellers' daily reports"),
                               reporting.run_daily_reports_and_digest, cron="0 19 * * *")
        panels.register()
        reports.register()
        panels.register_reports()
        register_demo_builder("activities", demo.build, order=50)  # after sales: links deals
