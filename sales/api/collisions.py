"""The collision log in the API: GET /api/sales/collisions/ (list, with the log's filters) and
/api/sales/collisions/<id>/.

Each deal of a collision is described as fully as the caller may see it (`visible: true`); for a
deal outside their scope only its owner and the owner's unit are given (`visible: false`, `id` and
`name` null) — as the customers duplicate check answers for a customer outside one's scope.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers, viewsets

from core.api.schema import KedaoAutoSchema

from ..collision_views import SELECTED, CollisionFilterSet
from ..models import Collision
from ..models.collisions import MatchReason


class DealSerializer(serializers.Serializer):
    """One side of a collision. `visible` false: only `owner_name` and `owner_unit_name` are given."""

    visible = serializers.BooleanField()
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    customer_name = serializers.CharField(allow_null=True)
    owner_name = serializers.CharField(allow_null=True)
    owner_unit_name = serializers.CharField(allow_null=True)


def deal(record, side):
    opportunity = getattr(record, side)
    unit = record.org_unit if side == "opportunity" else record.existing_org_unit
    shown = bool(getattr(record, f"{side}_shown", False))
    return {
        "visible": shown,
        "id": opportunity.pk if shown else None,
        "name": opportunity.name if shown else None,
        "customer_name": str(opportunity.customer) if shown else None,
        "owner_name": str(opportunity.owner) if opportunity.owner_id else None,
        "owner_unit_name": str(unit) if unit is not None else None,
    }


class CollisionSerializer(serializers.ModelSerializer):
    opportunity = serializers.SerializerMethodField(help_text="The opportunity registered later (under review).")
    existing = serializers.SerializerMethodField(help_text="The open opportunity registered first.")
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=MatchReason.choices), read_only=True)
    status = serializers.CharField(read_only=True, help_text="pending, approved (both proceed), rejected (the first "
                                                             "registered keeps the deal) or withdrawn.")
    product_line_name = serializers.CharField(source="product_line.name", read_only=True)
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Collision
        fields = ("id", "opportunity", "existing", "reasons", "customer_score", "product_line", "product_line_name",
                  "status", "created_at", "decided_by", "decided_by_name", "decided_at", "comment")
        read_only_fields = fields

    @extend_schema_field(DealSerializer)
    def get_opportunity(self, obj):
        return deal(obj, "opportunity")

    @extend_schema_field(DealSerializer)
    def get_existing(self, obj):
        return deal(obj, "existing")

    def get_decided_by_name(self, obj) -> str:
        return str(obj.decided_by) if obj.decided_by_id else ""


class CollisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read-only: collisions are written by the registration of an opportunity and decided in its
    review (approvals)."""

    queryset = Collision.objects.select_related(*SELECTED)
    serializer_class = CollisionSerializer
    filterset_class = CollisionFilterSet
    schema = KedaoAutoSchema()

    def get_queryset(self):
        return self.queryset.visible_to(self.request.user, "view")
