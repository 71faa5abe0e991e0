"""Participants see the activities they take part in (core.registry.register_access_rule), ORed
into the one permission condition like shares: a literal id list, which PostgreSQL keeps as an
index condition beside the owner and unit ones (see sales/access.py for why not a subquery)."""


from core.lookups import values_in
from core.registry import register_access_rule

from .models import Activity

VIEW_ACTIONS = ("view", "export")


def participants(user, action, people):
    if action not in VIEW_ACTIONS:
        return None
    through = Activity.participants.through
    ids = sorted(set(through.objects.filter(employee_id__in=sorted(people)).values_list("activity_id", flat=True)))
    return values_in("pk", ids) if ids else None


def register():
    register_access_rule(Activity, participants, key="participants")
