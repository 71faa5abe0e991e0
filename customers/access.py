"""Grants an account team adds to the one permission decision (core.registry.register_access_rule).

org.permissions.scope_filter ORs these conditions into the one queryset filter; `people` is the
user and, with the company's hierarchy setting on, the people inside the user's subordinates / unit
/ subtree scope. Each condition reads the membership table when it is built, so a membership added
or removed counts from the next request: nothing is cached across requests.
"""

from django.db.models import Exists, OuterRef, Q

from core.lookups import values_in
from core.registry import register_access_rule

from .models import AccountTeamMember, Customer, CustomerStrategy, TeamRole

# What a membership lets a member do on the customer: see it (and export it in lists). Changing the
# customer's own data stays with its owner's scope and "may edit" shares (docs/permissions.md).
MEMBER_ACTIONS = ("view", "export")


def live_members(people):
    return AccountTeamMember.objects.filter(employee_id__in=sorted(people), deleted_at__isnull=True)


def account_team_customers(user, action, people):
    """A member of a customer's account team sees the customer.

    The customer ids are read first and the list goes into the condition, as shares and
    opportunity teams do: `OR id IN (subquery)` made PostgreSQL scan the whole customer table
    for a seller's list (14 ms at 30,000 customers, growing with the table) where the id list
    lets it combine index scans."""
    if action not in MEMBER_ACTIONS:
        return None
    ids = sorted(set(live_members(people).values_list("customer_id", flat=True)))
    return values_in("pk", ids) if ids else None


def own_line_strategies(user, action, people):
    """Product-line isolation of strategies (seed 000, 互不干预): a member of the customer's account
    team sees the strategy of their own product line only (CustomerStrategy.scope_parent_skip_rules
    keeps the membership from reaching the others through the customer), and the line's account
    manager may change it — the same condition that restricts opportunities to the member's line
    (sales.access, docs/permissions.md)."""
    if action not in (*MEMBER_ACTIONS, "change"):
        return None
    members = live_members(people)
    if action == "change":
        members = members.filter(role=TeamRole.ACCOUNT_MANAGER)
    return Q(Exists(members.filter(customer_id=OuterRef("customer_id"), product_line_id=OuterRef("product_line_id"))))


def register():
    register_access_rule(Customer, account_team_customers, key="account_team")
    register_access_rule(CustomerStrategy, own_line_strategies, key="account_manager_line")
