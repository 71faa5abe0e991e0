"""Participants see the activities they take part in (core.registry.register_access_rule), ORed
into the one permission condition like shares.

- For a few people (a seller and the colleagues they act for) the ids are a literal list, which
  PostgreSQL keeps as an index condition beside the owner one and which a page by branch reads
  by id (see sales/access.py for why not a subquery there).
- For many people (a manager over a branch: 40 people taking part in 20,000 activities) the list
  cost more than the rows: fetching the ids and sending them back as an array took 30 ms of a
  64 ms page (docs/benchmarks.md). Their rows are dense, so the list page walks its sort index
  with the whole condition anyway; a subquery there is evaluated once, hashed, per query.
"""

from django.db.models import Q

from core.lookups import values_in
from core.registry import register_access_rule

from .models import Activity

VIEW_ACTIONS = ("view", "export")
# From this many people on, their activities are dense enough to test by subquery (a branch of
# 40 people out of 1,000 is 4 % of the rows; a seller with a few subordinates is well below).
MANY_PEOPLE = 20


def participants(user, action, people):
    if action not in VIEW_ACTIONS:
        return None
    through = Activity.participants.through
    taking_part = through.objects.filter(values_in("employee_id", sorted(people)))
    if len(people) >= MANY_PEOPLE:
        return Q(pk__in=taking_part.values("activity_id"))
    ids = sorted(set(taking_part.values_list("activity_id", flat=True)))
    return values_in("pk", ids) if ids else None


def register():
    register_access_rule(Activity, participants, key="participants")
