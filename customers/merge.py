"""Merging duplicate customers into one: `customers_merge(survivor=, merged=[…], values=, actor=)`.

In one transaction:

1. the survivor and the merged customers are locked; each must be live, distinct and changeable by
   the actor (services.check_allowed → PermissionDenied); a stale `versions` entry → VersionConflict;
2. every row that points at a merged customer moves to the survivor — found generically, so that
   later apps' objects move without an edit here: every foreign key to Customer
   (`_meta` reverse relations, hidden ones included) and every generic relation (content type +
   object id: shares, and whatever later apps attach) except the audit trail and tags. A model
   whose rows cannot simply move (a unique constraint) registers a hook
   (core.registry.register_merge_hook) that settles the conflicts first; shares are settled
   here (one share per person / team: the wider right is kept);
3. the merged customers go to the recycle bin with `merged_into` set (the bin says "merged into X");
4. the survivor takes the chosen values, field by field (`values`: field name → id of the customer
   whose value to keep; a field not named keeps the survivor's value, or the first merged
   customer's when the survivor's is blank), and the union of the tags;
5. audit: the survivor's history has the field changes and a "merged" entry naming the merged
   customers and the rows moved; each merged customer's history has its deletion with
   "merged into" the survivor.

The old history of a merged customer stays its own (it describes that record; the recycle bin and
the survivor's "merged" entry lead to it).
"""

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import services
from core.models import ObjectChange, Share
from core.registry import merge_hooks
from core.services import VersionConflict, log_change, serialize_object

from .models import Customer

MAX_MERGED = 20
# Bookkeeping and derived columns: never chosen on the merge page.
NOT_MERGED = {"org_unit", "merged_into"}
# Generic relations that do not move: the audit trail stays with the record it describes; tags
# are united on the survivor through its tag manager.
GENERIC_KEPT = {"core.objectchange", "taggit.taggeditem"}


def merge_fields():
    """The fields a user chooses between: the editable concrete fields of Customer."""
    return [field for field in Customer._meta.concrete_fields
            if field.editable and not field.primary_key and field.name not in NOT_MERGED]


def _blank(value):
    return value in (None, "")


def _customer_relations():
    """Reverse foreign keys / one-to-ones to Customer, hidden ones included, `merged_into` not."""
    relations = []
    for relation in Customer._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        if relation.related_model is Customer and relation.field.name == "merged_into":
            continue
        relations.append(relation)
    return relations


def _generic_models():
    """(model, content type field, object id field) for every model that points at records of any
    type: a generic foreign key, or a content-type foreign key next to an `object_id` (Share)."""
    found = []
    for model in apps.get_models():
        if model._meta.label_lower in GENERIC_KEPT:
            continue
        pairs = {(field.ct_field, field.fk_field) for field in model._meta.private_fields
                 if isinstance(field, GenericForeignKey)}
        names = {field.name for field in model._meta.concrete_fields}
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is ContentType and "object_id" in names:
                pairs.add((field.name, "object_id"))
        found.extend((model, ct_field, fk_field) for ct_field, fk_field in sorted(pairs))
    return found


def _settle_shares(survivor, merged_ids, content_type):
    """One share per person / team on the survivor: a merged customer's share of someone the
    survivor already shares with goes, keeping the wider right."""
    existing = {(share.employee_id, share.team_id): share
                for share in Share.objects.filter(content_type=content_type, object_id=survivor.pk)}
    for share in Share.objects.filter(content_type=content_type, object_id__in=merged_ids).order_by("pk"):
        key = (share.employee_id, share.team_id)
        kept = existing.get(key)
        if kept is None:
            existing[key] = share
            continue
        if share.can_change and not kept.can_change:
            kept.can_change = True
            kept.save(update_fields=["can_change"])
        share.delete()


def _move_rows(survivor, merged, actor):
    """Point every row of every related model at the survivor; {model label: rows moved}."""
    merged_ids = [customer.pk for customer in merged]
    moved = {}
    for relation in _customer_relations():
        model = relation.related_model
        for hook in merge_hooks(model):
            hook(survivor=survivor, merged=merged, actor=actor)
        manager = getattr(model, "all_objects", None) or model._base_manager
        changes = {relation.field.name: survivor}
        if any(field.name == "version" for field in model._meta.concrete_fields):
            changes["version"] = F("version") + 1
        count = manager.filter(**{f"{relation.field.name}__in": merged_ids}).update(**changes)
        if count:
            moved[str(model._meta.verbose_name_plural)] = moved.get(str(model._meta.verbose_name_plural), 0) + count
    content_type = ContentType.objects.get_for_model(Customer)
    for model, ct_field, id_field in _generic_models():
        for hook in merge_hooks(model):
            hook(survivor=survivor, merged=merged, actor=actor)
        if model is Share:
            _settle_shares(survivor, merged_ids, content_type)
        count = model._base_manager.filter(**{ct_field: content_type, f"{id_field}__in": merged_ids}).update(
            **{id_field: survivor.pk})
        if count:
            moved[str(model._meta.verbose_name_plural)] = count
    return moved


def _chosen_values(survivor, merged, values):
    by_id = {customer.pk: customer for customer in [survivor, *merged]}
    fields = {field.name: field for field in merge_fields()}
    errors = {}
    for name, source_id in (values or {}).items():
        if name not in fields:
            errors.setdefault("values", []).append(_("%(field)s: no such field to merge.") % {"field": name})
            continue
        try:
            source_id = int(source_id)
        except (TypeError, ValueError):
            source_id = None
        if source_id not in by_id:
            errors.setdefault("values", []).append(
                _("%(field)s: take the value from one of the customers being merged.") % {"field": name})
    if errors:
        raise ValidationError(errors)
    chosen = {}
    for name, field in fields.items():
        if name in (values or {}):
            source = by_id[int(values[name])]
        else:
            source = survivor
            if _blank(getattr(survivor, field.attname)):
                source = next((c for c in merged if not _blank(getattr(c, field.attname))), survivor)
        chosen[field.attname] = getattr(source, field.attname)
    return chosen


def _check_request(survivor, merged):
    if survivor is None:
        raise ValidationError({"survivor": [_("Choose the customer that stays.")]})
    ids = [customer.pk for customer in merged]
    if survivor.pk in ids:
        raise ValidationError({"merged": [_("A customer cannot be merged with itself.")]})
    if not ids:
        raise ValidationError({"merged": [_("Choose at least two customers to merge.")]})
    if len(set(ids)) != len(ids):
        raise ValidationError({"merged": [_("The same customer is listed twice.")]})
    if len(ids) + 1 > MAX_MERGED:
        raise ValidationError({"merged": [_("Merge at most %(count)d customers at once.") % {"count": MAX_MERGED}]})


@transaction.atomic
def customers_merge(*, survivor, merged, values=None, actor, versions=None):
    """Merge `merged` (customers) into `survivor` (see the module docstring). `versions`: optional
    {customer id: version the user saw}; a customer changed since → VersionConflict. Returns the
    survivor as saved."""
    merged = list(merged)
    _check_request(survivor, merged)
    ids = [survivor.pk, *(customer.pk for customer in merged)]
    locked = {customer.pk: customer for customer in
              Customer.all_objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    for pk in ids:
        current = locked.get(pk)
        if current is None or current.deleted_at is not None:
            raise ValidationError({"merged": [_("%(name)s is no longer a live customer.")
                                              % {"name": current or pk}]})
    for pk, expected in (versions or {}).items():
        current = locked.get(int(pk))
        if current is not None and expected is not None and int(expected) != current.version:
            raise VersionConflict(current)
    for pk in ids:
        services.check_allowed(instance=locked[pk], actor=actor, action="change")
    survivor = locked[survivor.pk]
    merged = [locked[customer.pk] for customer in merged]
    chosen = _chosen_values(survivor, merged, values)
    tags = sorted({tag.name for customer in [survivor, *merged] for tag in customer.tags.all()})

    moved = _move_rows(survivor, merged, actor)

    now = timezone.now()
    for customer in merged:
        prechange = serialize_object(customer)
        Customer.all_objects.filter(pk=customer.pk).update(
            deleted_at=now, deleted_by=actor, merged_into=survivor, version=customer.version + 1)
        customer.deleted_at, customer.merged_into = now, survivor
        log_change(instance=customer, action=ObjectChange.Action.DELETE, actor=actor, prechange=prechange,
                   postchange={"merged_into": {"id": survivor.pk, "label": str(survivor)}})

    for attname, value in chosen.items():
        setattr(survivor, attname, value)
    survivor = services.object_save(instance=survivor, actor=actor,
                                    save_m2m=lambda: survivor.tags.set(tags))
    log_change(instance=survivor, action=ObjectChange.Action.UPDATE, actor=actor,
               prechange={"merged": None},
               postchange={"merged": [{"id": c.pk, "label": str(c)} for c in merged],
                           "moved": moved})
    return survivor


def moved_counts(ids):
    """{customer id: {label: rows}}: what points at each customer and would move with a merge."""
    counts = {}
    for relation in _customer_relations():
        model = relation.related_model
        manager = getattr(model, "objects", None) or model._base_manager
        label = str(model._meta.verbose_name_plural)
        rows = (manager.filter(**{f"{relation.field.name}__in": ids}).order_by()
                .values_list(relation.field.attname).annotate(n=Count("pk")))
        for customer_id, n in rows:
            counts.setdefault(customer_id, {})[label] = n
    content_type = ContentType.objects.get_for_model(Customer)
    for model, ct_field, id_field in _generic_models():
        label = str(model._meta.verbose_name_plural)
        rows = (model._base_manager.filter(**{ct_field: content_type, f"{id_field}__in": ids}).order_by()
                .values_list(id_field).annotate(n=Count("pk")))
        for customer_id, n in rows:
            counts.setdefault(customer_id, {})[label] = n
    return counts
