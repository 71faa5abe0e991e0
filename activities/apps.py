from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from core.registry import register_demo_builder, register_menu_item, register_object_type

        from . import access, demo, panels, reports
        from .filtersets import ActivityFilterSet
        from .models import Activity

        register_object_type(Activity, filterset=ActivityFilterSet, searchable=True)
        group = _("Activities")
        register_menu_item(group, _("Activities"), "activities:activity_list", Activity, order=30)
        access.register()
        panels.register()
        reports.register()
        register_demo_builder("activities", demo.build, order=50)  # after sales: links deals
