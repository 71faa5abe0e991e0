"""Randomised scope test: random org trees, reporting lines, roles, owners and shares.

For each seed (fixed, so a failure is reproducible: `-k "seed7"`), `visible_to(user, action)` must
return exactly the rows core.testing.expectations computes, for every user and every action. Even
seeds run with the company's hierarchy setting on ("managers see what their people work on"), odd
ones with it off; with it on, the visible sets must nest (`assert_nesting`).
"""

import random

from django.contrib.contenttypes.models import ContentType

from core.models import Share
from core.registry import ACTIONS
from org.models import CompanySettings, Employee, OrgUnit, Role, RolePermission, Scope, Team

from .base import ObjectTestCase
from .expectations import OrgFacts

SCOPES = [choice for choice, _label in Scope.choices]


class RandomOrg:
    """A random organisation built straight into the database (no audit, no passwords)."""

    def __init__(self, rng, keys, prefix):
        self.rng, self.prefix = rng, prefix
        self.units = self._units()
        self.people = self._people()
        self.roles = self._roles(keys)
        self.teams = self._teams()

    def _units(self):
        rng = self.rng
        units = [OrgUnit.objects.create(name=f"{self.prefix}-u0", code=f"{self.prefix}-u0", kind="company")]
        for index in range(1, rng.randint(5, 12)):
            units.append(OrgUnit.objects.create(name=f"{self.prefix}-u{index}", code=f"{self.prefix}-u{index}",
                                                parent=rng.choice(units)))
        return units

    def _people(self):
        rng = self.rng
        people = []
        for index in range(rng.randint(6, 14)):
            people.append(Employee.objects.create(
                username=f"{self.prefix}-e{index}",
                unit=rng.choice(self.units) if rng.random() > 0.1 else None,
                is_superuser=rng.random() < 0.04, is_active=rng.random() > 0.05,
            ))
        for person in people:
            others = [p for p in people if p != person]
            if rng.random() < 0.6:
                person.manager = rng.choice(others)
                person.save(update_fields=["manager"])
            if rng.random() < 0.3:
                person.dotted_managers.add(*rng.sample(others, rng.randint(1, 2)))
        for unit in self.units:
            if rng.random() < 0.5:
                OrgUnit.objects.filter(pk=unit.pk).update(manager=rng.choice(people))
        return people

    def _roles(self, keys):
        rng = self.rng
        roles = []
        for index in range(rng.randint(3, 6)):
            role = Role.objects.create(name=f"{self.prefix}-r{index}", code=f"{self.prefix}-r{index}")
            RolePermission.objects.bulk_create(
                RolePermission(role=role, object_type=key, action=action, scope=rng.choice(SCOPES))
                for key in keys for action in ACTIONS if rng.random() < 0.6
            )
            if rng.random() < 0.15:
                Role.all_objects.filter(pk=role.pk).update(deleted_at="2024-01-01T00:00:00Z")
            roles.append(role)
        for person in self.people:
            person.roles.add(*rng.sample(roles, rng.randint(0, min(3, len(roles)))))
        return roles

    def _teams(self):
        rng = self.rng
        teams = []
        for index in range(rng.randint(1, 3)):
            team = Team.objects.create(name=f"{self.prefix}-t{index}",
                                       leader=rng.choice(self.people) if rng.random() < 0.5 else None)
            team.members.add(*rng.sample(self.people, rng.randint(1, 4)))
            if rng.random() < 0.25:
                Team.all_objects.filter(pk=team.pk).update(deleted_at="2024-01-01T00:00:00Z")
            teams.append(team)
        return teams

    def owners(self):
        return [person for person in self.people if person.unit_id]

    def share(self, obj):
        rng = self.rng
        grantee = {"team": rng.choice(self.teams)} if rng.random() < 0.5 else {"employee": rng.choice(self.people)}
        Share.objects.get_or_create(content_type=ContentType.objects.get_for_model(obj.__class__), object_id=obj.pk,
                                    defaults={"can_change": rng.random() < 0.5}, **grantee)


class RandomizedScopeTests(ObjectTestCase):
    suite = "random-scope"
    random_seeds = range(8)

    @classmethod
    def parameters(cls):
        seeds = list(cls.random_seeds)
        return super().parameters() + [("seed", seeds, [f"seed{seed}" for seed in seeds])]

    def spread_random(self, ctx, rng, org, rows):
        """Hook: what else a type's rules read, made at random (customers: account teams)."""

    def test_random_org_visibility(self, ctx, seed):
        rng = random.Random(seed)
        hierarchy = seed % 2 == 0
        CompanySettings.objects.update_or_create(pk=1, defaults={"hierarchy_visibility": hierarchy})
        keys = {self.key()}
        if self.rule.kind == "parent":
            keys.add(self.model._meta.get_field(self.rule.field).related_model._meta.label_lower)
        org = RandomOrg(rng, sorted(keys), prefix=f"rnd{seed}")
        rows = [self.make(ctx, owner=rng.choice(org.owners())) for _ in range(rng.randint(8, 16))]
        for obj in rows:
            record = self.owned_record(obj)
            if rng.random() < 0.3:  # the owner moved on; the record kept the unit it was assigned in
                type(record)._base_manager.filter(pk=record.pk).update(org_unit=rng.choice(org.units))
            if getattr(type(record), "scope_pool", False) and rng.random() < 0.2:
                # In the public pool of its unit (no owner): seen from that unit's subtree.
                type(record)._base_manager.filter(pk=record.pk).update(owner=None)
            if rng.random() < 0.4:
                org.share(record)
            if record is not obj and rng.random() < 0.2:
                org.share(obj)  # a share on a child grants nothing: it follows its parent
            if rng.random() < 0.1:
                type(record)._base_manager.filter(pk=record.pk).update(deleted_at="2024-01-01T00:00:00Z")
            if record is not obj and rng.random() < 0.1:
                type(obj)._base_manager.filter(pk=obj.pk).update(deleted_at="2024-01-01T00:00:00Z")

        self.spread_random(ctx, rng, org, rows)

        facts = OrgFacts.read()
        assert facts.hierarchy == hierarchy
        wrong = []
        seen_by = {}
        # The people of the random organisation (the world's users have their own scope tests).
        people = list(Employee.objects.filter(username__startswith=f"{org.prefix}-").order_by("pk"))
        for person in people:
            for action in ACTIONS:
                seen = set(self.model.objects.visible_to(person, action).values_list("pk", flat=True))
                seen_by[person.pk, action] = seen
                expected = self.rule.visible_ids(facts, self.model, person.pk, action)
                if seen != expected:
                    wrong.append(f"{person.username} {action}: missing {sorted(expected - seen)}, "
                                 f"unexpected {sorted(seen - expected)}")
        assert not wrong, f"seed {seed}:\n" + "\n".join(wrong[:20])
        if hierarchy and self.rule.kind == "owned":
            self.assert_nesting(facts, people, seen_by)

    def assert_nesting(self, facts, people, seen_by):
        """With the hierarchy setting on, a seller's visible set is inside their manager's: for
        every person P whose roles grant only the `own` scope for an action, and everyone M whose
        scope for that action reaches P (subordinates: P is below M; unit / subtree: P's unit is
        one M's scope covers), M sees everything P sees — P's own rows excepted for unit and
        subtree, since a record stays in the unit it was assigned in when its owner moves — and rows in a
        public pool (no owner): a pool is seen by position in the org tree, nobody works on it yet
        (docs/permissions.md)."""
        key = self.key()
        owned = dict(self.model._base_manager.values_list("pk", "owner_id"))
        broken = []
        for action in ("view", "export", "change"):
            for seller in people:
                if not seller.is_active or facts.scopes(seller.pk, key, action) != {"own"}:
                    continue
                for manager in people:
                    scopes = facts.scopes(manager.pk, key, action)
                    if manager.pk == seller.pk or not scopes or "all" in scopes:
                        continue
                    below = "subordinates" in scopes and seller.pk in facts.people_below(manager.pk)
                    units = set()
                    if "unit" in scopes:
                        units |= facts.home_units(manager.pk)
                    if "subtree" in scopes:
                        units |= facts.units_within(facts.home_units(manager.pk))
                    in_unit = facts.people[seller.pk].unit_id in units
                    if not below and not in_unit:
                        continue
                    wanted = {pk for pk in seen_by[seller.pk, action] if owned.get(pk) is not None}
                    if not below:
                        wanted = {pk for pk in wanted if owned.get(pk) != seller.pk}
                    missing = wanted - seen_by[manager.pk, action]
                    if missing:
                        broken.append(f"{action}: {manager.username} misses {sorted(missing)} "
                                      f"that {seller.username} sees")
        assert not broken, "visible sets do not nest:\n" + "\n".join(broken[:20])
