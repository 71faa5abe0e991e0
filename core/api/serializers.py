from django.contrib.auth import get_user_model
from rest_framework import serializers

from core.services import object_save
from core.tagging import tag_names


class TagListField(serializers.ListField):
    child = serializers.CharField(max_length=100)

    def to_representation(self, manager):
        # Reads the prefetched tags (core.tagging.prefetch_tags): no query per row.
        return tag_names(manager)


class KedaoModelSerializer(serializers.ModelSerializer):
    """Base serializer: bookkeeping fields read-only; writes go through core.services.object_save."""

    display = serializers.SerializerMethodField()
    version = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    base_fields = ("id", "display", "version", "created_at", "updated_at")

    def get_display(self, obj) -> str:
        return str(obj)

    def _actor(self):
        return self.context["request"].user

    def pop_related(self, validated_data):
        """Take out of `validated_data` what is written after the row itself (see save_related)."""
        return {}

    def save_related(self, instance, related):
        """Write related rows inside object_save's transaction, before its audit snapshot."""

    def _save(self, instance, validated_data, expected_version=None):
        tags = validated_data.pop("tags", None)
        related = self.pop_related(validated_data)
        m2m = {}
        for field in instance._meta.many_to_many:
            if field.name in validated_data:
                m2m[field.name] = validated_data.pop(field.name)
        for name, value in validated_data.items():
            setattr(instance, name, value)

        def save_m2m():
            for name, value in m2m.items():
                getattr(instance, name).set(value)
            if tags is not None:
                instance.tags.set(tags)
            self.save_related(instance, related)

        return object_save(instance=instance, actor=self._actor(), expected_version=expected_version,
                           save_m2m=save_m2m)

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
