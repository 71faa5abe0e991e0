"""The opportunity access rules written a second time for the scope tests (never calling visible_to):

- a live member of an opportunity's team sees it (view, export);
- a live member of the customer's account team sees the customer's opportunities of their own product
  line (view, export), and the account manager of that line may change them;
- with the hierarchy setting on, whoever holds the subordinates / unit / subtree scope over such a
  member gets the same.
"""

from core.testing.expectations import OwnedRecords
from customers.tests.expectations import account_team_rows


def opportunity_team_rows(facts):
    from sales.models import OpportunityTeamMember

    def read():
        return list(OpportunityTeamMember.all_objects.filter(deleted_at__isnull=True).values_list(
            "opportunity_id", "employee_id"))

    return facts.read_once("opportunity_team", read)


class OpportunityRecords(OwnedRecords):
    def granted_by_rules(self, facts, model, user_id, action, scopes):
        if action not in ("view", "export", "change"):
            return set()
        people = facts.people_in_scope(user_id, scopes)
        found = set()
        if action != "change":
            found |= {opportunity for opportunity, employee in opportunity_team_rows(facts) if employee in people}
        places = {(customer, line) for customer, employee, line, role in account_team_rows(facts)
                  if employee in people and (action != "change" or role == "account_manager")}
        if places:
            rows = model.all_objects.values_list("pk", "customer_id", "product_line_id")
            found |= {pk for pk, customer, line in rows if (customer, line) in places}
        return found
