"""What teams add to the one permission decision for opportunities (core.registry.register_access_rule).

- A member of an opportunity's team sees it (view, export).
- Product-line isolation (seed 000, 互不干预): a member of a customer's account team sees the
  customer's opportunities OF THEIR OWN PRODUCT LINE only, and the account manager of that line may
  also change them. Membership gives nothing on the other lines' deals; whoever's role grants a wider
  scope (a manager over the owner, the CEO) keeps it — these rules only add.
Each rule reads the memberships of `people` first (one small indexed query) and adds their ids to
the single condition built by org.permissions.scope_filter as literal lists, as org does for
shares: `id = ANY('{…}')` and `(customer_id = ANY('{…}') AND product_line_id = …)` are index
conditions PostgreSQL can OR with the owner and unit indexes (a BitmapOr), where a correlated
EXISTS or an `IN (subquery)` inside the OR made it filter the table row by row along the list's
sort index — a seller's first page of 500,000 deals took 430 ms instead of a few (bench/sales.py,
docs/benchmarks.md). org.permissions keeps a rule's result for the rest of the request, as it does the
shares: a membership change counts from the next request.
"""

from django.db.models import Q

from core.lookups import values_in
from core.registry import register_access_rule
from customers.models import AccountTeamMember
from customers.models.account_team import TeamRole

from .models import Opportunity, OpportunityTeamMember

VIEW_ACTIONS = ("view", "export")


def opportunity_team(user, action, people):
    if action not in VIEW_ACTIONS:
        return None
    ids = sorted(set(OpportunityTeamMember.objects.filter(employee_id__in=sorted(people), deleted_at__isnull=True)
                     .values_list("opportunity_id", flat=True)))
    return values_in("pk", ids) if ids else None


def account_team_own_line(user, action, people):
    if action not in (*VIEW_ACTIONS, "change"):
        return None
    places = AccountTeamMember.objects.filter(employee_id__in=sorted(people), deleted_at__isnull=True)
    if action == "change":
        places = places.filter(role=TeamRole.ACCOUNT_MANAGER)
    by_line = {}
    for customer_id, line_id in places.values_list("customer_id", "product_line_id"):
        by_line.setdefault(line_id, set()).add(customer_id)
    condition = None
    for line_id, customers in sorted(by_line.items(), key=lambda item: (item[0] is None, item[0] or 0)):
        # A place without a product line reaches no deal: a deal always has one (and NULL = NULL is
        # not true in SQL either, as in the subquery this replaces).
        if line_id is None:
            continue
        found = Q(product_line_id=line_id) & values_in("customer_id", sorted(customers))
        condition = found if condition is None else condition | found
    return condition


def register():
    register_access_rule(Opportunity, opportunity_team, key="opportunity_team")
    register_access_rule(Opportunity, account_team_own_line, key="account_team_own_line")
