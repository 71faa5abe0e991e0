"""The account-team rules written a second time for the scope tests (never calling visible_to):

- a live member of a customer's account team sees the customer (view, export), if their roles grant
  that action on customers at all; with the hierarchy setting on, so does whoever holds the
  subordinates / unit / subtree scope over that member;
- product-line isolation of strategies: the membership does not reach the customer's strategies;
  a member sees the strategy of their own line, and the line's account manager (and, with the
  setting on, whoever holds such a scope over them) may change it.
"""

from core.testing.expectations import FollowsParent, OwnedRecords


def account_team_rows(facts):
    from customers.models import AccountTeamMember

    def read():
        return list(AccountTeamMember.all_objects.filter(deleted_at__isnull=True).values_list(
            "customer_id", "employee_id", "product_line_id", "role"))

    return facts.read_once("account_team", read)


class CustomerRecords(OwnedRecords):
    """Customers: owned records, plus the customers of the account teams the user (or, with the
    hierarchy setting, someone in their scope) belongs to."""

    def granted_by_rules(self, facts, model, user_id, action, scopes):
        if action not in ("view", "export"):
            return set()
        people = facts.people_in_scope(user_id, scopes)
        return {customer for customer, employee, _line, _role in account_team_rows(facts) if employee in people}


class StrategyRecords(FollowsParent):
    """Strategies follow their customer as its owner's scope and shares reach it — but not through
    the account team: a live member sees (view, export) the strategy of their own product line only,
    and the line's account manager may change it (with the hierarchy setting, whoever holds such a
    scope over them too)."""

    def __init__(self):
        super().__init__("customer", OwnedRecords())

    def visible_ids(self, facts, model, user_id, action, deleted=False):
        found = super().visible_ids(facts, model, user_id, action, deleted=deleted)
        scopes = facts.scopes(user_id, model._meta.label_lower, action)
        if action not in ("view", "export", "change") or not scopes:
            return found
        people = facts.people_in_scope(user_id, scopes)
        lines = {(customer, line) for customer, employee, line, role in account_team_rows(facts)
                 if employee in people and (action != "change" or role == "account_manager")}
        customer_model = model._meta.get_field("customer").related_model
        alive_customers = set(customer_model.all_objects.filter(deleted_at__isnull=True).values_list("pk", flat=True))
        rows = self._rows(model, deleted).values_list("pk", "customer_id", "product_line_id")
        return found | {pk for pk, customer, line in rows
                        if (customer, line) in lines and (deleted or customer in alive_customers)}
