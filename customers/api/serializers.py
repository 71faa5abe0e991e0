from rest_framework import serializers

from core.api.serializers import KedaoModelSerializer, ScopedModelSerializer, TagListField
from org.models import Employee

from ..fields import CreditCodeField, CreditCodeSerializerField
from ..models import Contact, ContactEmployeeRelation, ContactRelation, Customer


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


class ContactRelationSerializer(KedaoModelSerializer):
    from_contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all())
    to_contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all())

    class Meta:
        model = ContactRelation
        fields = (*KedaoModelSerializer.base_fields, "from_contact", "kind", "to_contact", "note")
        # Editing the map is editing the customer.
        related_actions = {"from_contact": "change", "to_contact": "change"}


class ContactEmployeeRelationSerializer(KedaoModelSerializer):
    contact = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.all())
    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.filter(is_active=True))

    class Meta:
        model = ContactEmployeeRelation
        fields = (*KedaoModelSerializer.base_fields, "contact", "employee", "strength", "note")
        related_actions = {"contact": "change"}
