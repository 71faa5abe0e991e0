"""Account-team services: add a member, remove one (customers' account team by product line)."""

from django.db import transaction

from core import services

from .models import AccountTeamMember, TeamRole


@transaction.atomic
def account_team_member_add(*, customer, employee, product_line, actor, role=TeamRole.ACCOUNT_MANAGER,
                            start_date=None, notes=""):
    """Put `employee` on `customer`'s account team for `product_line`. Whoever may change the
    customer manages its team; a second live account manager for the same line is refused on
    `product_line` (ValidationError; the database constraint holds under a race). Audited on the
    membership row, which the customer's history lists."""
    member = AccountTeamMember(customer=customer, employee=employee, product_line=product_line, role=role,
                               notes=notes)
    if start_date:
        member.start_date = start_date
    services.check_allowed(instance=customer, actor=actor, action="change")
    member.full_clean()
    return services.object_save(instance=member, actor=actor)


@transaction.atomic
def account_team_member_remove(*, member, actor):
    """Take a member off the team (soft delete, audited): they stop seeing the customer through it
    from the next request."""
    return services.object_delete(instance=member, actor=actor)


def account_team_merge_hook(*, survivor, merged, actor):
    """For the customer merge (core.registry.register_merge_hook): before the merged customers'
    rows move to `survivor`, take off their teams whoever would break a unique rule there — a
    second account manager for a line the survivor (or an earlier merged customer) already has one
    for, or a person already placed for that line. Each removal is audited like any other."""
    merged = merged if isinstance(merged, (list, tuple)) else [merged]
    keep = AccountTeamMember.objects.filter(customer=survivor)
    managed = set(keep.filter(role=TeamRole.ACCOUNT_MANAGER).values_list("product_line_id", flat=True))
    placed = set(keep.values_list("product_line_id", "employee_id"))
    moving = AccountTeamMember.objects.filter(customer__in=[customer.pk for customer in merged]).order_by("pk")
    for member in moving:
        manager = member.role == TeamRole.ACCOUNT_MANAGER
        if (manager and member.product_line_id in managed) or (member.product_line_id, member.employee_id) in placed:
            services.object_delete(instance=member, actor=actor)
            continue
        placed.add((member.product_line_id, member.employee_id))
        if manager:
            managed.add(member.product_line_id)


def account_places_count(from_user, customer_ids):
    """Handover (core.registry.register_handover_hook, h5): the leaver's live account-team places
    on these customers (None: on every customer)."""
    return _places(from_user, customer_ids).count()


def _places(from_user, customer_ids):
    places = AccountTeamMember.objects.filter(employee=from_user)
    return places if customer_ids is None else places.filter(customer_id__in=customer_ids)


@transaction.atomic
def account_places_apply(from_user, to_user, customer_ids, actor):
    """Handover: `to_user` takes `from_user`'s account-team places on these customers (audited per
    row); where `to_user` already has the place for that line, the leaver's row is removed."""
    moved = 0
    for member in _places(from_user, customer_ids).order_by("pk"):
        if AccountTeamMember.objects.filter(customer_id=member.customer_id, product_line_id=member.product_line_id,
                                            employee=to_user).exists():
            services.object_delete(instance=member, actor=actor)
            continue
        member.employee = to_user
        services.object_save(instance=member, actor=actor)
        moved += 1
    return moved
