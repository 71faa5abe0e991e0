from datetime import timedelta

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.registry import register_home_slot, register_panel
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


STALE_AFTER_DAYS = 90


def stale_customers(user):
    """The user's own customers nobody has touched for 90 days (before the pool takes them back)."""
    if not has_perm(user, Customer, "view"):
        return []
    cutoff = timezone.now() - timedelta(days=STALE_AFTER_DAYS)
    return Customer.objects.visible_to(user, "view").filter(owner=user, updated_at__lt=cutoff) \
        .order_by("updated_at")[:6]


def register():
    register_panel(Customer, _("Contacts"), contacts_panel, order=10)
    register_home_slot("customers.stale", _("Customers not updated for 90 days"), stale_customers,
                       icon="hourglass-split", order=50,
                       hint=_("Call or visit them, or hand them over."))
