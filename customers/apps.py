from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        from core.registry import register_menu_item, register_object_type

        from . import panels
        from .filtersets import ContactFilterSet, CustomerFilterSet
        from .models import Contact, Customer

        register_object_type(Customer, filterset=CustomerFilterSet, searchable=True)
        register_object_type(Contact, filterset=ContactFilterSet, searchable=True)
        register_menu_item(_("Customers"), _("Customers"), "customers:customer_list", Customer, order=10)
        register_menu_item(_("Customers"), _("Contacts"), "customers:contact_list", Contact, order=20)
        panels.register()
