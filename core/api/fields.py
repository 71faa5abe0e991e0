"""Bounded related fields for the API (issue 5, items 3, 6 and 9), applied to every Kedao
serializer by `bound_fields()`: an id must be a plain number within its column's range
({"owner": 12.5} was taken as 12, 99999999999999999999 reached the database), and a list of
related rows holds at most KEDAO["MAX_RELATED_ITEMS"] of them."""

from django.db.models import Prefetch
from rest_framework import relations, serializers

from core import limits
from core.forms import too_many_message
from core.text import clean_text


class BoundedPrimaryKeyRelatedField(relations.PrimaryKeyRelatedField):
    def to_internal_value(self, data):
        # 12.5 was taken as id 12; true as id 1.
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        queryset = self.get_queryset()
        if self.pk_field is None and queryset is not None and limits.bad_id(data, queryset.model._meta.pk):
            self.fail("does_not_exist", pk_value=str(data)[:30])
        return super().to_internal_value(data)


# Where `light_many_prefetches()` leaves the related rows (pk only) of a many-to-many field.
PREFETCHED_MANY = "_kedao_many_%s"


class BoundedManyRelatedField(relations.ManyRelatedField):
    def get_attribute(self, instance):
        # The ids prefetched by light_many_prefetches(), when this field reads them by primary key.
        if len(self.source_attrs) == 1 and isinstance(self.child_relation, relations.PrimaryKeyRelatedField):
            rows = getattr(instance, PREFETCHED_MANY % self.source_attrs[0], None)
            if rows is not None:
                return rows
        return super().get_attribute(instance)

    def to_internal_value(self, data):
        limit = limits.max_related_items()
        if isinstance(data, list | tuple) and len(data) > limit:
            raise serializers.ValidationError(str(too_many_message(limit)), code="too_many")
        return super().to_internal_value(data)


def bound_fields(fields):
    """Swap DRF's related fields for the bounded ones, and let text fields drop invisible
    characters before their own validation (core.text)."""
    for field in fields.values():
        if type(field) is relations.PrimaryKeyRelatedField:
            field.__class__ = BoundedPrimaryKeyRelatedField
        elif type(field) is relations.ManyRelatedField:
            field.__class__ = BoundedManyRelatedField
            if type(field.child_relation) is relations.PrimaryKeyRelatedField:
                field.child_relation.__class__ = BoundedPrimaryKeyRelatedField
    return fields


def light_many_prefetches(queryset, fields):
    """`queryset` with its plain many-to-many prefetches that the serializer's `fields` show as
    lists of ids read as ids: pk-only rows kept in a list (PREFETCHED_MANY), instead of whole
    rows behind a related manager. Django builds a filtered queryset per row to hold a plain
    prefetch: the participants of 50 activities cost 3.6 ms, decision makers of 50 deals 5 ms;
    this costs a few tenths. The rows are those of the target's default manager, as the
    related manager's (a contact in the recycle bin is not listed)."""
    lookups = queryset._prefetch_related_lookups
    if not lookups:
        return queryset
    as_ids = {name for name, field in fields.items()
              if isinstance(field, BoundedManyRelatedField) and len(field.source_attrs) == 1
              and field.source_attrs[0] == name
              and isinstance(field.child_relation, relations.PrimaryKeyRelatedField)
              and field.child_relation.pk_field is None}
    model, changed, rewritten = queryset.model, False, []
    for lookup in lookups:
        if isinstance(lookup, str) and lookup in as_ids:
            field = model._meta.get_field(lookup)
            if field.many_to_many and not field.auto_created:
                target = field.related_model._default_manager.only("pk")
                rewritten.append(Prefetch(lookup, queryset=target, to_attr=PREFETCHED_MANY % lookup))
                changed = True
                continue
        rewritten.append(lookup)
    return queryset.prefetch_related(None).prefetch_related(*rewritten) if changed else queryset


def clean_text_data(serializer, data):
    """`data` with every string sent to a text field cleaned of invisible characters."""
    fields = {name: field.style.get("base_template") == "textarea.html"
              for name, field in serializer.fields.items()
              if isinstance(field, serializers.CharField) and not isinstance(field, serializers.ChoiceField)
              and not field.read_only and field.style.get("input_type") != "password"}
    if hasattr(data, "getlist"):  # a form or multipart body
        data = data.copy()
        for name, multiline in fields.items():
            if name in data:
                data.setlist(name, [clean_text(value, multiline) for value in data.getlist(name)])
    elif isinstance(data, dict):
        data = {name: clean_text(value, fields[name]) if name in fields else value for name, value in data.items()}
    return data
