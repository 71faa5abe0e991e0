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

        from . import (
            access,
            account_team_demo,
            customer_page,
            demo,
            imports,
            levels,
            panels,
            pool_ui,
            selectors,
            team_panels,
            timeline,
        )
        from .account_team import AccountTeamMemberFilterSet, CustomerStrategyFilterSet
        from .filtersets import ContactFilterSet, CustomerFilterSet
        from .industries import IndustryFilterSet
        from .models import (
            AccountTeamMember,
            Contact,
            ContactEmployeeRelation,
            ContactRelation,
            Customer,
            CustomerStrategy,
            Industry,
        )
        from .relations import ContactEmployeeRelationFilterSet, ContactRelationFilterSet

        register_object_type(Customer, filterset=CustomerFilterSet, searchable=True)
        register_object_type(Contact, filterset=ContactFilterSet, searchable=True)
        register_object_type(ContactRelation, filterset=ContactRelationFilterSet)
        register_object_type(ContactEmployeeRelation, filterset=ContactEmployeeRelationFilterSet)
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
        # Account team by product line and the strategy per line (issue 8, points 3 and 5).
        register_object_type(AccountTeamMember, filterset=AccountTeamMemberFilterSet)
        register_object_type(CustomerStrategy, filterset=CustomerStrategyFilterSet)
        register_menu_item(_("Customers"), _("Account teams"), "customers:accountteammember_list", AccountTeamMember,
                           order=30)
        register_menu_item(_("Customers"), _("Customer strategies"), "customers:customerstrategy_list",
                           CustomerStrategy, order=40)
        access.register()
        # A leaver's account-team places go with their customers (org/handover.py).
        from core.registry import register_handover_hook, register_merge_hook

        from .team_services import account_places_apply, account_places_count, account_team_merge_hook
        register_merge_hook(AccountTeamMember, account_team_merge_hook)
        register_handover_hook("customers.account_team", _("Account-team places"), account_places_count,
                               account_places_apply)
        team_panels.register()
        register_demo_builder("customers.account_teams", account_team_demo.build, order=25)
        timeline.register()
        customer_page.register()
        levels.register()
        register_demo_builder("customers", demo.build, order=20)  # after org: needs its people
        register_notification_event(
            "customers.customer.owner_changed", _("Customer owner changed"), model=Customer,
            description=_("A customer was handed over to another owner; the new owner is told."))
        register_notification_event(
            "customers.pool_warning", _("Customers returning to the pool soon"), model=Customer, email=True,
            description=_("Your customers not followed up in time return to the public pool: a warning first."))
        register_report("customers.by_level", _("Customers by level"), selectors.customers_by_level,
                        model=Customer, description=_("How many customers you can see at each level."))
