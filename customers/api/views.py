from core.api.viewsets import KedaoModelViewSet
from core.tagging import prefetch_tags

from .. import filtersets
from ..industries import IndustryFilterSet
from ..models import Contact, Customer, Industry
from . import serializers
from .duplicates import DuplicateActionsMixin
from .relations import TimelineMixin


class CustomerViewSet(DuplicateActionsMixin, TimelineMixin, KedaoModelViewSet):
    queryset = Customer.objects.select_related("owner", "org_unit", "industry").prefetch_related(prefetch_tags())
    serializer_class = serializers.CustomerSerializer
    filterset_class = filtersets.CustomerFilterSet


class ContactViewSet(KedaoModelViewSet):
    queryset = Contact.objects.select_related("customer")
    serializer_class = serializers.ContactSerializer
    filterset_class = filtersets.ContactFilterSet


class IndustryViewSet(KedaoModelViewSet):
    queryset = Industry.objects.select_related("parent")
    serializer_class = serializers.IndustrySerializer
    filterset_class = IndustryFilterSet
