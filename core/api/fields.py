"""Bounded related fields for the API (issue 5, items 3, 6 and 9), applied to every Kedao
serializer by `bound_fields()`: an id must be a plain number within its column's range
({"owner": 12.5} was taken as 12, 99999999999999999999 reached the database), and a list of
related rows holds at most KEDAO["MAX_RELATED_ITEMS"] of them."""

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


class BoundedManyRelatedField(relations.ManyRelatedField):
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
