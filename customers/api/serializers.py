from rest_framework import serializers

from core.api.serializers import KedaoModelSerializer, ScopedModelSerializer, TagListField

from ..fields import CreditCodeField, CreditCodeSerializerField
from ..models import Contact, Customer


class CustomerSerializer(ScopedModelSerializer):
    serializer_field_mapping = {**ScopedModelSerializer.serializer_field_mapping,
                                CreditCodeField: CreditCodeSerializerField}
    tags = TagListField(required=False)

    class Meta:
        model = Customer
        fields = (*ScopedModelSerializer.base_fields, "name", "short_name", "kind", "credit_code", "industry",
                  "province", "city", "district", "address", "phone", "email", "website", "level", "source", "notes",
                  "tags", "last_contacted_at")
        read_only_fields = ("last_contacted_at",)



class ContactSerializer(KedaoModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer", read_only=True)

    class Meta:
        model = Contact
        fields = (*KedaoModelSerializer.base_fields, "customer", "customer_name", "name", "title", "department",
                  "mobile", "phone", "email", "wechat", "decision_role", "birthday", "notes")

        # A contact can only be attached to a customer the caller may change.
        related_actions = {"customer": "change"}
