from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.serializers import KedaoModelSerializer, ScopedModelSerializer

from ..gates import requirement_choices
from ..models import (
    Competitor,
    Lead,
    LeadAssignmentRule,
    LeadSource,
    Opportunity,
    OpportunityCompetitor,
    OpportunityLine,
    OpportunityTeamMember,
    Pipeline,
    PriceList,
    PriceListItem,
    Product,
    Stage,
    WinLossReason,
)
from ..services import lead_save, opportunity_save

BASE = KedaoModelSerializer.base_fields
SCOPED = ScopedModelSerializer.base_fields


class ProductSerializer(KedaoModelSerializer):
    class Meta:
        model = Product
        fields = (*BASE, "product_line", "code", "name", "unit", "list_price", "tax_rate", "is_active", "description")


class PriceListSerializer(KedaoModelSerializer):
    class Meta:
        model = PriceList
        fields = (*BASE, "name", "product_line", "currency", "valid_from", "valid_to", "is_active", "notes")


class PriceListItemSerializer(KedaoModelSerializer):
    class Meta:
        model = PriceListItem
        fields = (*BASE, "price_list", "product", "price", "notes")
        related_actions = {"price_list": "change"}


class LeadSourceSerializer(KedaoModelSerializer):
    class Meta:
        model = LeadSource
        fields = (*BASE, "name", "code", "order", "is_active")


class LeadSerializer(ScopedModelSerializer):
    # A lead created without an owner is assigned by the rules (sales.services.leads).
    save_service = staticmethod(lead_save)

    class Meta:
        model = Lead
        fields = (*SCOPED, "name", "company", "title", "phone", "email", "province", "city", "industry",
                  "product_line", "source", "status", "disqualify_reason", "description", "converted_at",
                  "converted_customer", "converted_contact")
        read_only_fields = ("converted_at", "converted_customer", "converted_contact")

    def validate_status(self, value):
        if value == "converted":
            raise serializers.ValidationError("Convert a lead with POST …/leads/<id>/convert/.")
        return value


class LeadAssignmentRuleSerializer(KedaoModelSerializer):
    class Meta:
        model = LeadAssignmentRule
        fields = (*BASE, "name", "order", "province", "industry", "product_line", "source", "assignees", "is_active")


class PipelineSerializer(KedaoModelSerializer):
    class Meta:
        model = Pipeline
        fields = (*BASE, "name", "product_line", "stall_days", "is_active", "description")


class StageSerializer(KedaoModelSerializer):
    requirements = serializers.MultipleChoiceField(choices=[], required=False)

    class Meta:
        model = Stage
        fields = (*BASE, "pipeline", "name", "order", "probability", "forecast_category", "kind", "requirements",
                  "approval_threshold", "description")

    def get_fields(self):
        fields = super().get_fields()
        fields["requirements"].choices = requirement_choices()
        return fields

    def validate_requirements(self, value):
        return sorted(value)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["requirements"] = list(instance.requirements or [])
        return data


class WinLossReasonSerializer(KedaoModelSerializer):
    class Meta:
        model = WinLossReason
        fields = (*BASE, "kind", "name", "order", "is_active", "description")


class CompetitorSerializer(KedaoModelSerializer):
    class Meta:
        model = Competitor
        fields = (*BASE, "name", "website", "strengths", "weaknesses", "is_active")


class OpportunitySerializer(ScopedModelSerializer):
    save_service = staticmethod(opportunity_save)
    customer_name = serializers.CharField(source="customer", read_only=True)
    stage_name = serializers.CharField(source="stage", read_only=True)
    pipeline = serializers.PrimaryKeyRelatedField(queryset=Pipeline.objects.filter(is_active=True), required=False)
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all(), required=False)

    class Meta:
        model = Opportunity
        fields = (*SCOPED, "name", "customer", "customer_name", "product_line", "pipeline", "stage", "stage_name",
                  "probability", "amount", "currency", "expected_close_date", "source", "lead", "next_step",
                  "description", "decision_makers", "status", "stage_changed_at", "last_activity_at", "closed_at",
                  "close_reason", "close_note", "won_by", "registration_status")
        read_only_fields = ("status", "stage_changed_at", "last_activity_at", "closed_at", "close_reason",
                            "close_note", "won_by", "registration_status")

    def validate(self, attrs):
        from ..selectors import default_pipeline, first_stage

        if self.instance is None:
            line = attrs.get("product_line")
            if "pipeline" not in attrs and line is not None:
                attrs["pipeline"] = default_pipeline(line)
                if attrs["pipeline"] is None:
                    raise serializers.ValidationError({"pipeline": ["No active pipeline for this product line."]})
            if "stage" not in attrs and attrs.get("pipeline") is not None:
                attrs["stage"] = first_stage(attrs["pipeline"])
            if attrs.get("stage") is None:
                raise serializers.ValidationError({"stage": ["The pipeline has no open stage."]})
            if attrs["stage"].kind != "open":
                raise serializers.ValidationError({"stage": ["A new opportunity starts in an open stage."]})
        elif "pipeline" in attrs and attrs["pipeline"] != self.instance.pipeline:
            raise serializers.ValidationError({"pipeline": ["The pipeline of an opportunity does not change."]})
        customer = attrs.get("customer") or getattr(self.instance, "customer", None)
        if customer and any(contact.customer_id != customer.pk for contact in attrs.get("decision_makers") or ()):
            raise serializers.ValidationError({"decision_makers": [_("Decision makers must be contacts of the customer.")]})
        return super().validate(attrs)


class OpportunityLineSerializer(KedaoModelSerializer):
    total = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = OpportunityLine
        fields = (*BASE, "opportunity", "product", "description", "quantity", "unit_price", "discount", "total")
        related_actions = {"opportunity": "change"}


class OpportunityCompetitorSerializer(KedaoModelSerializer):
    class Meta:
        model = OpportunityCompetitor
        fields = (*BASE, "opportunity", "competitor", "product", "price", "strengths", "weaknesses")
        related_actions = {"opportunity": "change"}


class OpportunityTeamMemberSerializer(KedaoModelSerializer):
    class Meta:
        model = OpportunityTeamMember
        fields = (*BASE, "opportunity", "employee", "role", "notes")
        related_actions = {"opportunity": "change"}
