"""Handover: a leaver's records, shares and open work go to another user in one action.

Generic over every registered object type whose rows have owners (scope kind "scoped"): records
that follow a parent (contacts follow their customer) need nothing. Extras (account-team places,
open work of other apps) come from `core.registry.register_handover_hook`. org imports no domain
app: it reads the registry.

Who may: someone granted "change" on employees who may manage the leaver (org.services'
privilege rule), and granted "change" on every moved type with a scope that covers the leaver's
records before the move and the new owner's afterwards. Large handovers are a few bulk UPDATEs and
bulk-inserted audit rows (10,000 customers in about a second, docs/benchmarks.md).
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.context import current_request_id
from core.models import ObjectChange, Share
from core.permissions import has_perm
from core.registry import get_object_type, handover_hooks, handover_listeners, object_types
from core.services import log_change, object_save

from .models import Employee
from .services import check_may_manage, employee_access_update

AUDIT_BATCH = 2000


def handover_types():
    """Registered object types whose rows have an owner (what a handover can move)."""
    return [t for t in object_types() if getattr(t.model, "scope_kind", "global") == "scoped"]


@dataclass
class HandoverLine:
    key: str
    label: str
    count: int


@dataclass
class HandoverPlan:
    from_user: Employee
    to_user: Employee
    lines: list = field(default_factory=list)  # records per type, shares, hooks
    deactivate: bool = False

    @property
    def total(self):
        return sum(line.count for line in self.lines)


def _person(employee):
    return {"id": employee.pk, "label": str(employee)} if employee else None


def _check_people(*, from_user, to_user, actor):
    if not isinstance(from_user, Employee) or from_user.pk is None:
        raise ValidationError({"from_user": [_("Choose the employee whose records are handed over.")]})
    if not has_perm(actor, Employee, "change"):
        raise PermissionDenied(_("You may not hand over employees' records."))
    check_may_manage(actor, from_user)
    if not isinstance(to_user, Employee) or to_user.pk is None:
        raise ValidationError({"to_user": [_("Choose the employee who takes the records over.")]})
    if to_user.pk == from_user.pk:
        raise ValidationError({"to_user": [_("Choose someone other than %(name)s.") % {"name": from_user}]})
    if not to_user.is_active:
        raise ValidationError({"to_user": [_("%(name)s is deactivated.") % {"name": to_user}]})
    if to_user.unit_id is None:
        raise ValidationError({"to_user": [_("%(name)s belongs to no org unit; place them in one first.")
                                           % {"name": to_user}]})


def _selected_types(keys):
    available = {t.key: t for t in handover_types()}
    if keys is None:
        return list(available.values())
    keys = list(keys)
    unknown = [key for key in keys if key not in available]
    if unknown or not keys:
        raise ValidationError({"object_types": [_("Unknown or not transferable: %(keys)s.")
                                                % {"keys": ", ".join(map(str, unknown)) or "—"}]})
    return [available[key] for key in dict.fromkeys(keys)]


def _clean_ids(ids, types):
    if ids is None:
        return None
    if len(types) != 1:
        raise ValidationError({"ids": [_("Selected records need exactly one object type.")]})
    try:
        cleaned = sorted({int(value) for value in ids})
    except (TypeError, ValueError):
        raise ValidationError({"ids": [_("Record ids must be whole numbers.")]}) from None
    if not cleaned:
        raise ValidationError({"ids": [_("Select at least one record.")]})
    return cleaned


def _records(object_type, from_user, ids):
    # Records in the recycle bin go too: restored later, they belong to the new owner.
    rows = object_type.model._base_manager.filter(owner=from_user)
    return rows if ids is None else rows.filter(pk__in=ids)


def _plan(from_user, to_user, types, ids, actor):
    plan = HandoverPlan(from_user=from_user, to_user=to_user)
    content_types = []
    for object_type in types:
        rows = _records(object_type, from_user, ids)
        count = rows.count()
        if ids is not None and count != len(ids):
            raise ValidationError({"ids": [_("Some selected records are not %(name)s's.") % {"name": from_user}]})
        if count and (not has_perm(actor, object_type.model, "change")
                      or object_type.model._base_manager.visible_to(actor, "change").filter(
                          pk__in=rows.values("pk")).count() != count):
            raise PermissionDenied(_("Some of %(name)s's %(type)s are outside what you may change.")
                                   % {"name": from_user, "type": object_type.verbose_name_plural})
        plan.lines.append(HandoverLine(object_type.key, str(object_type.verbose_name_plural).capitalize(), count))
        content_types.append(ContentType.objects.get_for_model(object_type.model))
    shares = Share.objects.filter(employee=from_user, content_type__in=content_types)
    if ids is not None:
        shares = shares.filter(object_id__in=ids)
    plan.lines.append(HandoverLine("shares", _("Records shared with them"), shares.count()))
    hook_ids = ids if ids is not None and types and types[0].key == "customers.customer" else None
    for hook in handover_hooks():
        if ids is not None and hook_ids is None:
            continue  # hooks follow customers; a selection of another type moves none of them
        plan.lines.append(HandoverLine(f"hook:{hook.key}", str(hook.label), int(hook.count(from_user, hook_ids))))
    plan._shares = shares
    plan._hook_ids = hook_ids
    return plan


def handover_preview(*, from_user, to_user, object_types=None, ids=None, actor):
    """What `records_handover` with the same arguments would move (counts), checking everything
    it would check; writes nothing."""
    _check_people(from_user=from_user, to_user=to_user, actor=actor)
    types = _selected_types(object_types)
    return _plan(from_user, to_user, types, _clean_ids(ids, types), actor)


def _move_type(object_type, from_user, to_user, ids, actor, now, reason):
    model = object_type.model
    rows = _records(object_type, from_user, ids)
    content_type = ContentType.objects.get_for_model(model)
    moved_ids, audit = [], []
    before_owner, after_owner = _person(from_user), _person(to_user)
    after_unit = {"id": to_user.unit_id, "label": str(to_user.unit)}
    request_id = current_request_id()
    for obj in rows.select_related("org_unit").iterator(chunk_size=AUDIT_BATCH):
        moved_ids.append(obj.pk)
        audit.append(ObjectChange(
            user=actor, user_name=actor.get_username(), request_id=request_id, action=ObjectChange.Action.UPDATE,
            content_type=content_type, object_id=obj.pk, object_repr=str(obj)[:200],
            prechange_data={"owner": before_owner, "org_unit": {"id": obj.org_unit_id, "label": str(obj.org_unit)}},
            postchange_data={"owner": after_owner, "org_unit": after_unit, "handover": reason},
        ))
    if not moved_ids:
        return 0
    extra = model.handover_updates(now) if hasattr(model, "handover_updates") else {}
    for start in range(0, len(moved_ids), 5000):
        chunk = moved_ids[start:start + 5000]
        model._base_manager.filter(pk__in=chunk, owner=from_user).update(
            owner=to_user, org_unit_id=to_user.unit_id, version=F("version") + 1, updated_at=now,
            updated_by=actor, **extra)
    # The moved records must stay within what the actor may change (as object_save checks).
    still = 0
    for start in range(0, len(moved_ids), 5000):
        still += model._base_manager.visible_to(actor, "change").filter(
            pk__in=moved_ids[start:start + 5000]).count()
    if still != len(moved_ids):
        raise ValidationError({"to_user": [_("You could no longer manage these records under %(name)s.")
                                           % {"name": to_user}]})
    ObjectChange.objects.bulk_create(audit, batch_size=AUDIT_BATCH)
    return len(moved_ids)


def _move_shares(shares, to_user):
    """The leaver's shares go to the new owner; where they already hold one, the leaver's goes."""
    moved = 0
    for share in list(shares):
        duplicate = Share.objects.filter(content_type_id=share.content_type_id, object_id=share.object_id,
                                         employee=to_user).first()
        if duplicate is not None:
            if share.can_change and not duplicate.can_change:
                Share.objects.filter(pk=duplicate.pk).update(can_change=True)
            share.delete()
        else:
            Share.objects.filter(pk=share.pk).update(employee=to_user)
        moved += 1
    return moved


def records_handover(*, from_user, to_user, object_types=None, ids=None, deactivate=False, actor, reason=""):
    """Move `from_user`'s records (every transferable type, or `object_types` keys; all of them or
    the `ids` of the one type given) with their org unit, their shares and what handover hooks
    move, to `to_user`, in one transaction with an audit row per record; optionally deactivate
    `from_user` (their sessions and API tokens end). Returns the plan with the moved counts."""
    _check_people(from_user=from_user, to_user=to_user, actor=actor)
    types = _selected_types(object_types)
    ids = _clean_ids(ids, types)
    reason = " ".join(str(reason or "").split())[:200] or _("handover from %(name)s") % {"name": from_user}
    now = timezone.now()
    with transaction.atomic():
        # Locks both people: a second handover of the same leaver waits for this one.
        list(Employee.objects.select_for_update().filter(pk__in=[from_user.pk, to_user.pk]))
        plan = _plan(from_user, to_user, types, ids, actor)
        done = HandoverPlan(from_user=from_user, to_user=to_user, deactivate=deactivate)
        for object_type, line in zip(types, plan.lines, strict=False):
            done.lines.append(HandoverLine(line.key, line.label,
                                           _move_type(object_type, from_user, to_user, ids, actor, now, reason)))
        done.lines.append(HandoverLine("shares", _("Records shared with them"), _move_shares(plan._shares, to_user)))
        for hook in handover_hooks():
            if ids is not None and plan._hook_ids is None:
                continue
            done.lines.append(HandoverLine(f"hook:{hook.key}", str(hook.label),
                                           int(hook.apply(from_user, to_user, plan._hook_ids, actor) or 0)))
        summary = "; ".join(f"{line.label}: {line.count}" for line in done.lines if line.count)
        log_change(instance=from_user, action=ObjectChange.Action.UPDATE, actor=actor,
                   prechange={"handover": None},
                   postchange={"handover": _("to %(name)s — %(summary)s") % {"name": to_user,
                                                                           "summary": summary or "0"}})
        if deactivate and from_user.is_active:
            employee = Employee.objects.get(pk=from_user.pk)
            employee.is_active = False
            object_save(instance=employee, actor=actor)
            employee_access_update(employee=employee, was_active=True)
            from_user.is_active = False
        if done.total:
            for listener in handover_listeners():  # the new owner is told (notifications)
                listener(done, actor, reason)
    return done


def object_type_label(key):
    object_type = get_object_type(key)
    return object_type.verbose_name_plural if object_type else key
