from rest_framework import serializers

from core.api.serializers import KedaoModelSerializer, ScopedModelSerializer, TagListField
from org.models import Employee

from .. import regions
from ..fields import CreditCodeField, CreditCodeSerializerField
from ..forms import industry_queryset
from ..models import Contact, ContactEmployeeRelation, ContactRelation, Customer, Industry

REGION_FIELDS = ("province", "city", "district")


class CustomerSerializer(ScopedModelSerializer):
    serializer_field_mapping = {**ScopedModelSerializer.serializer_field_mapping,
                                CreditCodeField: CreditCodeSerializerField}
    tags = TagListField(required=False)
    # Read by the viewset's create (customers/api/duplicates.py): create despite probable duplicates.
    confirm_duplicate = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text="Create even though probable duplicates exist (the answer to a 409). A credit code that a "
                  "live customer already has is refused all the same (400 on credit_code).")
    # By GB/T 4754 code ("C", "36"), the classification's natural key.
    industry = serializers.SlugRelatedField(slug_field="code", queryset=Industry.objects.all(), required=False,
                                            allow_null=True)
    industry_name = serializers.SerializerMethodField()
    region_code = serializers.CharField(read_only=True)

    class Meta:
        model = Customer
        fields = (*ScopedModelSerializer.base_fields, "name", "short_name", "kind", "credit_code", "industry",
                  "industry_name", "province", "city", "district", "region_code", "address", "phone", "email",
                  "website", "level", "source", "notes", "tags", "last_contacted_at", "confirm_duplicate")
        read_only_fields = ("last_contacted_at",)

    def _save(self, instance, validated_data, expected_version=None):
        validated_data.pop("confirm_duplicate", None)
        return super()._save(instance, validated_data, expected_version)

    def get_industry_name(self, obj) -> str:
        return str(obj.industry) if obj.industry_id else ""

    def get_fields(self):
        fields = super().get_fields()
        # Reference data: any caller may pick an active industry (not only those whose role may
        # view the classification's own pages), and keep the one the customer has.
        fields["industry"].queryset = industry_queryset(getattr(self.instance, "industry_id", None))
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if any(name in attrs for name in REGION_FIELDS):
            # The model's clean() wrote the names the standard way and found the code; a PATCH
            # saves only the fields it sent, so send these along (customers/regions.py).
            current = {name: attrs.get(name, getattr(self.instance, name, "") if self.instance else "")
                       for name in REGION_FIELDS}
            names = regions.resolve(*(current[name] for name in REGION_FIELDS))
            attrs.update(dict(zip(REGION_FIELDS, names[:3], strict=True)), region_code=names[3])
        return attrs



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
class IndustrySerializer(KedaoModelSerializer):
    class Meta:
        model = Industry
        fields = (*KedaoModelSerializer.base_fields, "code", "name", "name_en", "parent", "is_active")
