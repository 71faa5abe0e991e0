"""Who decides a request, and who next when it waits too long (docs/approvals.md#routing).

1. An approver named by the caller (`approval_request(approver=…)`).
2. The most specific active ApprovalPolicy of the kind with an approver role: the first active
   employee holding that role, looking in the request's org unit and then each unit above it (in
   a unit, its manager first, then by id).
3. The kind's own `resolve_approver(request)`, when it names someone.
4. The manager of the request's org unit; if that is the requester, or there is none, or they are
   inactive, the manager of the unit above, and so on up to the company.
5. Nobody found (no managers at all): an active superuser, so that a request never waits for no one.

Nobody approves their own request, nor anyone the kind excludes (`excluded_approvers`: the two
sellers of a collision). Escalation walks up from the unit where the current approver was found,
skipping those and everyone who already had the request.
"""

from org.models import Employee, OrgUnit

from .models import ApprovalPolicy


def ancestors(unit):
    """`unit` and the units above it, nearest first (live units only; one query)."""
    if unit is None:
        return []
    ids = [int(segment) for segment in unit.path.split(".")][::-1] if unit.path else [unit.pk]
    found = OrgUnit.objects.select_related("manager").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _usable(employee, exclude):
    return employee is not None and employee.is_active and employee.pk not in exclude


def manager_from(unit, exclude):
    """(manager, unit): the first usable unit manager from `unit` upwards, or (None, None)."""
    for current in ancestors(unit):
        if _usable(current.manager, exclude):
            return current.manager, current
    return None, None


def role_holder_from(unit, role, exclude):
    """(employee, unit): the first active holder of `role` from `unit` upwards, or (None, None)."""
    chain = ancestors(unit)
    if not chain:
        return None, None
    holders = {}
    rows = Employee.objects.filter(unit_id__in=[u.pk for u in chain], is_active=True, roles=role) \
        .exclude(pk__in=list(exclude)).order_by("pk").distinct()
    for employee in rows:
        holders.setdefault(employee.unit_id, []).append(employee)
    for current in chain:
        people = holders.get(current.pk, [])
        if not people:
            continue
        manager = next((p for p in people if p.pk == current.manager_id), None)
        return manager or people[0], current
    return None, None


def any_superuser(exclude):
    return Employee.objects.filter(is_superuser=True, is_active=True).exclude(pk__in=list(exclude)) \
        .order_by("pk").first()


def find_policy(kind, org_unit, product_line):
    """The most specific active policy of `kind` for a request of `org_unit` / `product_line`."""
    path = org_unit.path if org_unit is not None else None
    best, best_key = None, None
    for policy in ApprovalPolicy.objects.filter(kind=kind, is_active=True).select_related("org_unit", "approver_role"):
        depth = 0
        if policy.org_unit_id:
            unit_path = policy.org_unit.path
            if path is None or not (path == unit_path or path.startswith(unit_path + ".")):
                continue
            depth = policy.org_unit.depth + 1
        if policy.product_line_id and (product_line is None or policy.product_line_id != product_line.pk):
            continue
        key = (depth, bool(policy.product_line_id), -policy.pk)  # ties: the older policy
        if best_key is None or key > best_key:
            best, best_key = policy, key
    return best


def excluded(request, kind=None):
    """The requester, and whoever the kind says may never decide this request."""
    from core.registry import get_approval_kind

    kind = kind or get_approval_kind(request.kind)
    people = {request.requested_by_id}
    if kind is not None and kind.excluded_approvers is not None:
        people |= set(kind.excluded_approvers(request))
    return people


def first_approver(request, kind, policy):
    """(approver, routing unit) for a new request, by the rules above; (None, None) if no one."""
    exclude = excluded(request, kind)
    unit = request.org_unit
    role = policy.approver_role if policy is not None else None
    if role is not None and role.deleted_at is None:
        approver, found_at = role_holder_from(unit, role, exclude)
        if approver is not None:
            return approver, found_at
    if kind.resolve_approver is not None:
        approver = kind.resolve_approver(request)
        if _usable(approver, exclude):
            return approver, unit
    approver, found_at = manager_from(unit, exclude)
    if approver is not None:
        return approver, found_at
    return any_superuser(exclude), None


def next_approver(request, previous_ids):
    """(approver, routing unit) one step up for an overdue request, or (None, None) at the top."""
    exclude = excluded(request) | set(previous_ids)
    return manager_from(request.routing_unit or request.org_unit, exclude)
