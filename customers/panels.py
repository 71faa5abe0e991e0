from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from core.registry import register_panel
from org.permissions import has_perm

from .models import Contact, Customer


def contacts_panel(request, customer):
    if not has_perm(request.user, Contact, "view"):
        return None
    contacts = Contact.objects.visible_to(request.user, "view").filter(customer=customer).order_by("name")[:100]
    return render_to_string("customers/panels/contacts.html", {
        "contacts": contacts, "customer": customer,
        "can_add": has_perm(request.user, Contact, "add"),
    }, request=request)


def register():
    register_panel(Customer, _("Contacts"), contacts_panel, order=10)
