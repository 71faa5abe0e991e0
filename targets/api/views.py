from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.viewsets import KedaoModelViewSet
from core.replica import replica_reads

from .. import filtersets
from ..models import TargetPlan
from ..selectors import plan_vs_actual
from ..split import YEAR
from ..views import parse_node
from . import serializers


def _row(row):
    return {"node": f"{row.node.key[0]}-{row.node.key[1]}", "label": row.node.label, "plan": row.plan,
            "actual": row.actual, "completion": row.completion, "gap": row.gap, "rank": row.rank}


class TargetPlanViewSet(KedaoModelViewSet):
    queryset = TargetPlan.objects.select_related("product_line", "org_unit")
    serializer_class = serializers.TargetPlanSerializer
    filterset_class = filtersets.TargetPlanFilterSet

    def permission_action(self):
        if self.action == "figures":
            return "view"
        return super().permission_action()

    @extend_schema(summary="Plan against actual for a node's children",
                   parameters=[OpenApiParameter("node", OpenApiTypes.STR, description='"u-<unit id>" or "p-<employee id>"; default: your top node'),
                               OpenApiParameter("period", OpenApiTypes.STR, description='"Y", "2027-Q1", "2027-03" or "2027-W05"')],
                   responses={200: serializers.FiguresSerializer})
    @action(detail=True, methods=["get"])
    @replica_reads
    def figures(self, request, pk=None):
        plan = self.get_object()
        node_key = parse_node(request.query_params.get("node")) if request.query_params.get("node") else None
        if request.query_params.get("node") and node_key is None:
            raise ValidationError({"node": ['Give "u-<unit id>" or "p-<employee id>".']})
        choice = request.query_params.get("period") or YEAR
        try:
            node, own, rows, _keys, first, last = plan_vs_actual(request.user, plan, node_key=node_key, choice=choice)
        except ValueError:
            raise ValidationError({"period": ["Choose a period of the plan's year."]}) from None
        return Response({"period": choice, "date_from": first, "date_to": last,
                         "node": _row(own) if own is not None else None, "rows": [_row(r) for r in rows]})


class ForecastView(APIView):
    """GET /api/targets/forecast/?node=u-<id>|p-<id>&months=1..3&product_line=<id>: per month, the
    weighted and calibrated pipeline, the submitted commit and best case, for a node and its children."""

    @extend_schema(summary="Forecast per month for a node and its children",
                   parameters=[OpenApiParameter("node", OpenApiTypes.STR), OpenApiParameter("months", OpenApiTypes.INT),
                               OpenApiParameter("product_line", OpenApiTypes.INT)],
                   responses={200: OpenApiTypes.OBJECT})
    @replica_reads
    def get(self, request):
        from ..forecast import forecast_table

        errors = {}
        node_key = parse_node(request.query_params.get("node")) if request.query_params.get("node") else None
        if request.query_params.get("node") and node_key is None:
            errors["node"] = ['Give "u-<unit id>" or "p-<employee id>".']
        months = request.query_params.get("months") or "3"
        if months not in ("1", "2", "3"):
            errors["months"] = ["Choose 1, 2 or 3."]
        line = request.query_params.get("product_line") or None
        if line is not None and not line.isdigit():
            errors["product_line"] = ["Give a product line id."]
        if errors:
            raise ValidationError(errors)
        # Without the targets grant: 403 (PermissionDenied); a node outside the scope: 404 (Http404).
        node, own, rows, starts, _rates = forecast_table(request.user, node_key=node_key, count=int(months),
                                                         product_line_id=int(line) if line else None)

        def row(item):
            return {"node": f"{item.node.key[0]}-{item.node.key[1]}", "label": item.node.label,
                    "months": [{"month": f"{start:%Y-%m}", **{k: v for k, v in m.items() if k != "categories"},
                                "categories": m["categories"]} for start, m in zip(starts, item.months, strict=True)]}

        return Response({"node": row(own) if own is not None else None, "rows": [row(r) for r in rows]})


class AccuracyView(APIView):
    """GET /api/targets/accuracy/?node=…&kind=weighted|calibrated: the back-test of the last 12 months."""

    @extend_schema(summary="Forecast accuracy of a node, month by month",
                   parameters=[OpenApiParameter("node", OpenApiTypes.STR), OpenApiParameter("kind", OpenApiTypes.STR)],
                   responses={200: OpenApiTypes.OBJECT})
    @replica_reads
    def get(self, request):
        from ..accuracy import accuracy
        from ..selectors import find, reach, top_nodes, visible
        from ..tree import company_tree

        kind = request.query_params.get("kind") or "weighted"
        if kind not in ("weighted", "calibrated"):
            raise ValidationError({"kind": ["Choose weighted or calibrated."]})
        node_key = parse_node(request.query_params.get("node")) if request.query_params.get("node") else None
        if request.query_params.get("node") and node_key is None:
            raise ValidationError({"node": ['Give "u-<unit id>" or "p-<employee id>".']})
        units = reach(request.user)  # PermissionDenied (403) without the targets grant
        tree = company_tree()
        if tree is None:
            raise NotFound
        tops = top_nodes(tree, units, request.user)
        node = find(tree, node_key) if node_key else (tops[0] if tops else None)
        if node is None or not visible(node, units, request.user):
            raise NotFound
        return Response({"node": f"{node.key[0]}-{node.key[1]}", "label": node.label, "kind": kind,
                         "months": accuracy(node, kind=kind)})
