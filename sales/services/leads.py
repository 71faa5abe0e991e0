"""Leads: saving (with assignment by rules), assigning by hand or by rules, disqualifying.

Who gets a lead:
- an owner chosen by hand (form, API, bulk assign): the generic owner rules of
  `core.services.object_save` apply — the actor must be able to change the lead afterwards, so a
  seller cannot give a lead to someone outside their scope;
- no owner chosen: the first active `LeadAssignmentRule` (by order) whose non-empty conditions all
  match picks the next of its active assignees in turn (round robin). The rules are the company's
  policy set by an administrator, so the lead may go to someone the actor cannot see;
- no rule matches: the lead waits unassigned in the queue of the creator's org unit, which whoever
  holds the unit or subtree scope over that unit sees (org.permissions). When the creator could
  not see that queue themselves (a seller with the "own" scope), the lead stays the creator's.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import ObjectChange
from core.services import check_allowed, log_change, object_save, serialize_object
from notifications.services import notify
from org.models import Employee

from ..models import Lead, LeadAssignmentRule, LeadStatus

LEAD_ASSIGNED = "sales.lead.assigned"
MAX_REASON = 200


# --- Rules -------------------------------------------------------------------------------------------

def rule_matches(rule, lead):
    """Whether every non-empty condition of `rule` holds for `lead` (province names are stored as
    GB/T 2260 writes them by both models' clean(); an industry section matches its divisions)."""
    if rule.province and rule.province != lead.province:
        return False
    if rule.industry_id and rule.industry_id != lead.industry_id:
        if lead.industry_id is None or lead.industry.parent_id != rule.industry_id:
            return False
    if rule.product_line_id and rule.product_line_id != lead.product_line_id:
        return False
    return not (rule.source_id and rule.source_id != lead.source_id)


def active_rules():
    return list(LeadAssignmentRule.objects.filter(is_active=True).order_by("order", "name", "pk"))


def matching_rules(lead, rules=None):
    """The active rules whose conditions hold for `lead`, in the order they are tried."""
    return [rule for rule in (active_rules() if rules is None else rules) if rule_matches(rule, lead)]


def _next_assignee(rule):
    """The next active assignee of `rule` (round robin), or None when it has none.

    The rule row is locked (SELECT … FOR UPDATE) until the caller's transaction ends, so two
    leads assigned at the same moment take consecutive turns, never the same one twice."""
    locked = LeadAssignmentRule.objects.select_for_update().get(pk=rule.pk)
    people = list(locked.assignees.filter(is_active=True, unit__isnull=False).order_by("pk"))
    if not people:
        return None
    index = (locked.last_index + 1) % len(people)
    LeadAssignmentRule.objects.filter(pk=rule.pk).update(last_index=index)
    return people[index]


def pick_owner(lead, rules=None):
    """(employee, rule) from the first matching rule that has an active assignee, else (None, None).
    Must run inside a transaction (the rule's turn is taken under a row lock)."""
    for rule in matching_rules(lead, rules):
        owner = _next_assignee(rule)
        if owner is not None:
            return owner, rule
    return None, None


# --- Notification ------------------------------------------------------------------------------------

def notify_lead_owner(*, lead, actor):
    """Tell the lead's new owner (in-app, and by e-mail as their preference says) — the one place
    that does. notifications.notify sends once the caller's transaction commits."""
    owner = lead.owner
    if owner is None:
        return
    notify(recipients=[owner], event=LEAD_ASSIGNED,
           title=gettext_lazy("Lead assigned to you: %(name)s") % {"name": str(lead)},
           body=lead.company, url=lead.get_absolute_url() or "", actor=actor, target=lead)


def _owner_changed(saved, before_owner_id, actor):
    if saved.owner_id and saved.owner_id != before_owner_id:
        notify_lead_owner(lead=saved, actor=actor)


# --- Writes ------------------------------------------------------------------------------------------

def refuse_converted(stored):
    if stored.status == LeadStatus.CONVERTED:
        raise ValidationError(_("A converted lead cannot be changed; work on its customer and opportunity."))


def converted_guard(*, actor, instance, action):
    """Write guard (core.services.register_write_guard): a converted lead is read-only."""
    if action == "change":
        refuse_converted(instance)


def _create_without_owner(instance, actor, save_m2m):
    """A new lead nobody was chosen for: by the rules, else into the creator's unit queue."""
    check_allowed(instance=instance, actor=actor, action="add")
    owner, _rule = pick_owner(instance)
    unit_id = owner.unit_id if owner else actor.unit_id
    if unit_id is None:
        raise ValidationError({"owner": _("No assignment rule matches this lead and you belong to no org unit: "
                                          "choose an owner.")})
    instance.owner = owner
    instance.org_unit_id = unit_id
    instance.created_by = instance.updated_by = actor
    try:
        instance.save()
        if save_m2m:
            save_m2m()
        if owner is None and not Lead.objects.visible_to(actor, "view").filter(pk=instance.pk).exists():
            # The creator would lose sight of it in a queue they cannot see: it stays theirs.
            instance.owner = actor
            instance.save(update_fields=["owner"])
    except Exception:
        instance.pk = None
        instance._state.adding = True
        raise
    log_change(instance=instance, action=ObjectChange.Action.CREATE, actor=actor,
               postchange=serialize_object(instance))
    return instance


def lead_save(*, instance, actor, expected_version=None, save_m2m=None, fields=None):
    """Create or update a lead as `actor`: the save service of the lead form and serializer.

    A new lead without an owner is assigned by the rules (module docstring); a changed owner is
    notified. Converting is `lead_convert`'s alone, and a converted lead is read-only."""
    with transaction.atomic():
        if instance._state.adding or instance.pk is None:
            if instance.status == LeadStatus.CONVERTED:
                raise ValidationError({"status": _("A lead is converted with the Convert action.")})
            if instance.owner_id is None:
                saved = _create_without_owner(instance, actor, save_m2m)
            else:
                saved = object_save(instance=instance, actor=actor, save_m2m=save_m2m)
            _owner_changed(saved, None, actor)
            return saved
        stored = Lead._base_manager.get(pk=instance.pk)
        refuse_converted(stored)
        if instance.status == LeadStatus.CONVERTED and (fields is None or "status" in fields):
            raise ValidationError({"status": _("A lead is converted with the Convert action.")})
        if instance.status != LeadStatus.DISQUALIFIED:
            instance.disqualify_reason = ""  # a requalified lead keeps its old reason in the history only
            if fields is not None and "status" in fields and "disqualify_reason" not in fields:
                fields = [*fields, "disqualify_reason"]
        saved = object_save(instance=instance, actor=actor, expected_version=expected_version, save_m2m=save_m2m,
                            fields=fields)
        _owner_changed(saved, stored.owner_id, actor)
        return saved


def _set_owner(stored, owner, actor):
    """Give `stored` (locked) to `owner` chosen by a rule, audited. Not through object_save: a rule
    may give the lead to someone outside the actor's scope."""
    prechange = serialize_object(stored)
    stored.owner = owner
    stored.org_unit_id = owner.unit_id
    stored.updated_by = actor
    stored.version += 1
    stored.updated_at = timezone.now()
    stored.save(update_fields=["owner", "org_unit", "updated_by", "updated_at", "version"])
    log_change(instance=stored, action=ObjectChange.Action.UPDATE, actor=actor, prechange=prechange,
               postchange=serialize_object(stored))
    return stored


def _to_queue(stored, actor):
    """Put `stored` unassigned into the queue of its unit, audited — unless the actor could not see
    it there (they keep it then). Returns whether it moved."""
    prechange = serialize_object(stored)
    owner = stored.owner
    stored.owner = None
    stored.save(update_fields=["owner"])
    if not Lead.objects.visible_to(actor, "view").filter(pk=stored.pk).exists():
        stored.owner = owner
        stored.save(update_fields=["owner"])
        return False
    stored.updated_by = actor
    stored.version += 1
    stored.updated_at = timezone.now()
    stored.save(update_fields=["updated_by", "updated_at", "version"])
    log_change(instance=stored, action=ObjectChange.Action.UPDATE, actor=actor, prechange=prechange,
               postchange=serialize_object(stored))
    return True


def leads_place_imported(records, *, actor):
    """Imported leads whose row named no owner (core.imports, inside its transaction): by the rules,
    else into the importer's unit queue, as a lead created on the page without an owner."""
    rules = active_rules()
    for lead in records:
        owner, _rule = pick_owner(lead, rules)
        if owner is None:
            _to_queue(lead, actor)
        elif owner.pk != lead.owner_id:
            before = lead.owner_id
            _owner_changed(_set_owner(lead, owner, actor), before, actor)


class NoRuleMatches(ValidationError):
    pass


def lead_assign(*, lead, actor, owner=None):
    """Assign `lead` as `actor`: to `owner` (by hand), or by the assignment rules when `owner` is None.

    By hand, `owner` must be an active employee the actor may see, and the actor must still be able
    to change the lead afterwards (object_save's owner rule). By rules, NoRuleMatches (a
    ValidationError) when no rule with an active assignee matches. The new owner is notified."""
    with transaction.atomic():
        check_allowed(instance=lead, actor=actor, action="change")
        stored = Lead._base_manager.select_for_update().get(pk=lead.pk)
        refuse_converted(stored)
        before = stored.owner_id
        if owner is not None:
            if not (isinstance(owner, Employee) and owner.is_active
                    and Employee.objects.visible_to(actor, "view").filter(pk=owner.pk).exists()):
                raise ValidationError({"owner": _("Choose an active employee.")})
            stored.owner = owner
            saved = object_save(instance=stored, actor=actor, fields=["owner"])
        else:
            chosen, _rule = pick_owner(stored)
            if chosen is None:
                raise NoRuleMatches(_("No active assignment rule matches %(lead)s.") % {"lead": stored})
            saved = stored if chosen.pk == before else _set_owner(stored, chosen, actor)
        _owner_changed(saved, before, actor)
        return saved


def leads_assign(*, leads, actor, owner=None):
    """Assign several leads at once (the list's bulk actions). By hand: all or nothing. By rules:
    the leads no rule matches are left as they are. Returns (assigned leads, unmatched leads)."""
    assigned, unmatched = [], []
    with transaction.atomic():
        for lead in leads:
            if owner is not None:
                assigned.append(lead_assign(lead=lead, actor=actor, owner=owner))
                continue
            try:
                assigned.append(lead_assign(lead=lead, actor=actor))
            except NoRuleMatches:
                unmatched.append(lead)
    return assigned, unmatched


def lead_disqualify(*, lead, actor, reason):
    """Mark `lead` disqualified with `reason` (required), audited."""
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"disqualify_reason": _("Say why the lead is disqualified.")})
    if len(reason) > MAX_REASON:
        raise ValidationError({"disqualify_reason": _("At most %(count)d characters.") % {"count": MAX_REASON}})
    with transaction.atomic():
        check_allowed(instance=lead, actor=actor, action="change")
        stored = Lead._base_manager.select_for_update().get(pk=lead.pk)
        refuse_converted(stored)
        stored.status = LeadStatus.DISQUALIFIED
        stored.disqualify_reason = reason
        return object_save(instance=stored, actor=actor, fields=["status", "disqualify_reason"])
