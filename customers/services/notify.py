"""Warnings to owners whose customers will return to the pool soon, through the one notification
service (in the notification centre, and by e-mail unless the owner switched it off); the home
page shows the same list, customers/pool_ui.py."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.formatting import format_date
from org.models import Employee

from ..models import Customer

POOL_WARNING = "customers.pool_warning"


def warn_owners(*, now=None, rules=None, send_mail=True):
    """Mark customers entering their warning window as warned and tell each owner once, listing
    them (`send_mail=False`: mark only). Returns how many customers were warned."""
    from notifications.services import notify

    from .pool import returning_soon, returns_at, rules_by_unit

    now = now or timezone.now()
    rules = rules if rules is not None else rules_by_unit()
    due = list(returning_soon(now, rules).filter(return_warned_at__isnull=True).order_by("owner_id", "name")
               .only("pk", "name", "owner_id", "org_unit_id", "last_contacted_at", "owned_since", "created_at"))
    if not due:
        return 0
    by_owner = {}
    for customer in due:
        by_owner.setdefault(customer.owner_id, []).append(customer)
    owners = Employee.objects.in_bulk(list(by_owner))
    Customer.objects.filter(pk__in=[c.pk for c in due]).update(return_warned_at=now)
    if send_mail:
        for owner_id, customers in by_owner.items():
            owner = owners.get(owner_id)
            if owner is None or not owner.is_active:
                continue
            lines = [f"- {c.name}: {format_date(timezone.localtime(returns_at(c, rules)).date())}" for c in customers]
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("%(count)d of your customers return to the pool soon") % {"count": len(customers)}
                body = "\n".join([_("Contact them before the date shown, or they return to the public pool:"),
                                  "", *lines])
            notify(recipients=[owner], event=POOL_WARNING, title=subject, body=body, url=reverse("home"))
    return len(due)
