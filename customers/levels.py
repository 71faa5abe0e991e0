"""A customer's level history (潜在客户 → 准客户 → 现实客户): written from the audit hook, shown
in a panel on the customer page, counted on the statistics page.

Why the audit hook (core.registry.register_audit_hook) and not a service or save(): a level
changes through the edit page, the API (PUT/PATCH), bulk edit, imports and merges, and each of
these goes through core.services (object_save, …), which logs the change. The hook runs inside that
log call, in the same transaction, with the stored state before and after: no path can change the
level without a history row, and a refused write (rolled back) leaves none. Writes that skip the
audit (bulk_create in the demo data, raw SQL) skip the history too, by design.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ObjectChange
from core.registry import register_audit_hook, register_panel

from .models import Customer, LevelChange


def record_level_change(*, instance, action, actor, prechange, postchange):
    """A LevelChange row when a customer is created (from "") or its level changes."""
    if action not in (ObjectChange.Action.CREATE, ObjectChange.Action.UPDATE):
        return
    before = (prechange or {}).get("level") or ""
    after = (postchange or {}).get("level") or ""
    if not after or before == after:
        return
    LevelChange.objects.create(customer_id=instance.pk, from_level=before, to_level=after,
                               changed_at=timezone.now(),
                               changed_by=actor if actor is not None and actor.is_authenticated else None)


def level_history_panel(request, customer):
    changes = list(LevelChange.objects.filter(customer=customer).select_related("changed_by")[:50])
    return render_to_string("customers/panels/level_history.html", {"changes": changes, "customer": customer},
                            request=request)


def register():
    register_audit_hook(Customer, record_level_change)
    register_panel(Customer, _("Level history"), level_history_panel, order=40, key="level-history")
