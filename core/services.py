"""Generic writes shared by every object type: save with version check, soft delete, restore.

Each runs in one transaction and writes its audit row (ObjectChange) inside it, so a refused
write leaves nothing behind: no row change, no audit entry.
"""

import datetime
import decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .context import current_request_id
from .models import ObjectChange, Share
from .permissions import has_perm


class VersionConflict(Exception):
    """The record changed since the editor loaded it; `current` is what is stored now."""

    def __init__(self, current):
        self.current = current
        super().__init__(f"{current!r} is at version {current.version}")


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return {"id": value.pk, "label": str(value)}
    return value


def serialize_object(instance):
    """The audited state of a record: concrete fields, foreign keys with their labels, many-to-many
    fields (tags included) as sorted labels."""
    exclude = set(getattr(instance, "audit_exclude", ()))
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.primary_key or not getattr(field, "audited", True):
            continue
        if field.is_relation:
            related_id = getattr(instance, field.attname)
            if related_id is None:
                data[field.name] = None
            else:
                related = getattr(instance, field.name, None)
                data[field.name] = {"id": related_id, "label": str(related)}
        else:
            data[field.name] = _plain(field.value_from_object(instance))
    for field in instance._meta.many_to_many:
        if field.name in exclude:
            continue
        if instance.pk:
            data[field.name] = sorted(str(item) for item in getattr(instance, field.name).all())
    if hasattr(instance, "audit_extra") and instance.pk:
        data.update(instance.audit_extra())
    return data


def log_change(*, instance, action, actor, prechange=None, postchange=None):
    from .registry import audit_hooks

    change = ObjectChange.objects.create(
        user=actor if actor and actor.is_authenticated else None,
        user_name=actor.get_username() if actor and actor.is_authenticated else "",
        request_id=current_request_id(),
        action=action,
        content_type=ContentType.objects.get_for_model(instance.__class__),
        object_id=instance.pk,
        object_repr=str(instance)[:200],
        prechange_data=prechange,
        postchange_data=postchange,
    )
    # Records derived from the change (a customer's level history) are written here, in the same
    # transaction, because every audited write passes here whichever path made it.
    for hook in audit_hooks(instance.__class__):
        hook(instance=instance, action=action, actor=actor, prechange=prechange, postchange=postchange)
    return change


def _assign_scope_columns(instance, actor):
    """Owner defaults to the actor; the org unit follows the owner's unit when assigned."""
    if getattr(instance, "scope_kind", None) != "scoped":
        return
    if not instance.owner_id:
        if (not instance._state.adding and getattr(instance, "scope_pool", False)
                and getattr(instance, "_original_owner_id", None) is None):
            # A pool record (no owner) edited by someone who may: it stays in its pool. (An owned
            # record whose owner field is left empty goes to the editor, as a new one does; moving
            # it to the pool is a service of its own, customers.services.customer_release.)
            return
        if (getattr(instance, "scope_queue", False) and getattr(instance, "_original_owner_id", None) is None
                and instance.org_unit_id and not instance._state.adding):
            # A record waiting unassigned in its unit's queue (a sales lead no rule matched) stays
            # there when edited; it is given to someone by choosing an owner.
            return
        instance.owner = actor
    owner_changed = instance.owner_id != getattr(instance, "_original_owner_id", instance.owner_id)
    if instance._state.adding or owner_changed or not instance.org_unit_id:
        unit_id = instance.owner.unit_id
        if unit_id is None:
            raise ValidationError({"owner": _("%(name)s belongs to no org unit; place them in one first.")
                                   % {"name": instance.owner}})
        instance.org_unit_id = unit_id


_write_guards: dict[type, list] = {}


def register_write_guard(model, guard):
    """A rule beyond the data scope that every write of `model` must pass, whoever calls the
    service: `guard(actor=, instance=, action=)` raises PermissionDenied or ValidationError.
    `instance` is the stored row for change / delete / restore, the new one for add. (org: nobody
    changes a user or a role holding more power than they do.)"""
    _write_guards.setdefault(model, []).append(guard)


def _action_label(action):
    from .registry import ACTION_LABELS

    return _("restore") if action == "restore" else ACTION_LABELS.get(action, action)


def check_allowed(*, instance, actor, action):
    """Refuse (PermissionDenied) unless `actor` may `action` the STORED row of `instance`; for a row
    not yet stored, unless a role grants `action` (normally "add") on its type at all.

    Every service calls it first, inside its transaction, whoever called the service: views check
    too, but workflow services (stage moves, approvals, handover, imports) call services directly.
    Call it as `services.check_allowed(...)` so that the seeded-fault tests can replace it."""
    model = instance.__class__
    if instance.pk is None or instance._state.adding:
        if not has_perm(actor, model, action):
            raise PermissionDenied(_("You may not %(action)s: %(type)s.")
                                   % {"action": _action_label(action), "type": model._meta.verbose_name})
        _run_guards(model, actor, instance, action)
        return
    # Restoring is deleting's undo: the same scope, over the rows in the recycle bin too. Deleting
    # twice is harmless, so "delete" also looks at the bin; "change" only at live rows.
    manager = model.objects if action == "change" else model._base_manager
    scope_action = "delete" if action == "restore" else action
    if not manager.visible_to(actor, scope_action).filter(pk=instance.pk).exists():
        raise PermissionDenied(_("You may not %(action)s this record.") % {"action": _action_label(action)})
    _run_guards(model, actor, instance, action)


def _run_guards(model, actor, instance, action):
    guards = _write_guards.get(model)
    if not guards:
        return
    stored = instance if instance._state.adding else model._base_manager.get(pk=instance.pk)
    for guard in guards:
        guard(actor=actor, instance=stored, action=action)


def _check_still_allowed(instance, actor, action):
    """Refuse a write that would leave the record outside what the actor may change."""
    model = instance.__class__
    if not model.objects.visible_to(actor, action).filter(pk=instance.pk).exists():
        field = "owner" if getattr(model, "scope_kind", "") == "scoped" else (model.scope_parent or "__all__")
        raise ValidationError({field: _("You may not assign this record where you could no longer edit it.")})


class _Unchanged(Exception):
    """Raised inside object_save's savepoint when an update changed nothing: roll it back."""


def object_save(*, instance, actor, expected_version=None, save_m2m=None, fields=None):
    """Create or update `instance` (already validated) as `actor`, with audit and version check.

    - The actor must be allowed to add (new row) or change (the stored row) before anything is
      written, and the row must stay within what they may change afterwards.
    - `fields`: write only these fields of `instance` onto the stored row (an API PATCH), so that a
      colleague's concurrent edit of other fields is kept. Default: every field (a form, a PUT).
    - An update that changes nothing writes nothing: no new version, no audit row.

    One transaction (a savepoint when the caller already has one, so that a database refusal can
    be turned into a clear error without breaking the caller's transaction)."""
    try:
        with transaction.atomic():
            return _object_save(instance, actor, expected_version, save_m2m, fields)
    except IntegrityError as error:
        # Two people saving the same unique value at the same moment: the validation before the
        # save passed for both; the database refuses the second. Say so instead of a 500.
        raise ValidationError(
            _("Another record was saved with the same unique value a moment ago; check and save again.")
        ) from error


def _object_save(instance, actor, expected_version, save_m2m, fields):
    model = instance.__class__
    if instance._state.adding:
        check_allowed(instance=instance, actor=actor, action="add")
        if hasattr(instance, "created_by_id"):
            instance.created_by = actor
            instance.updated_by = actor
        _assign_scope_columns(instance, actor)
        try:
            instance.save()
            if save_m2m:
                save_m2m()
            # A role may grant "add" without "change": the creator must at least see the result.
            _check_still_allowed(instance, actor, "view")
        except Exception:
            # The insert is rolled back with this transaction: the caller (a re-rendered form)
            # must not take the instance for a saved record with an id.
            instance.pk = None
            instance._state.adding = True
            raise
        log_change(instance=instance, action=ObjectChange.Action.CREATE, actor=actor,
                   postchange=serialize_object(instance))
        return instance

    check_allowed(instance=instance, actor=actor, action="change")
    current = model._base_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and int(expected_version) != current.version:
        raise VersionConflict(current)
    if fields is not None:
        # Only what the caller sent goes onto the stored (locked, current) row.
        sent = {model._meta.get_field(name).attname for name in fields
                if not model._meta.get_field(name).many_to_many}
        for field in model._meta.concrete_fields:
            if field.attname not in sent and not field.primary_key:
                setattr(instance, field.attname, getattr(current, field.attname))
    prechange = serialize_object(current)
    instance._original_owner_id = getattr(current, "owner_id", None)
    try:
        with transaction.atomic():
            if hasattr(instance, "updated_by_id"):
                instance.updated_by = actor
            _assign_scope_columns(instance, actor)
            instance.version = current.version + 1
            instance.save()
            if save_m2m:
                save_m2m()
            _check_still_allowed(instance, actor, "change")
            postchange = serialize_object(instance)
            if postchange == prechange:
                raise _Unchanged
    except _Unchanged:
        # Nothing changed: the savepoint is rolled back; the record keeps its version and stamps.
        for name in ("version", "updated_at", "updated_by_id"):
            if hasattr(current, name):
                setattr(instance, name, getattr(current, name))
        return instance
    log_change(instance=instance, action=ObjectChange.Action.UPDATE, actor=actor,
               prechange=prechange, postchange=postchange)
    return instance


@transaction.atomic
def object_delete(*, instance, actor, expected_version=None):
    """Move a record to the recycle bin (soft delete)."""
    model = instance.__class__
    check_allowed(instance=instance, actor=actor, action="delete")
    current = model._base_manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and int(expected_version) != current.version:
        raise VersionConflict(current)
    if current.deleted_at is not None:
        return current
    # A model may refuse deletion while live records depend on it (an org unit with members).
    if hasattr(current, "check_delete"):
        current.check_delete()
    prechange = serialize_object(current)
    model._base_manager.filter(pk=current.pk).update(
        deleted_at=timezone.now(), deleted_by=actor, version=current.version + 1
    )
    log_change(instance=current, action=ObjectChange.Action.DELETE, actor=actor, prechange=prechange)
    return current


@transaction.atomic
def object_restore(*, instance, actor):
    """Bring a record back from the recycle bin."""
    model = instance.__class__
    if getattr(model, "scope_parent", None):
        # A child whose parent is in the recycle bin is outside every scope (it follows its parent),
        # so say what to do before the scope check would simply refuse.
        parent = getattr(instance, model.scope_parent)
        if parent.deleted_at is not None and has_perm(actor, model, "delete"):
            parent_model = parent.__class__
            if parent_model._base_manager.visible_to(actor, "delete").filter(pk=parent.pk).exists():
                raise ValidationError(_("Restore %(parent)s first: this record belongs to it.")
                                      % {"parent": parent})
            raise ValidationError(_("Restore the record it belongs to first."))
    check_allowed(instance=instance, actor=actor, action="restore")
    if instance.deleted_at is None:
        return instance
    try:
        with transaction.atomic():
            model._base_manager.filter(pk=instance.pk).update(
                deleted_at=None, deleted_by=None, version=instance.version + 1
            )
    except IntegrityError as error:
        raise ValidationError(
            _("It cannot be restored: another live record now holds one of its unique values.")
        ) from error
    instance.refresh_from_db()
    log_change(instance=instance, action=ObjectChange.Action.RESTORE, actor=actor,
               postchange=serialize_object(instance))
    return instance


@transaction.atomic
def share_add(*, instance, actor, employee=None, team=None, role="", can_change=False):
    """Add a person or a team to a record's team (account team, project team)."""
    check_allowed(instance=instance, actor=actor, action="change")
    if (employee is None) == (team is None):
        raise ValidationError({"employee": _("Choose a person or a team, not both.")})
    content_type = ContentType.objects.get_for_model(instance.__class__)
    share, _created = Share.objects.update_or_create(
        content_type=content_type, object_id=instance.pk, employee=employee, team=team,
        defaults={"role": role, "can_change": can_change, "created_by": actor},
    )
    log_change(instance=instance, action=ObjectChange.Action.UPDATE, actor=actor,
               prechange={"team": None}, postchange={"team": f"+ {share}"})
    return share


@transaction.atomic
def share_remove(*, share, actor):
    model = share.content_type.model_class()
    instance = model._base_manager.filter(pk=share.object_id).first()
    if instance is None:
        raise PermissionDenied
    check_allowed(instance=instance, actor=actor, action="change")
    label = str(share)
    share.delete()
    log_change(instance=instance, action=ObjectChange.Action.UPDATE, actor=actor,
               prechange={"team": f"- {label}"}, postchange={"team": None})
