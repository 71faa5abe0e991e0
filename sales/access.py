"""What teams add to the one permission decision for opportunities (core.registry.register_access_rule).

- A member of an opportunity's team sees it (view, export).
- Product-line isolation (seed 000, 互不干预): a member of a customer's account team sees the
  customer's opportunities OF THEIR OWN PRODUCT LINE only, and the account manager of that line may
  also change them. Membership gives nothing on the other lines' deals; whoever's role grants a wider
  scope (a manager over the owner, the CEO) keeps it — these rules only add.
Each is one subquery in the single condition built by org.permissions.scope_filter; no cache, so a
membership change counts on the next request.
"""

from django.db.models import Exists, OuterRef, Q

from core.registry import register_access_rule
from customers.models import AccountTeamMember
from customers.models.account_team import TeamRole

from .models import Opportunity, OpportunityTeamMember

VIEW_ACTIONS = ("view", "export")


def opportunity_team(user, action, people):
    if action not in VIEW_ACTIONS:
        return None
    members = OpportunityTeamMember.objects.filter(employee_id__in=sorted(people), deleted_at__isnull=True)
    return Q(pk__in=members.values("opportunity_id"))


def account_team_own_line(user, action, people):
    if action not in (*VIEW_ACTIONS, "change"):
        return None
    places = AccountTeamMember.objects.filter(employee_id__in=sorted(people), deleted_at__isnull=True,
                                              customer_id=OuterRef("customer_id"),
                                              product_line_id=OuterRef("product_line_id"))
    if action == "change":
        places = places.filter(role=TeamRole.ACCOUNT_MANAGER)
    return Q(Exists(places))


def register():
    register_access_rule(Opportunity, opportunity_team, key="opportunity_team")
    register_access_rule(Opportunity, account_team_own_line, key="account_team_own_line")
