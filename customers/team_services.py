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
