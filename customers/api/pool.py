"""API of the public pool: list, caps, claim, assign, release, log a contact (docs/api.md)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.viewsets import KedaoModelViewSet
from core.permissions import has_perm
from core.tagging import prefetch_tags
from org.models import Employee

from .. import filtersets, services
from ..models import Customer
from .serializers import CustomerSerializer


class PoolViewSet(KedaoModelViewSet):
    """GET /api/customers/pool/: the pool customers the caller sees (filters as for customers)."""

    queryset = Customer.objects.select_related("owner", "org_unit").prefetch_related(prefetch_tags())
    serializer_class = CustomerSerializer
    filterset_class = filtersets.CustomerFilterSet
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().filter(owner__isnull=True)


class _CustomerMove(APIView):
    """POST on one customer; 404 outside the caller's view scope, 403 without the right, 400 with
    {"field": ["reason"]} (or non_field_errors) when the move is refused."""

    def customer(self, request, pk):
        if not has_perm(request.user, Customer, "view"):
            raise PermissionDenied()
        customer = Customer.objects.visible_to(request.user, "view").filter(pk=pk).first()
        if customer is None:
            raise Http404
        return customer

    def answer(self, request, customer):
        fresh = Customer.objects.select_related("owner", "org_unit").get(pk=customer.pk)
        response = Response(CustomerSerializer(fresh, context={"request": request}).data)
        response["ETag"] = fresh.etag
        return response


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class AssignSerializer(ReasonSerializer):
    to_user = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.filter(is_active=True))


class TouchSerializer(serializers.Serializer):
    when = serializers.DateTimeField(required=False)


class StandingSerializer(serializers.Serializer):
    holding = serializers.IntegerField()
    holding_cap = serializers.IntegerField(allow_null=True)
    claimed_today = serializers.IntegerField()
    daily_claim_cap = serializers.IntegerField(allow_null=True)
    may_claim = serializers.BooleanField()


class ClaimView(_CustomerMove):
    @extend_schema(request=None, responses=CustomerSerializer, summary="Claim a customer from the pool")
    def post(self, request, pk):
        customer = self.customer(request, pk)
        return self.answer(request, services.customer_claim(customer=customer, actor=request.user))


class AssignView(_CustomerMove):
    @extend_schema(request=AssignSerializer, responses=CustomerSerializer, summary="Assign a pool customer")
    def post(self, request, pk):
        customer = self.customer(request, pk)
        data = AssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.customer_assign(customer=customer, to_user=data.validated_data["to_user"], actor=request.user,
                                 reason=data.validated_data.get("reason", ""))
        return self.answer(request, customer)


class ReleaseView(_CustomerMove):
    @extend_schema(request=ReasonSerializer, responses=CustomerSerializer, summary="Release a customer to the pool")
    def post(self, request, pk):
        customer = self.customer(request, pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.customer_release(customer=customer, actor=request.user, reason=data.validated_data.get("reason", ""))
        return self.answer(request, customer)


class TouchView(_CustomerMove):
    @extend_schema(request=TouchSerializer, responses=CustomerSerializer, summary="Log a contact with a customer")
    def post(self, request, pk):
        customer = self.customer(request, pk)
        data = TouchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.customer_touch(customer=customer, when=data.validated_data.get("when"), actor=request.user)
        return self.answer(request, customer)


class StandingView(APIView):
    """GET /api/customers/pool/standing/: what the caller holds and claimed today, with the caps."""

    @extend_schema(responses=StandingSerializer, summary="Your holding and today's claims against the caps")
    def get(self, request):
        if not has_perm(request.user, Customer, "view"):
            raise PermissionDenied()
        standing = services.seller_standing(request.user)
        return Response({"holding": standing.holding, "holding_cap": standing.holding_cap,
                         "claimed_today": standing.claimed_today, "daily_claim_cap": standing.daily_claim_cap,
                         "may_claim": standing.may_claim})



