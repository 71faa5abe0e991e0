from rest_framework import serializers

from core.api.serializers import KedaoModelSerializer, ScopedModelSerializer, TagListField
from org.models import Employee

from ..fields import CreditCodeField, CreditCodeSerializerField
from ..models import Contact, ContactEmployeeRelation, ContactRelation, Customer


class CustomerSerializer(ScopedModelSerializer):
    serializer_field_mapping = {**ScopedModelSerializer.serializer_field_mapping,
                                CreditCodeField: CreditCodeSerializerField}
    tags = TagListField(required=False)
    # Read by the viewset's create (customers/api/duplicates.py): create despite probable duplicates.
    confirm_duplicate = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="Create even though probable duplicates exist (the answer to a 409). A credit code that a "
                  "live customer already has is refused all the same (400 on credit_code).")

    class Meta:
        model = Customer
        fields = (*ScopedModelSerializer.base_fields, "name", "short_name", "kind", "credit_code", "industry",
                  "province", "city", "district", "address", "phone", "email", "website", "level", "source", "notes",
                  "tags", "last_contacted_at", "confirm_duplicate")
        read_only_fields = ("last_contacted_at",)

    def _save(self, instance, validated_data, expected_version=None):
        validated_data.pop("confirm_duplicate", None)
        return super()._save(instance, validated_data, expected_version)


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
