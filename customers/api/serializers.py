from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.serializers import KedaoModelSerializer, ScopedModelSerializer, TagListField

from ..models import Contact, Customer
from ..validators import normalize_credit_code


class CustomerSerializer(ScopedModelSerializer):
    tags = TagListField(required=False)

    class Meta:
        model = Customer
        fields = (*ScopedModelSerializer.base_fields, "name", "short_name", "kind", "credit_code", "industry",
                  "province", "city", "district", "address", "phone", "website", "level", "source", "notes",
                  "tags")

    def validate_credit_code(self, value):
        code = normalize_credit_code(value)
        if code:
            clash = Customer.objects.filter(credit_code=code)
            if self.instance is not None:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise serializers.ValidationError(_("Another customer already has this credit code."))
        return code

    def validate_name(self, value):
        value = " ".join(value.split())
        if not value:
            raise serializers.ValidationError(_("This field may not be blank."))
        return value


class ContactSerializer(KedaoModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer", read_only=True)

    class Meta:
        model = Contact
        fields = (*KedaoModelSerializer.base_fields, "customer", "customer_name", "name", "title", "department",
                  "mobile", "phone", "email", "wechat", "decision_role", "birthday", "notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # A contact can only be attached to a customer the caller may change.
            self.fields["customer"].queryset = Customer.objects.visible_to(request.user, "change")
