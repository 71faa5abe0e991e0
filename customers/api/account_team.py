"""API of the account team and the customer strategies (/api/customers/account-team-members/,
/api/customers/customer-strategies/)."""

from rest_framework import serializers

from core.api.serializers import KedaoModelSerializer
from core.api.viewsets import KedaoModelViewSet
from org.models import Employee, ProductLine

from ..account_team import AccountTeamMemberFilterSet, CustomerStrategyFilterSet
from ..models import AccountTeamMember, Customer, CustomerStrategy


class AccountTeamMemberSerializer(KedaoModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer", read_only=True)
    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.filter(is_active=True))
    employee_name = serializers.CharField(source="employee", read_only=True)
    product_line = serializers.PrimaryKeyRelatedField(queryset=ProductLine.objects.filter(is_active=True))
    product_line_name = serializers.CharField(source="product_line", read_only=True)

    class Meta:
        model = AccountTeamMember
        fields = (*KedaoModelSerializer.base_fields, "customer", "customer_name", "employee", "employee_name",
                  "product_line", "product_line_name", "role", "start_date", "notes")
        related_actions = {"customer": "change"}


class CustomerStrategySerializer(KedaoModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    customer_name = serializers.CharField(source="customer", read_only=True)
    product_line = serializers.PrimaryKeyRelatedField(queryset=ProductLine.objects.filter(is_active=True))
    product_line_name = serializers.CharField(source="product_line", read_only=True)

    class Meta:
        model = CustomerStrategy
        fields = (*KedaoModelSerializer.base_fields, "customer", "customer_name", "product_line",
                  "product_line_name", "title", "needs", "strengths", "competitors", "plan")
        related_actions = {"customer": "change"}


class AccountTeamMemberViewSet(KedaoModelViewSet):
    queryset = AccountTeamMember.objects.select_related("customer", "employee", "product_line")
    serializer_class = AccountTeamMemberSerializer
    filterset_class = AccountTeamMemberFilterSet


class CustomerStrategyViewSet(KedaoModelViewSet):
    queryset = CustomerStrategy.objects.select_related("customer", "product_line")
    serializer_class = CustomerStrategySerializer
    filterset_class = CustomerStrategyFilterSet
