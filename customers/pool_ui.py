"""What the pool and last contacts add to other pages: record-header actions on the customer page,
the home slot "returning to the pool soon", menu entries, the pool-rule object type."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.permissions import has_perm
from core.registry import (
    register_action,
    register_home_slot,
    register_menu_item,
    register_object_type,
    register_scheduled_job,
)

from .models import Customer, PoolRule


def returning_soon(user):
    """The user's own customers inside their unit's warning window, the soonest first."""
    from .services.pool import returning_soon as due_soon
    from .services.pool import returns_at, rules_by_unit

    if not has_perm(user, Customer, "view"):
        return []
    rules = rules_by_unit()
    rows = list(due_soon(timezone.now(), rules).filter(owner=user).order_by("followed_up")[:6])
    for row in rows:
        row.returns_at = returns_at(row, rules)
    return rows


def register():
    from core.registry import register_demo_builder

    from . import pool_demo
    from .poolrules import PoolRuleFilterSet

    register_demo_builder("customers.pool", pool_demo.build, order=25)  # after the customers

    register_object_type(PoolRule, filterset=PoolRuleFilterSet)
    register_menu_item(_("Customers"), _("Public pool"), "customers:pool", Customer, order=30)
    register_menu_item(_("Customers"), _("Not contacted"), "customers:not_contacted", Customer, order=40)
    register_menu_item(_("Organisation"), _("Pool rules"), "customers:poolrule_list", PoolRule, order=850)
    register_action(Customer, "claim", _("Claim"),
                    lambda obj: reverse("customers:customer_claim", args=[obj.pk]) if obj.owner_id is None else None,
                    icon="hand-index", permission="view", order=10, method="post")
    register_action(Customer, "assign", _("Assign"),
                    lambda obj: reverse("customers:customer_assign", args=[obj.pk]) if obj.owner_id is None else None,
                    icon="person-check", permission="change", order=11)
    register_action(Customer, "touch", _("Log a contact"),
                    lambda obj: reverse("customers:customer_touch", args=[obj.pk]) if obj.owner_id else None,
                    icon="telephone", permission="change", order=12, method="post")
    register_action(Customer, "release", _("Release to pool"),
                    lambda obj: reverse("customers:customer_release", args=[obj.pk]) if obj.owner_id else None,
                    icon="box-arrow-right", permission="change", order=90, method="post",
                    confirm=_("Put this customer back into the public pool? You will no longer own it."))
    from .tasks import run_pool_job

    register_scheduled_job("customers.pool", _("Return customers to the pool; warn their owners"), run_pool_job,
                           every=3600)
    register_home_slot("customers.returning", _("Customers returning to the pool soon"), returning_soon,
                       icon="alarm", order=45,
                       hint=_("Contact them (log a contact) or they go back to the public pool."))
