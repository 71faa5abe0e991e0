from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("Targets")

    def ready(self):
        from django.urls import reverse

        from core.registry import (
            register_action,
            register_dashboard,
            register_demo_builder,
            register_menu_item,
            register_object_type,
            register_scheduled_job,
        )

        from . import dashboard, demo, measures
        from .filtersets import TargetPlanFilterSet
        from .models import TargetPlan

        register_object_type(TargetPlan, filterset=TargetPlanFilterSet)
        register_menu_item(_("Targets"), _("Target plans"), "targets:targetplan_list", TargetPlan, order=60)
        register_menu_item(_("Targets"), _("Forecast"), "targets:forecast", TargetPlan, order=61)
        register_menu_item(_("Targets"), _("Forecast accuracy"), "targets:forecast_accuracy", TargetPlan, order=62)
        from .accuracy import snapshot_take

        # After the day's last moves: what the forecast says tonight is what accuracy compares later.
        register_scheduled_job("targets.forecast_snapshot", _("Keep tonight's forecast for the accuracy chart"),
                               lambda now: f"{snapshot_take()} figures kept", cron="30 23 * * *")
        register_action(TargetPlan, "figures", _("Plan and actual"),
                        lambda plan: reverse("targets:targetplan_figures", args=[plan.pk]),
                        icon="bullseye", permission="view", order=5)
        measures.register()
        register_dashboard("targets", dashboard.render_dashboard, order=10)
        register_demo_builder("targets", demo.build, order=60)  # after sales and activities: reads them
