"""Warnings to owners whose customers will return to the pool soon (e-mail; the home page shows
the same list in-app, customers/panels.py)."""

from django.conf import settings
from django.core.mail import send_mail as django_send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.formatting import format_date
from org.models import Employee

from ..models import Customer


def warn_owners(*, now=None, rules=None, send_mail=True):
    """Mark customers entering their warning window as warned and mail each owner who has an
    e-mail address one message listing them. Returns how many customers were warned."""
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
            if owner is None or not owner.email or not owner.is_active:
                continue
            lines = [f"- {c.name}: {format_date(timezone.localtime(returns_at(c, rules)).date())}" for c in customers]
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("%(count)d of your customers return to the pool soon") % {"count": len(customers)}
                body = "\n".join([_("Contact them before the date shown, or they return to the public pool:"),
                                  "", *lines])
            transaction.on_commit(lambda s=subject, b=body, to=owner.email: django_send_mail(
                s, b, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=True))
    return len(due)
