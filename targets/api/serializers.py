from rest_framework import serializers

from core.api.serializers import KedaoModelSerializer

from ..models import TargetPlan
from ..services import targetplan_save


class TargetPlanSerializer(KedaoModelSerializer):
    save_service = staticmethod(targetplan_save)
    measure = serializers.ChoiceField(choices=[])
    product_line_name = serializers.CharField(source="product_line", read_only=True, default="")
    org_unit_name = serializers.CharField(source="org_unit", read_only=True)

    class Meta:
        model = TargetPlan
        fields = (*KedaoModelSerializer.base_fields, "name", "fiscal_year", "measure", "product_line",
                  "product_line_name", "org_unit", "org_unit_name", "total", "grain", "status", "notes")
        read_only_fields = ("status",)

    def __init__(self, *args, **kwargs):
        from core.registry import target_measures

        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [m.key for m in target_measures()]


class FigureRowSerializer(serializers.Serializer):
    node = serializers.CharField(help_text='"u-<org unit id>" or "p-<employee id>"')
    label = serializers.CharField()
    plan = serializers.DecimalField(max_digits=16, decimal_places=2)
    actual = serializers.DecimalField(max_digits=16, decimal_places=2)
    completion = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    gap = serializers.DecimalField(max_digits=16, decimal_places=2)
    rank = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    period = serializers.CharField()
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    node = FigureRowSerializer(allow_null=True)
    rows = FigureRowSerializer(many=True)
