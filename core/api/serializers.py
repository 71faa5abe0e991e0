import copy

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.settings import api_settings

from core import limits, related
from core.api.fields import bound_fields, clean_text_data
from core.services import object_save
from core.tagging import split_tag, tag_names
from core.text import clean_text


class TagListField(serializers.ListField):
    """Tags as a list of names; a name typed with separators ("大客户，重点") is several tags, as in
    the forms (core.tagging)."""

    child = serializers.CharField(max_length=100)

    def __init__(self, **kwargs):
        # One POST with 20,000 tags held SQLite's write lock for 75 s (issue 5).
        kwargs.setdefault("max_length", limits.max_related_items())
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, list):
            data = [clean_text(item) if isinstance(item, str) else item for item in data]
        names = super().to_internal_value(data)
        return list(dict.fromkeys(part for name in names for part in split_tag(name)))

    def to_representation(self, manager):
        # Reads the prefetched tags (core.tagging.prefetch_tags): no query per row.
        return tag_names(manager)


_FIELD_PROTOTYPES = {}  # serializer class → its unbound fields, as ModelSerializer.get_fields() builds them


class KedaoModelSerializer(serializers.ModelSerializer):
    """Base serializer: bookkeeping fields read-only; writes go through core.services.object_save.

    - Related fields offer and accept only what the caller may see (core.related; per field
      `Meta.related_actions = {"customer": "change"}`).
    - Validation runs the model's own `full_clean()` (its `clean()`, field validators and unique
      constraints), so a rule or a normalisation lives once, on the model, for pages and API alike.
    - A partial update (PATCH) writes only the fields it sends.
    """

    display = serializers.SerializerMethodField()
    version = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    base_fields = ("id", "display", "version", "created_at", "updated_at")
    # As ObjectEditView.save_service: the service that writes the record (object_save by default).
    save_service = staticmethod(object_save)

    def get_display(self, obj) -> str:
        return str(obj)

    def to_internal_value(self, data):
        # Invisible characters out of text before its validation (core/text.py).
        return super().to_internal_value(clean_text_data(self, data))

    def _actor(self):
        return self.context["request"].user

    def get_fields(self):
        # The fields ModelSerializer derives from the model, built once per serializer class and
        # copied for each use (as DRF copies declared fields): the model's introspection was a
        # tenth of an API list request. Ids within range, lists within the limit (core/api/fields.py).
        prototype = _FIELD_PROTOTYPES.get(type(self))
        if prototype is None:
            prototype = _FIELD_PROTOTYPES[type(self)] = super().get_fields()
        fields = bound_fields(copy.deepcopy(prototype))
        request = self.context.get("request")
        user = getattr(request, "user", None)
        actions = related.related_actions(getattr(self, "Meta", None))
        for name, field in fields.items():
            relation = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
            if field.read_only or getattr(relation, "queryset", None) is None:
                continue
            relation.queryset = related.related_queryset(
                relation.queryset, user, actions.get(name, related.DEFAULT_ACTION))
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        # A copy: a refused request must not leave a half-changed instance behind.
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        concrete = {f.name: f for f in model._meta.concrete_fields}
        for name, value in attrs.items():
            if name in concrete:
                setattr(candidate, name, value)
        exclude = [f.name for f in model._meta.fields if f.name not in attrs]
        try:
            candidate.full_clean(exclude=exclude, validate_unique=True, validate_constraints=True)
        except DjangoValidationError as error:
            raise serializers.ValidationError(self._error_dict(error)) from error
        # Normalisations done by the model (clean(), field to_python) are what gets saved.
        for name in attrs:
            if name in concrete and not concrete[name].is_relation:
                attrs[name] = getattr(candidate, concrete[name].attname)
        return attrs

    def _error_dict(self, error):
        if not hasattr(error, "error_dict"):
            return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
        result = {}
        for name, errors in error.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name
            result.setdefault(key, []).extend(errors)
        return result

    def pop_related(self, validated_data):
        """Take out of `validated_data` what is written after the row itself (see save_related)."""
        return {}

    def save_related(self, instance, related):
        """Write related rows inside object_save's transaction, before its audit snapshot."""

    def _save(self, instance, validated_data, expected_version=None):
        sent = list(validated_data)
        related = self.pop_related(validated_data)
        m2m = {}
        # Many-to-many fields, tags included (a TaggableManager's set() takes the names).
        for field in instance._meta.many_to_many:
            if field.name in validated_data:
                m2m[field.name] = validated_data.pop(field.name)
        for name, value in validated_data.items():
            setattr(instance, name, value)

        def save_m2m():
            for name, value in m2m.items():
                getattr(instance, name).set(value)
            self.save_related(instance, related)

        fields = None
        if self.partial and instance.pk is not None:
            fields = [name for name in sent if name in {f.name for f in instance._meta.concrete_fields}]
        return self.save_service(instance=instance, actor=self._actor(), expected_version=expected_version,
                           save_m2m=save_m2m, fields=fields)

    def create(self, validated_data):
        return self._save(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data, expected_version=self.context.get("expected_version"))


class ScopedModelSerializer(KedaoModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False
    )
    owner_name = serializers.CharField(source="owner", read_only=True)
    org_unit = serializers.PrimaryKeyRelatedField(read_only=True)
    org_unit_name = serializers.CharField(source="org_unit", read_only=True)

    base_fields = KedaoModelSerializer.base_fields + ("owner", "owner_name", "org_unit", "org_unit_name")
