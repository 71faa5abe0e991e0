"""The public pool (公海): claim, assign, release, automatic return, and the last contact.

Every move is one transaction with its audit row (ObjectChange, in the customer's history) and a
PoolMove row (the daily claim cap counts those). Claims are race-safe: the customer changes hands
with one conditional UPDATE ... WHERE owner_id IS NULL, so of two sellers claiming the last
customer at once exactly one wins and the other is told it was taken; a seller's own claims are
serialised on their employee row (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the IMMEDIATE
transaction takes the write lock first, the busy timeout turns the second writer into a wait), so
two tabs cannot both pass the caps.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DateTimeField, F, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.models import ObjectChange
from core.permissions import has_perm
from core.services import log_change
from org.models import Employee, OrgUnit

from ..models import Customer, PoolMove, PoolRule

REASON_MAX = 200


@dataclass
class Rules:
    """The rules in force for one unit: its own PoolRule or its nearest ancestor's."""

    pool_unit_id: int  # where customers released below it go (the unit holding the rule)
    holding_cap: int | None = None
    daily_claim_cap: int | None = None
    return_after_days: int | None = None
    warn_days_before: int = 3
    source_id: int | None = None  # the PoolRule, when there is one


def _ancestors(unit):
    """Ids from the unit up to the root (the materialised path lists them)."""
    return [int(segment) for segment in reversed(unit.path.split("."))] if unit.path else [unit.pk]


def rules_for(unit):
    """Rules of `unit` (an OrgUnit), inherited from the nearest ancestor with rules."""
    if unit is None:
        return None
    chain = _ancestors(unit)
    found = {rule.org_unit_id: rule for rule in PoolRule.objects.filter(org_unit_id__in=chain)}
    for unit_id in chain:
        rule = found.get(unit_id)
        if rule is not None:
            return Rules(pool_unit_id=unit_id, holding_cap=rule.holding_cap, daily_claim_cap=rule.daily_claim_cap,
                         return_after_days=rule.return_after_days, warn_days_before=rule.warn_days_before,
                         source_id=rule.pk)
    return Rules(pool_unit_id=unit.pk)


def rules_by_unit():
    """{unit id: Rules} for every live unit, in two queries (the scheduled job)."""
    units = list(OrgUnit.objects.values_list("pk", "path"))
    rules = {rule.org_unit_id: rule for rule in PoolRule.objects.all()}
    result = {}
    for pk, path in units:
        chain = [int(segment) for segment in reversed(path.split("."))] if path else [pk]
        rule = next((rules[unit_id] for unit_id in chain if unit_id in rules), None)
        result[pk] = Rules(pool_unit_id=pk) if rule is None else Rules(
            pool_unit_id=rule.org_unit_id, holding_cap=rule.holding_cap, daily_claim_cap=rule.daily_claim_cap,
            return_after_days=rule.return_after_days, warn_days_before=rule.warn_days_before, source_id=rule.pk)
    return result


def start_of_day(now=None):
    now = timezone.localtime(now or timezone.now())
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass
class Standing:
    """What a seller holds and has claimed today, against their caps ("you hold 48/50")."""

    holding: int
    holding_cap: int | None
    claimed_today: int
    daily_claim_cap: int | None

    @property
    def may_claim(self):
        return ((self.holding_cap is None or self.holding < self.holding_cap)
                and (self.daily_claim_cap is None or self.claimed_today < self.daily_claim_cap))


def seller_standing(user, now=None):
    rules = rules_for(user.unit) or Rules(pool_unit_id=0)
    return Standing(
        holding=Customer.objects.filter(owner=user).count(),
        holding_cap=rules.holding_cap,
        claimed_today=PoolMove.objects.filter(to_user=user, kind=PoolMove.Kind.CLAIMED,
                                              time__gte=start_of_day(now)).count(),
        daily_claim_cap=rules.daily_claim_cap,
    )


def _clean_reason(reason):
    reason = " ".join(str(reason or "").split())
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": [_("At most %(max)d characters.") % {"max": REASON_MAX}]})
    return reason


def _audit_move(customer, *, actor, kind, before_owner, before_unit, reason=""):
    """The customer's history row for a pool move: owner and unit before and after, and why."""
    customer.refresh_from_db()
    label = PoolMove.Kind(kind).label

    def person(employee):
        return {"id": employee.pk, "label": str(employee)} if employee else None

    log_change(
        instance=customer, action=ObjectChange.Action.UPDATE, actor=actor,
        prechange={"owner": person(before_owner), "org_unit": person(before_unit)},
        postchange={"owner": person(customer.owner), "org_unit": person(customer.org_unit),
                    "pool": f"{label}{': ' + reason if reason else ''}"},
    )


def _check_holding(user, rules, extra=1):
    if rules.holding_cap is not None:
        holding = Customer.objects.filter(owner=user).count()
        if holding + extra > rules.holding_cap:
            return _("%(name)s already holds %(holding)d customers; the limit is %(cap)d.") % {
                "name": user, "holding": holding, "cap": rules.holding_cap}
    return None


def _lock_employee(user):
    # Serialises one seller's claims (two tabs at once cannot both pass the caps).
    Employee.objects.select_for_update().filter(pk=user.pk).first()


def _take(customer_id, user, now, actor):
    """The race-safe step: the customer changes hands only if it is still in the pool."""
    return Customer.objects.filter(pk=customer_id, owner__isnull=True).update(
        owner=user, org_unit_id=user.unit_id, owned_since=now, return_warned_at=None,
        version=F("version") + 1, updated_at=now, updated_by=actor)


def taken_message():
    return _("Someone else took this customer from the pool a moment ago.")


def customer_claim(*, customer, actor, now=None):
    """A seller takes a customer from a pool they see, within their holding and daily caps."""
    now = now or timezone.now()
    if not has_perm(actor, Customer, "change"):
        raise PermissionDenied(_("You may not claim customers."))
    if not Customer.objects.visible_to(actor, "view").filter(pk=customer.pk).exists():
        raise PermissionDenied(_("This customer is not in a pool you see."))
    if actor.unit_id is None:
        raise ValidationError(_("You belong to no org unit; ask an administrator to place you in one."))
    with transaction.atomic():
        _lock_employee(actor)
        stored = Customer.objects.select_related("owner", "org_unit").get(pk=customer.pk)
        if stored.owner_id is not None:
            raise ValidationError(taken_message() if stored.owner_id != actor.pk
                                  else _("You already hold this customer."))
        rules = rules_for(actor.unit)
        problem = _check_holding(actor, rules)
        if problem:
            raise ValidationError(problem)
        if rules.daily_claim_cap is not None:
            today = PoolMove.objects.filter(to_user=actor, kind=PoolMove.Kind.CLAIMED,
                                            time__gte=start_of_day(now)).count()
            if today >= rules.daily_claim_cap:
                raise ValidationError(_("You have claimed %(count)d customers today; the daily limit is %(cap)d.")
                                      % {"count": today, "cap": rules.daily_claim_cap})
        if not _take(stored.pk, actor, now, actor):
            raise ValidationError(taken_message())
        PoolMove.objects.create(customer=stored, kind=PoolMove.Kind.CLAIMED, actor=actor, to_user=actor,
                                org_unit_id=stored.org_unit_id)
        _audit_move(stored, actor=actor, kind=PoolMove.Kind.CLAIMED, before_owner=None,
                    before_unit=stored.org_unit)
    return stored


def customer_assign(*, customer, to_user, actor, reason="", now=None):
    """A manager gives a pool customer to someone in their scope (holding cap applies)."""
    now = now or timezone.now()
    reason = _clean_reason(reason)
    if not Customer.objects.visible_to(actor, "change").filter(pk=customer.pk).exists():
        raise PermissionDenied(_("You may not assign customers of this pool."))
    if to_user is None or not isinstance(to_user, Employee) or not to_user.is_active:
        raise ValidationError({"to_user": [_("Choose an active employee.")]})
    if to_user.unit_id is None:
        raise ValidationError({"to_user": [_("%(name)s belongs to no org unit.") % {"name": to_user}]})
    with transaction.atomic():
        _lock_employee(to_user)
        stored = Customer.objects.select_related("owner", "org_unit").get(pk=customer.pk)
        if stored.owner_id is not None:
            raise ValidationError(taken_message())
        problem = _check_holding(to_user, rules_for(to_user.unit))
        if problem:
            raise ValidationError({"to_user": [problem]})
        if not _take(stored.pk, to_user, now, actor):
            raise ValidationError(taken_message())
        # Only to someone whose customers the manager may change: the record must stay theirs to manage.
        if not Customer.objects.visible_to(actor, "change").filter(pk=stored.pk).exists():
            raise ValidationError({"to_user": [_("You may only assign to people whose customers you manage.")]})
        PoolMove.objects.create(customer=stored, kind=PoolMove.Kind.ASSIGNED, actor=actor, to_user=to_user,
                                org_unit_id=stored.org_unit_id, reason=reason)
        _audit_move(stored, actor=actor, kind=PoolMove.Kind.ASSIGNED, before_owner=None,
                    before_unit=stored.org_unit, reason=reason)
        from notifications.services import notify

        with translation.override(settings.LANGUAGE_CODE):
            title = _("%(actor)s assigned the customer “%(name)s” to you") % {"actor": actor, "name": stored.name}
        notify(recipients=[to_user], event="customers.customer.owner_changed", title=title, body=reason,
               url=stored.get_absolute_url(), actor=actor, target=stored)
    return stored


def _release(stored, *, actor, kind, reason, now):
    rules = rules_for(stored.org_unit)
    pool_unit_id = rules.pool_unit_id if rules else stored.org_unit_id
    moved = Customer.objects.filter(pk=stored.pk, owner_id=stored.owner_id).update(
        owner=None, org_unit_id=pool_unit_id, owned_since=None, return_warned_at=None,
        version=F("version") + 1, updated_at=now, updated_by=actor)
    if not moved:
        raise ValidationError(_("The customer changed hands a moment ago; reload the page."))
    PoolMove.objects.create(customer=stored, kind=kind, actor=actor, from_user=stored.owner,
                            org_unit_id=pool_unit_id, reason=reason)
    _audit_move(stored, actor=actor, kind=kind, before_owner=stored.owner, before_unit=stored.org_unit,
                reason=reason)


def customer_release(*, customer, actor, reason="", now=None):
    """The owner (or whoever may change the customer) puts it back into the pool."""
    now = now or timezone.now()
    reason = _clean_reason(reason)
    if not Customer.objects.visible_to(actor, "change").filter(pk=customer.pk).exists():
        raise PermissionDenied(_("You may not release this customer."))
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).first()
        stored = Customer.objects.select_related("owner", "org_unit").get(pk=customer.pk)
        if stored.owner_id is None:
            raise ValidationError(_("This customer is already in the pool."))
        _release(stored, actor=actor, kind=PoolMove.Kind.RELEASED, reason=reason, now=now)
    return stored


def customer_touch(*, customer, when=None, actor=None):
    """Record a contact with the customer at `when` (default now): `last_contacted_at` only moves
    forward, and the return-to-pool clock restarts. Audited when a person did it (`actor`).
    Activities will call this when a visit or call is logged."""
    when = when or timezone.now()
    if actor is not None and not Customer.objects.visible_to(actor, "change").filter(pk=customer.pk).exists():
        raise PermissionDenied(_("You may not log a contact with this customer."))
    if when > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"when": [_("A contact cannot be in the future.")]})
    with transaction.atomic():
        stored = Customer.objects.select_for_update().get(pk=customer.pk)
        before = stored.last_contacted_at
        if before is not None and before >= when:
            return stored
        Customer.objects.filter(pk=stored.pk).update(last_contacted_at=when, return_warned_at=None)
        stored.last_contacted_at = when
        if actor is not None:
            log_change(instance=stored, action=ObjectChange.Action.UPDATE, actor=actor,
                       prechange={"last_contacted_at": before.isoformat() if before else None},
                       postchange={"last_contacted_at": when.isoformat()})
    return stored


# --- the scheduled job: automatic return and warnings -------------------------------------------------------------


def followed_up_expression():
    """When the owner last followed the customer up: the later of the last contact and the day they
    got it (claim, assignment, handover); creation for customers older than the pool."""
    got = Coalesce("owned_since", "created_at", output_field=DateTimeField())
    return Greatest(Coalesce("last_contacted_at", got, output_field=DateTimeField()), got,
                    output_field=DateTimeField())


def _units_by_days(rules):
    by_days = {}
    for unit_id, rule in rules.items():
        if rule.return_after_days is not None:
            by_days.setdefault((rule.return_after_days, rule.warn_days_before), []).append(unit_id)
    return by_days


def due_for_return(now=None, rules=None):
    """Owned customers past their unit's return deadline (a queryset, unscoped: the job's)."""
    now = now or timezone.now()
    rules = rules if rules is not None else rules_by_unit()
    condition = Q(pk__in=[])
    for (days, _warn), units in _units_by_days(rules).items():
        condition |= Q(org_unit_id__in=units, followed_up__lt=now - datetime.timedelta(days=days))
    return Customer.objects.filter(owner__isnull=False).alias(followed_up=followed_up_expression()).filter(condition)


def returning_soon(now=None, rules=None):
    """Owned customers inside their unit's warning window, annotated with `returns_at`."""
    now = now or timezone.now()
    rules = rules if rules is not None else rules_by_unit()
    condition = Q(pk__in=[])
    for (days, warn), units in _units_by_days(rules).items():
        deadline = now - datetime.timedelta(days=days)
        condition |= Q(org_unit_id__in=units, followed_up__gte=deadline,
                       followed_up__lt=deadline + datetime.timedelta(days=warn))
    return Customer.objects.filter(owner__isnull=False).annotate(followed_up=followed_up_expression()) \
        .filter(condition)


def returns_at(customer, rules):
    rule = rules.get(customer.org_unit_id)
    if rule is None or rule.return_after_days is None:
        return None
    return customer.followed_up + datetime.timedelta(days=rule.return_after_days)


def pool_return_due(*, now=None, send_mail=True):
    """The scheduled job: return overdue customers to their pools, warn owners of those close to it.
    Returns (returned, warned). Each return is its own transaction (one bad row stops nothing)."""
    from .notify import warn_owners

    now = now or timezone.now()
    rules = rules_by_unit()
    returned = 0
    for customer_id in list(due_for_return(now, rules).values_list("pk", flat=True)):
        with transaction.atomic():
            stored = Customer.objects.select_related("owner", "org_unit").filter(pk=customer_id).first()
            if stored is None or stored.owner_id is None:
                continue
            rule = rules.get(stored.org_unit_id)
            reason = _("not followed up for %(days)d days") % {"days": rule.return_after_days} if rule else ""
            try:
                _release(stored, actor=None, kind=PoolMove.Kind.RETURNED, reason=reason, now=now)
            except ValidationError:
                continue
            returned += 1
    warned = warn_owners(now=now, rules=rules, send_mail=send_mail)
    return returned, warned
