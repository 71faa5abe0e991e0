"""The one permission decision of Kedao.

`scope_filter(user, model, action)` turns a user's roles, position in the org tree, reporting
lines, team shares and the access rules apps register (core.registry.register_access_rule: the
account team) into ONE queryset condition. With the company's hierarchy setting on, shares and
rules also count for the people inside the user's subordinates / unit / subtree scope
(`acting_for`), so visible sets nest: seller ⊆ manager ⊆ CEO. `KedaoQuerySet.visible_to()` is its only
caller in request code; pages, API, search, autocomplete, export and counts go through that.

Answers: None = every row; False = no row; a Q = the rows matching it.
Grants, the setting and the people are read once per user object (one request) and kept on it;
rules are subqueries evaluated with the query itself, so a membership change counts at once.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from core.lookups import values_in
from core.registry import access_rules

from .models import CompanySettings, Employee, OrgUnit, RolePermission, Scope

# The action asked of the parent when a child's visibility follows its parent (contact → customer).
PARENT_ACTION = {"view": "view", "export": "view"}


def _cache(user):
    cache = getattr(user, "_kedao_perm_cache", None)
    if cache is None:
        cache = {}
        user._kedao_perm_cache = cache
    return cache


def clear_cache(user):
    if hasattr(user, "_kedao_perm_cache"):
        del user._kedao_perm_cache


def grants(user):
    """{(object type key, action): set of scopes} from all the user's roles."""
    cache = _cache(user)
    if "grants" not in cache:
        result = {}
        # A role in the recycle bin grants nothing.
        rows = RolePermission.objects.filter(role__employees=user, role__deleted_at__isnull=True).values_list(
            "object_type", "action", "scope")
        for object_type, action, scope in rows:
            result.setdefault((object_type, action), set()).add(scope)
        cache["grants"] = result
    return cache["grants"]


def has_perm(user, model, action):
    """Whether any role grants `action` on `model` at all (whatever the scope)."""
    if not user or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(grants(user).get((model._meta.label_lower, action)))


def granted_scopes(user, model, action):
    """Every scope the user's roles grant for `action` on `model` (roles add up)."""
    if user.is_superuser:
        return {Scope.ALL}
    return grants(user).get((model._meta.label_lower, action), set())


def subordinate_ids(user):
    """Everyone below the user on solid or dotted reporting lines, at any depth."""
    cache = _cache(user)
    if "subordinates" not in cache:
        reports = {}
        for employee_id, manager_id in Employee.objects.filter(manager__isnull=False).values_list("id", "manager_id"):
            reports.setdefault(manager_id, set()).add(employee_id)
        through = Employee.dotted_managers.through
        for employee_id, manager_id in through.objects.values_list("from_employee_id", "to_employee_id"):
            reports.setdefault(manager_id, set()).add(employee_id)
        seen, frontier = set(), {user.pk}
        while frontier:
            following = set()
            for manager_id in frontier:
                following |= reports.get(manager_id, set())
            frontier = following - seen - {user.pk}
            seen |= frontier
        cache["subordinates"] = seen
    return cache["subordinates"]


def unit_ids(user, with_subtree):
    """The user's own unit and the units they manage; with their sub-units when asked."""
    cache = _cache(user)
    key = ("units", with_subtree)
    if key not in cache:
        roots = list(OrgUnit.objects.filter(Q(pk=user.unit_id) | Q(manager=user)).values_list("id", "path"))
        ids = {pk for pk, _path in roots}
        if with_subtree and roots:
            condition = Q()
            for _pk, path in roots:
                condition |= Q(path__startswith=path + ".")
            ids |= set(OrgUnit.objects.filter(condition).values_list("id", flat=True))
        cache[key] = ids
    return cache[key]


# The actions a public pool reaches: its customers are looked at (and claimed through a service);
# changing or deleting them takes a unit or subtree scope over the pool's unit, as for any record.
POOL_ACTIONS = ("view", "export")


def pool_unit_ids(user):
    """The pools the user sees: their own unit's and every unit above it (an employee of a unit's
    subtree sees that unit's pool; a pool of another region stays hidden). The unit's materialised
    path lists its ancestors' ids."""
    cache = _cache(user)
    if "pools" not in cache:
        path = OrgUnit.objects.filter(pk=user.unit_id).values_list("path", flat=True).first() if user.unit_id else None
        cache["pools"] = {int(segment) for segment in path.split(".")} if path else set()
    return cache["pools"]
HIERARCHY_SCOPES = (Scope.SUBORDINATES, Scope.UNIT, Scope.SUBTREE)


def hierarchy_on(user):
    """The company setting "managers see what their people work on" (one query per request)."""
    cache = _cache(user)
    if "hierarchy" not in cache:
        cache["hierarchy"] = CompanySettings.current().hierarchy_visibility
    return cache["hierarchy"]


def people_in_units(user, with_subtree):
    """Employees (active or not) whose unit is one `unit_ids(user, with_subtree)` selects."""
    cache = _cache(user)
    key = ("unit_people", with_subtree)
    if key not in cache:
        units = unit_ids(user, with_subtree)
        cache[key] = set(Employee.objects.filter(unit_id__in=units).values_list("pk", flat=True)) if units else set()
    return cache[key]


def acting_for(user, model, action):
    """The employee ids whose shares and memberships count for `user` on `model`/`action`: the user,
    and with the hierarchy setting on, everyone inside the user's subordinates / unit / subtree
    scope for that action (reporting lines for subordinates, the units' employees for the others)."""
    people = {user.pk}
    scopes = granted_scopes(user, model, action)
    if not scopes & set(HIERARCHY_SCOPES) or not hierarchy_on(user):
        return frozenset(people)
    if Scope.SUBORDINATES in scopes:
        people |= subordinate_ids(user)
    if Scope.UNIT in scopes or Scope.SUBTREE in scopes:
        people |= people_in_units(user, with_subtree=Scope.SUBTREE in scopes)
    return frozenset(people)


def team_ids(user, people):
    """The live teams `people` lead or belong to (once per request)."""
    from .models import Team

    cache = _cache(user)
    key = ("teams", people)
    if key not in cache:
        ids = sorted(people)
        members = Team.members.through.objects.filter(
            employee_id__in=ids, team__deleted_at__isnull=True).order_by().values_list("team_id", flat=True)
        led = Team.objects.filter(leader_id__in=ids, deleted_at__isnull=True).order_by().values_list("pk", flat=True)
        cache[key] = frozenset(members.union(led))
    return cache[key]


def shared_ids(user, model, action):
    """Records of `model` shared with the user or one of the user's teams, and with the hierarchy
    setting on, with the people inside the user's scope (`acting_for`) or their teams."""
    from core.models import Share

    cache = _cache(user)
    people = acting_for(user, model, action)
    key = ("shares", model._meta.label_lower, action == "change", people)
    if key not in cache:
        content_type = ContentType.objects.get_for_model(model)
        ids = sorted(people)
        # The teams first, then the shares by two indexed columns: one query joining the teams and
        # their members under an OR read all 50,000 shares of the M dataset (8 ms on every page).
        teams = team_ids(user, people)
        grantee = values_in("employee_id", ids)
        if teams:
            grantee |= values_in("team_id", sorted(teams))
        shares = Share.objects.filter(content_type=content_type).filter(grantee)
        if action == "change":
            shares = shares.filter(can_change=True)
        cache[key] = set(shares.values_list("object_id", flat=True))
    return cache[key]


def rule_condition(user, model, action, skip_rules=()):
    """The OR of the registered access rules of `model` (core.registry.register_access_rule), or None.
    `skip_rules`: keys of rules left out (a child that must not inherit them from its parent)."""
    rules = [rule for rule in access_rules(model) if rule.key not in skip_rules]
    if not rules:
        return None
    people = acting_for(user, model, action)
    cache = _cache(user)
    condition = None
    for rule in rules:
        # Once per request, like the shares: the home page and every child type of a customer
        # (contacts, strategies, quotes…) ask for the same account-team ids.
        key = ("rule", rule.fn, action, people)
        if key not in cache:
            cache[key] = rule.fn(user, action, people)
        found = cache[key]
        if found is not None:
            condition = found if condition is None else condition | found
    return condition


def own_reach(user, model, action):
    """The owners and the units whose records of a scoped `model` the user's own scopes reach for
    `action`: None for every record (scope "all"), else (owner ids, unit ids). Every scope
    includes the user's own records; the others add up: subordinates on any line (they may sit
    in other units) and the units the user belongs to or manages, with their sub-units for
    "subtree". scope_filter writes this as the first part of its condition; reaches_by_scope
    tests a loaded row against it: one rule, read once per request."""
    scopes = granted_scopes(user, model, action)
    if Scope.ALL in scopes:
        return None
    owners = {user.pk}
    if Scope.SUBORDINATES in scopes:
        owners |= subordinate_ids(user)
    units = set()
    if Scope.UNIT in scopes or Scope.SUBTREE in scopes:
        units = unit_ids(user, with_subtree=Scope.SUBTREE in scopes)
    return owners, units


def reaches_by_scope(user, model, action, owner_id, org_unit_id):
    """Whether a record of a scoped `model` with this owner and unit is in own_reach(): the part
    of scope_filter's condition that needs no share, pool or access rule. True is final (the
    condition is an OR); False only means "not by this alone": ask visible_to(). A page uses it
    to tell most related records visible from their loaded rows, without a query."""
    if getattr(model, "scope_kind", "global") != "scoped" or not has_perm(user, model, action):
        return False
    reach = own_reach(user, model, action)
    if reach is None:
        return True
    owners, units = reach
    return owner_id in owners or (org_unit_id is not None and org_unit_id in units)


def scope_filter(user, model, action, deleted_parents=False, skip_rules=()):
    """`deleted_parents`: a child also counts when its parent is in the recycle bin (the bin lists
    a contact deleted before its customer, and restoring it says to restore the customer first).
    `skip_rules`: keys of the model's access rules left out of the condition — a child type names
    them in `scope_parent_skip_rules` when reaching the parent through such a rule must not reach
    the child (an account-team member sees the customer, but only their own line's strategy)."""
    if not has_perm(user, model, action):
        return False
    kind = getattr(model, "scope_kind", "global")
    if kind == "parent":
        field = model._meta.get_field(model.scope_parent)
        parent_model = field.related_model
        parent = scope_filter(user, parent_model, PARENT_ACTION.get(action, "change"),
                              skip_rules=getattr(model, "scope_parent_skip_rules", ()))
        alive = Q() if deleted_parents else Q(**{f"{model.scope_parent}__deleted_at__isnull": True})
        parents = parent_model._base_manager if deleted_parents else parent_model.objects
        # Rules an app registers for the child itself (an account manager's own product line).
        extra = rule_condition(user, model, action)
        if parent is None:
            return alive
        if parent is False:
            return False if extra is None else alive & extra
        reach = Q(**{f"{model.scope_parent}__in": parents.filter(parent).values("pk")})
        condition = alive & (reach if extra is None else reach | extra)
        # No page by branch for a child type: each branch would read every child of its parents
        # (4,400 contacts of a seller's 1,500 customers, sorted: 16 ms), where one walk of the
        # children's date index, checking the parents, finds a page sooner (docs/benchmarks.md).
        condition.kedao_branches = []
        if extra is None and not getattr(parent, "kedao_units", False):
            # A user who reaches no unit sees few parents: a short page (the home page's latest
            # five) may be read from their children (core.models.KedaoQuerySet._page_by_parents).
            condition.kedao_parents = (field.attname, parents.filter(parent))
        return condition
    if kind != "scoped":
        return None
    reach = own_reach(user, model, action)
    if reach is None:
        return None
    owners, units = reach
    condition = values_in("owner_id", sorted(owners)) if len(owners) > 1 else Q(owner_id=user.pk)
    units_reached = bool(units)
    # The part of the OR that holds most rows: the units when the user reaches some, else the
    # owners' own rows. A bounded count asks it first (core.models.KedaoQuerySet.count).
    dense = condition
    if units_reached:
        dense = values_in("org_unit_id", sorted(units))
        condition |= dense
    if getattr(model, "scope_pool", False) and action in POOL_ACTIONS:
        pools = pool_unit_ids(user)
        if pools:
            condition |= Q(owner_id__isnull=True) & values_in("org_unit_id", sorted(pools))
    if action in ("view", "export", "change"):
        shared = shared_ids(user, model, action)
        if shared:
            condition |= values_in("pk", sorted(shared))
    # Grants other apps record (account teams…): core.registry.register_access_rule.
    extra = rule_condition(user, model, action, skip_rules)
    if extra is not None:
        condition |= extra
    if units_reached:
        # A unit's records are dense among all (a branch holds 4 % of the customers): one walk of
        # the sort index with the whole condition finds a page within a few thousand rows, where
        # a page by branch would make the sparse branches (thousands of shared ids) read every
        # row of theirs (docs/benchmarks.md, "Fast generic pages"). A seller's branches are all
        # narrow: their own rows by the owner index, a few hundred ids.
        condition.kedao_branches = []
    if condition is not dense:  # alone, the part is the whole: nothing to ask first
        condition.kedao_dense = dense
    condition.kedao_units = units_reached
    return condition
