"""Who should see what, written a second time and on purpose differently from org.permissions.

The scope tests compare what pages, the API, search, autocomplete and exports show with the rows
computed here. This module never calls `visible_to()` or `scope_filter()`: it reads the raw facts
(units, employees, reporting lines, roles, teams, shares, record owners) into plain Python and
applies the rules as the documentation states them:

- a role grants, per object type and action, a data scope; a user's roles add up (union); a
  role in the recycle bin grants nothing;
- every scope includes the user's own records;
- `subordinates`: records owned by anyone below the user on solid or dotted lines, at any depth;
- `unit`: records whose org unit is the user's unit or a unit the user manages;
- `subtree`: the same units and every unit below them;
- `all`: every record;
- a record shared with the user, or with a (live) team the user leads or belongs to, is visible
  (view, export) and editable when the share allows it — if the role grants the action at all;
- with the company setting "managers see what their people work on" on (the default), whoever
  holds `subordinates`, `unit` or `subtree` for an action also gets, for that action, what is
  shared with the people inside that scope (the people below them; the employees of those units)
  or with teams those people lead or belong to — exactly as if each share were their own;
- a record that follows its parent (contact → customer) is visible when the parent is visible,
  and may be added, changed or deleted when the parent may be changed;
- a record without owner sits in the public pool of its org unit (customers' 公海, models with
  `scope_pool`): whoever is granted view or export sees it when their own unit is that unit or lies
  below it (pools of other regions stay hidden); unit, subtree and all scopes reach it as any row
  of their units;
- a "global" object (org units, roles…) is visible in full to whoever is granted the action;
- superusers see everything, inactive users nothing, soft-deleted rows nobody.

Unlike the production code it walks parent pointers instead of materialised paths, looks at every
role separately instead of picking the widest scope, and recomputes reporting lines per user.
"""

from collections import defaultdict
from dataclasses import dataclass, field

SHARE_ACTIONS = ("view", "export", "change")


@dataclass
class Person:
    pk: int
    unit_id: int | None
    manager_id: int | None
    dotted_manager_ids: set = field(default_factory=set)
    role_ids: set = field(default_factory=set)
    is_superuser: bool = False
    is_active: bool = True


@dataclass
class OrgFacts:
    """The raw organisation as plain data, read once per check."""

    unit_parent: dict = field(default_factory=dict)  # unit id → parent id (alive units only)
    unit_manager: dict = field(default_factory=dict)  # unit id → manager id
    all_unit_parent: dict = field(default_factory=dict)  # unit id → parent id (units in the bin too)
    people: dict = field(default_factory=dict)  # employee id → Person
    role_grants: dict = field(default_factory=dict)  # role id → {(object type key, action): {scopes}}
    team_people: dict = field(default_factory=dict)  # team id → {member ids} ∪ {leader id}
    shares: list = field(default_factory=list)  # (object type key, object id, employee id, team id, can_change)
    hierarchy: bool = True  # the company setting "managers see what their people work on"
    # What apps' rules read once per check (rows of their own tables), by name; see `read_once()`.
    extras: dict = field(default_factory=dict)

    @classmethod
    def read(cls):
        from django.contrib.contenttypes.models import ContentType

        from core.models import Share
        from org.models import Employee, OrgUnit, RolePermission, Team

        facts = cls()
        for pk, parent_id, manager_id in OrgUnit.all_objects.filter(deleted_at__isnull=True).values_list(
            "pk", "parent_id", "manager_id"
        ):
            facts.unit_parent[pk] = parent_id
            facts.unit_manager[pk] = manager_id
        facts.all_unit_parent = dict(OrgUnit.all_objects.values_list("pk", "parent_id"))
        for pk, unit_id, manager_id, superuser, active in Employee.objects.values_list(
            "pk", "unit_id", "manager_id", "is_superuser", "is_active"
        ):
            facts.people[pk] = Person(pk, unit_id, manager_id, is_superuser=superuser, is_active=active)
        for employee_id, manager_id in Employee.dotted_managers.through.objects.values_list(
            "from_employee_id", "to_employee_id"
        ):
            facts.people[employee_id].dotted_manager_ids.add(manager_id)
        for employee_id, role_id in Employee.roles.through.objects.values_list("employee_id", "role_id"):
            facts.people[employee_id].role_ids.add(role_id)
        grants = defaultdict(lambda: defaultdict(set))
        # A role in the recycle bin grants nothing.
        for role_id, key, action, scope in RolePermission.objects.filter(role__deleted_at__isnull=True).values_list(
            "role_id", "object_type", "action", "scope"
        ):
            grants[role_id][(key, action)].add(scope)
        facts.role_grants = grants
        teams = defaultdict(set)
        # A team in the recycle bin grants nothing.
        for team_id, leader_id in Team.all_objects.filter(deleted_at__isnull=True).values_list("pk", "leader_id"):
            teams[team_id]
            if leader_id:
                teams[team_id].add(leader_id)
        for team_id, employee_id in Team.members.through.objects.values_list("team_id", "employee_id"):
            if team_id in teams:
                teams[team_id].add(employee_id)
        facts.team_people = teams
        labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in ContentType.objects.all()}
        facts.shares = [
            (labels[ct_id], object_id, employee_id, team_id, can_change)
            for ct_id, object_id, employee_id, team_id, can_change in Share.objects.values_list(
                "content_type_id", "object_id", "employee_id", "team_id", "can_change"
            )
        ]
        from org.models import CompanySettings

        stored = CompanySettings.objects.filter(pk=1).values_list("hierarchy_visibility", flat=True).first()
        facts.hierarchy = True if stored is None else stored
        return facts

    def read_once(self, name, read):
        """Facts an app's rule needs (e.g. account-team rows), read once per check by `read()`."""
        if name not in self.extras:
            self.extras[name] = read()
        return self.extras[name]

    # --- facts about one user -------------------------------------------------------------------

    def scopes(self, user_id, key, action):
        person = self.people.get(user_id)
        if person is None or not person.is_active:
            return set()
        if person.is_superuser:
            return {"all"}
        found = set()
        for role_id in person.role_ids:
            found |= self.role_grants.get(role_id, {}).get((key, action), set())
        return found

    def people_below(self, user_id):
        """Everyone whose chain of solid or dotted managers reaches `user_id` (the user excluded)."""
        below = set()
        for person in self.people.values():
            if person.pk != user_id and self._reports_to(person.pk, user_id):
                below.add(person.pk)
        return below

    def _reports_to(self, employee_id, boss_id):
        seen, stack = set(), [employee_id]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            person = self.people[current]
            bosses = set(person.dotted_manager_ids)
            if person.manager_id:
                bosses.add(person.manager_id)
            if boss_id in bosses:
                return True
            stack.extend(bosses)
        return False

    def home_units(self, user_id):
        """The user's unit and the units they manage (alive ones)."""
        person = self.people[user_id]
        units = {unit for unit, manager in self.unit_manager.items() if manager == user_id}
        if person.unit_id in self.unit_parent:
            units.add(person.unit_id)
        return units

    def units_within(self, roots):
        """`roots` and every alive unit whose chain of parents passes through one of them."""
        inside = set()
        for unit in self.unit_parent:
            current, hops = unit, 0
            while current is not None and hops <= len(self.unit_parent):
                if current in roots:
                    inside.add(unit)
                    break
                current, hops = self.unit_parent.get(current), hops + 1
        return inside

    def units_above(self, user_id):
        """The user's unit and every unit above it, walking parent pointers (deleted units too:
        a pool does not vanish with a unit in the bin, as its customers still point at it)."""
        person = self.people.get(user_id)
        if person is None or person.unit_id is None:
            return set()
        found, current = set(), person.unit_id
        while current is not None and current not in found:
            found.add(current)
            current = self.all_unit_parent.get(current)
        return found

    def people_in_scope(self, user_id, scopes):
        """Whose shares count for a user holding `scopes`: the user; with the hierarchy setting on
        and one of subordinates / unit / subtree among them, also everyone below the user
        (subordinates) and everyone whose unit the unit / subtree scope covers."""
        people = {user_id}
        if not self.hierarchy:
            return people
        if "subordinates" in scopes:
            people |= self.people_below(user_id)
        units = set()
        if "unit" in scopes:
            units |= self.home_units(user_id)
        if "subtree" in scopes:
            units |= self.units_within(self.home_units(user_id))
        if units:
            people |= {person.pk for person in self.people.values() if person.unit_id in units}
        return people

    def teams_of(self, user_id):
        return {team for team, people in self.team_people.items() if user_id in people}

    def shared_with(self, user_id, key, action):
        """Object ids of `key` shared with the user or their teams, for `action`."""
        if action not in SHARE_ACTIONS:
            return set()
        teams = self.teams_of(user_id)
        return {object_id for share_key, object_id, employee_id, team_id, can_change in self.shares
                if share_key == key and (employee_id == user_id or team_id in teams)
                and (can_change or action != "change")}


# --- rules, one per kind of object ---------------------------------------------------------------


class Rule:
    kind = ""

    def visible_ids(self, facts, model, user_id, action, deleted=False):
        """Live rows; with `deleted`, the rows in the recycle bin instead (what restore may reach)."""
        raise NotImplementedError

    @staticmethod
    def _rows(model, deleted):
        manager = getattr(model, "all_objects", model._default_manager)
        if not any(f.name == "deleted_at" for f in model._meta.concrete_fields):
            return manager.none() if deleted else manager.all()
        return manager.filter(deleted_at__isnull=not deleted)

    def granted(self, facts, model, user_id, action):
        return bool(facts.scopes(user_id, model._meta.label_lower, action))


class OwnedRecords(Rule):
    """Records with an owner and an org unit (customers, opportunities…)."""

    kind = "owned"

    def visible_ids(self, facts, model, user_id, action, deleted=False):
        key = model._meta.label_lower
        scopes = facts.scopes(user_id, key, action)
        if not scopes:
            return set()
        rows = list(self._rows(model, deleted).values_list("pk", "owner_id", "org_unit_id"))
        if "all" in scopes:
            return {pk for pk, _owner, _unit in rows}
        owners = {user_id}
        if "subordinates" in scopes:
            owners |= facts.people_below(user_id)
        units = set()
        if "unit" in scopes:
            units |= facts.home_units(user_id)
        if "subtree" in scopes:
            units |= facts.units_within(facts.home_units(user_id))
        shared = set()
        for person in facts.people_in_scope(user_id, scopes):
            shared |= facts.shared_with(person, key, action)
        shared |= self.granted_by_rules(facts, model, user_id, action, scopes)
        pools = facts.units_above(user_id) if getattr(model, "scope_pool", False) and action in ("view", "export") \
            else set()
        return {pk for pk, owner, unit in rows
                if owner in owners or unit in units or pk in shared or (owner is None and unit in pools)}

    def granted_by_rules(self, facts, model, user_id, action, scopes):
        """Ids an app's own access rule adds (an account team); none here. A subclass in the app's
        tests writes its rule again, independently (customers/tests/expectations.py)."""
        return set()


class FollowsParent(Rule):
    """Records whose visibility is their parent's (a contact and its customer)."""

    kind = "parent"

    PARENT_ACTION = {"view": "view", "export": "view"}  # anything else needs the right to change it

    def __init__(self, field, parent_rule):
        self.field = field
        self.parent_rule = parent_rule

    def visible_ids(self, facts, model, user_id, action, deleted=False):
        if not facts.scopes(user_id, model._meta.label_lower, action):
            return set()
        parent_model = model._meta.get_field(self.field).related_model
        parent_action = self.PARENT_ACTION.get(action, "change")
        parents = self.parent_rule.visible_ids(facts, parent_model, user_id, parent_action)
        if deleted:
            # The bin also lists a child whose parent is in the bin (restoring it is refused with
            # "restore the parent first"): the parent counts as if it were alive.
            parents |= self.parent_rule.visible_ids(facts, parent_model, user_id, parent_action, deleted=True)
        rows = self._rows(model, deleted).values_list("pk", f"{self.field}_id")
        return {pk for pk, parent_id in rows if parent_id in parents}


class Granted(Rule):
    """Objects without an owner (org units, roles…): all of them, to whoever is granted the action."""

    kind = "global"

    def visible_ids(self, facts, model, user_id, action, deleted=False):
        if not facts.scopes(user_id, model._meta.label_lower, action):
            return set()
        return set(self._rows(model, deleted).values_list("pk", flat=True))


def expected_ids(model, rule, user, action, facts=None, deleted=False):
    """The primary keys of `model` that `user` should be able to `action` (in the bin: `deleted`)."""
    facts = facts or OrgFacts.read()
    return rule.visible_ids(facts, model, user.pk, action, deleted=deleted)
