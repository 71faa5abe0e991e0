"""Lead workflow in the API: assign, disqualify, convert (sales.services).

- POST /api/sales/leads/<id>/assign/      {"owner": id}  or {"owner": null}: by the assignment rules
- POST /api/sales/leads/<id>/disqualify/  {"reason": "..."}
- POST /api/sales/leads/<id>/convert/     → 201 {"lead", "customer", "contact", "opportunity", ...};
  409 {"candidates": [...]} when the new customer probably exists (choose one as "customer", or send
  "confirm_duplicate": true); 400 {"field": [...]}.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from customers.api.duplicates import CandidatesSerializer
from customers.duplicates import candidate_rows
from customers.models import Customer
from org.models import Employee, ProductLine

from ..models.catalog import MONEY
from ..services import DuplicateCustomers, lead_assign, lead_convert, lead_disqualify
from ..services.leads import MAX_REASON


class LeadAssignSerializer(serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.filter(is_active=True), allow_null=True,
                                               help_text="The new owner; null: the assignment rules choose.")


class LeadDisqualifySerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_REASON, help_text="Why the lead is disqualified.")


class LeadConvertSerializer(serializers.Serializer):
    customer = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
                                        help_text="An existing customer (one you may change); absent: a new one.")
    confirm_duplicate = serializers.BooleanField(required=False, default=False,
                                                 help_text="Create the new customer although probable duplicates "
                                                           "exist (the answer to a 409).")
    customer_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    province = serializers.CharField(required=False, allow_blank=True, max_length=50)
    city = serializers.CharField(required=False, allow_blank=True, max_length=50)
    contact_name = serializers.CharField(required=False, max_length=100)
    title = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    create_opportunity = serializers.BooleanField(required=False, default=True)
    opportunity_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    product_line = serializers.PrimaryKeyRelatedField(queryset=ProductLine.objects.filter(is_active=True),
                                                      required=False, allow_null=True)
    amount = serializers.DecimalField(required=False, allow_null=True, min_value=0, **MONEY)
    expected_close_date = serializers.DateField(required=False, allow_null=True)

    def validate_customer(self, value):
        if value is None:
            return None
        found = Customer.objects.visible_to(self.context["request"].user, "change").filter(pk=value).first()
        if found is None:
            raise serializers.ValidationError("Choose a customer you may change.")
        return found


ConversionResult = inline_serializer("LeadConversion", {
    "lead": serializers.IntegerField(), "customer": serializers.IntegerField(), "contact": serializers.IntegerField(),
    "opportunity": serializers.IntegerField(allow_null=True), "customer_created": serializers.BooleanField()})


def _api_errors(error):
    return {api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else key: value
            for key, value in error.message_dict.items()} if hasattr(error, "error_dict") \
        else {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


class LeadActionsMixin:
    """Mixed into LeadViewSet."""

    def permission_action(self):
        if self.action in ("assign", "disqualify", "convert"):
            return "change"
        return super().permission_action()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instance = serializer.save()
        # The rules may give the new lead to someone whose leads the creator cannot see: it is
        # theirs to answer with what was just written, not to 404.
        fresh = self.get_queryset().filter(pk=instance.pk).first() or instance
        response = Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)
        response["ETag"] = fresh.etag
        return response

    def _lead_response(self, lead):
        fresh = self.get_queryset().filter(pk=lead.pk).first()
        if fresh is None:
            return Response({"id": lead.pk, "owner": lead.owner_id, "visible": False})
        response = Response(self.get_serializer(fresh).data)
        response["ETag"] = fresh.etag
        return response

    @extend_schema(summary="Assign a lead", request=LeadAssignSerializer,
                   description="By hand (`owner`: someone whose leads you may still change afterwards) or by "
                               "the assignment rules (`owner`: null; 400 when no rule matches). A lead given "
                               "to someone you cannot see answers `{id, owner, visible: false}`.")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def assign(self, request, pk=None):
        lead = self.get_object()
        body = LeadAssignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._lead_response(lead_assign(lead=lead, actor=request.user, owner=body.validated_data["owner"]))

    @extend_schema(summary="Disqualify a lead", request=LeadDisqualifySerializer)
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def disqualify(self, request, pk=None):
        lead = self.get_object()
        body = LeadDisqualifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            saved = lead_disqualify(lead=lead, actor=request.user, reason=body.validated_data["reason"])
        except DjangoValidationError as error:
            errors = _api_errors(error)
            if "disqualify_reason" in errors:
                errors["reason"] = errors.pop("disqualify_reason")
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        return self._lead_response(saved)

    @extend_schema(
        summary="Convert a lead into a customer, a contact and an opportunity",
        request=LeadConvertSerializer,
        responses={201: ConversionResult, 409: OpenApiResponse(
            CandidatesSerializer, description="The new customer probably exists: nothing is written. Send one "
                                              'of them as "customer", or "confirm_duplicate": true.')})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def convert(self, request, pk=None):
        lead = self.get_object()
        body = LeadConvertSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        try:
            done = lead_convert(lead=lead, actor=request.user, **values)
        except DuplicateCustomers as duplicates:
            rows = candidate_rows(duplicates.candidates, request.user)
            return Response({"candidates": [{k: v for k, v in row.items() if k != "customer"} for row in rows]},
                            status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            return Response(_api_errors(error), status=status.HTTP_400_BAD_REQUEST)
        return Response({"lead": done.lead.pk, "customer": done.customer.pk, "contact": done.contact.pk,
                         "opportunity": done.opportunity.pk if done.opportunity else None,
                         "customer_created": done.customer_created}, status=status.HTTP_201_CREATED)
