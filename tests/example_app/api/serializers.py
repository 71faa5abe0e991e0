from rest_framework import serializers

from core.api.serializers import ScopedModelSerializer, TagListField

from ..models import Project


class ProjectSerializer(ScopedModelSerializer):
    customer_name = serializers.CharField(source="customer", read_only=True)
    tags = TagListField(required=False)

    class Meta:
        model = Project
        fields = (*ScopedModelSerializer.base_fields, "name", "customer", "customer_name", "stage", "budget",
                  "due_date", "sponsor", "notes", "tags")
