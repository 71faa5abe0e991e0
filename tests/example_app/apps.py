from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExampleAppConfig(AppConfig):
    name = "tests.example_app"
    label = "example_app"
    verbose_name = _("Projects")

    def ready(self):
        from core.registry import (
            register_activity_target,
            register_demo_builder,
            register_menu_item,
            register_object_type,
        )

        from . import demo, panels
        from .filtersets import ProjectFilterSet
        from .models import Project

        register_object_type(Project, filterset=ProjectFilterSet, searchable=True)
        # Its pages get an Activities panel; an activity logged there lands on the customer too.
        register_activity_target(Project, customer_field="customer")
        register_menu_item(_("Projects"), _("Projects"), "example_app:project_list", Project, order=10)
        panels.register()
        register_demo_builder("example_app", demo.build, order=30)  # after customers: needs their rows
