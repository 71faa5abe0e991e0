"""Events of apps that cannot import this one (org sits below it), reported through registries and
turned into notifications here."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .services import notify

HANDOVER_RECEIVED = "org.handover_received"


def handover_received(plan, actor, reason):
    """The new owner hears what they received and from whom (core.registry.register_handover_listener)."""
    summary = "; ".join(f"{line.label}: {line.count}" for line in plan.lines if line.count)
    notify(recipients=[plan.to_user], event=HANDOVER_RECEIVED, actor=actor, target=plan.from_user,
           title=_("%(count)s records of %(name)s were handed over to you") % {"count": plan.total,
                                                                                "name": plan.from_user},
           body=f"{summary}\n{reason}", url=f"{reverse('customers:customer_list')}?owner={plan.to_user.pk}")


def register():
    from core.registry import register_handover_listener

    register_handover_listener(HANDOVER_RECEIVED, handover_received)
