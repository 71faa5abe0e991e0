"""The account-team rules written a second time for the scope tests (never calling visible_to):

- a live member of a customer's account team sees the customer (view, export), if their roles grant
  that action on customers at all; with the hierarchy setting on, so does whoever holds the
  subordinates / unit / subtree scope over that member;
- the account manager of a product line (and, with the setting on, whoever holds such a scope over
  them) may change the customer's strategy of that line, if granted "change" on strategies.
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
    """Strategies follow their customer; the account manager of the line may also change it."""

    def __init__(self):
        super().__init__("customer", CustomerRecords())

    def visible_ids(self, facts, model, user_id, action, deleted=False):
        found = super().visible_ids(facts, model, user_id, action, deleted=deleted)
        scopes = facts.scopes(user_id, model._meta.label_lower, action)
        if action != "change" or deleted or not scopes:
            return found
        people = facts.people_in_scope(user_id, scopes)
        lines = {(customer, line) for customer, employee, line, role in account_team_rows(facts)
                 if employee in people and role == "account_manager"}
        customer_model = model._meta.get_field("customer").related_model
        alive_customers = set(customer_model.all_objects.filter(deleted_at__isnull=True).values_list("pk", flat=True))
        rows = model.all_objects.filter(deleted_at__isnull=True).values_list("pk", "customer_id", "product_line_id")
        return found | {pk for pk, customer, line in rows if (customer, line) in lines and customer in alive_customers}
