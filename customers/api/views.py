from core.api.viewsets import KedaoModelViewSet
from core.tagging import prefetch_tags

from .. import filtersets
from ..models import Contact, Customer
from . import serializers
from .duplicates import DuplicateActionsMixin
from .relations import TimelineMixin


class CustomerViewSet(DuplicateActionsMixin, TimelineMixin, KedaoModelViewSet):
    queryset = Customer.objects.select_related("owner", "org_unit").prefetch_related(prefetch_tags())
    serializer_class = serializers.CustomerSerializer
    filterset_class = filtersets.CustomerFilterSet


class ContactViewSet(KedaoModelViewSet):
    queryset = Contact.objects.select_related("customer")
    serializer_class = serializers.ContactSerializer
    filterset_class = filtersets.ContactFilterSet
