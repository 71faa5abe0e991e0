"""Who sees an activity, written a second time for the scope tests (never calling visible_to):
the owner's scope as for any owned record, plus its participants (view, export) — and, with the
hierarchy setting on, whoever holds the subordinates / unit / subtree scope over a participant."""

from core.testing.expectations import OwnedRecords


class ActivityRecords(OwnedRecords):
    def granted_by_rules(self, facts, model, user_id, action, scopes):
        if action not in ("view", "export"):
            return set()
        people = facts.people_in_scope(user_id, scopes)
        rows = facts.read_once("activity_participants", lambda: list(
            model.participants.through.objects.values_list("activity_id", "employee_id")))
        return {activity for activity, employee in rows if employee in people}
