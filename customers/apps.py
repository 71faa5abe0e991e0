from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from core.registry import (
            register_demo_builder,
            register_menu_item,
            register_notification_event,
            register_object_type,
            register_report,
        )

        from . import demo, imports, levels, panels, pool_ui, selectors
        from .filtersets import ContactFilterSet, CustomerFilterSet
        from .industries import IndustryFilterSet
        from .models import Contact, Customer, Industry

        register_object_type(Customer, filterset=CustomerFilterSet, searchable=True)
        register_object_type(Contact, filterset=ContactFilterSet, searchable=True)
        register_menu_item(_("Customers"), _("Customers"), "customers:customer_list", Customer, order=10)
        register_menu_item(_("Customers"), _("Contacts"), "customers:contact_list", Contact, order=20)
        register_menu_item(_("Customers"), _("Imports"), "core:import_list", Customer, order=90)
        # Classification and statistics (issue 8 point 6).
        register_object_type(Industry, filterset=IndustryFilterSet, searchable=True)
        register_menu_item(_("Customers"), _("Customer statistics"), "customers:stats", Customer, order=30)
        register_menu_item(_("Customers"), _("Industries"), "customers:industry_list", Industry, order=95)
        panels.register()
        pool_ui.register()
        imports.register()
        levels.register()
        register_demo_builder("customers", demo.build, order=20)  # after org: needs its people
        register_notification_event(
            "customers.customer.owner_changed", _("Customer owner changed"), model=Customer,
            description=_("A customer was handed over to another owner; the new owner is told."))
        register_report("customers.by_level", _("Customers by level"), selectors.customers_by_level,
                        model=Customer, description=_("How many customers you can see at each level."))
