from rest_framework import serializers

from core.api.serializers import ScopedModelSerializer, TagListField
from customers.models import Customer

from ..models import Project


class ProjectSerializer(ScopedModelSerializer):
    customer_name = serializers.CharField(source="customer", read_only=True)
    tags = TagListField(required=False)

    class Meta:
        model = Project
        fields = (*ScopedModelSerializer.base_fields, "name", "customer", "customer_name", "stage", "budget",
                  "due_date", "sponsor", "notes", "tags")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["customer"].queryset = Customer.objects.visible_to(request.user, "view")
