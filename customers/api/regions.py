"""GET /api/customers/regions/?parent=<code> (or ?address=<text>): the administrative divisions
(customers.regions), for clients that build their own dependent selects or read addresses."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.text import clean_text

from .. import regions


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    parent = serializers.CharField()


class ParsedAddressSerializer(serializers.Serializer):
    province = serializers.CharField()
    city = serializers.CharField()
    district = serializers.CharField()
    codes = serializers.ListField(child=serializers.CharField())
    code = serializers.CharField()


class RegionListView(APIView):
    """The provinces (no parameter), the cities of a province or the districts of a city
    (`parent`); with `address`, what customers.regions.parse_address reads from it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("parent", OpenApiTypes.STR, description="GB/T 2260 code, e.g. 440000"),
                    OpenApiParameter("address", OpenApiTypes.STR, description="a free-text address")],
        responses={200: RegionSerializer(many=True)},
    )
    def get(self, request):
        if "address" in request.query_params:
            text = clean_text(request.query_params.get("address", ""))
            if len(text) > 500:
                return Response({"address": [_("At most 500 characters.")]}, status=400)
            parsed = regions.parse_address(text)
            return Response({"province": parsed.province, "city": parsed.city, "district": parsed.district,
                             "codes": list(parsed.codes), "code": parsed.code})
        parent = request.query_params.get("parent", "")
        if parent and regions.get(parent) is None:
            return Response({"parent": [_("Unknown region code.")]}, status=400)
        rows = regions.children(parent)
        return Response([{"code": row.code, "name": row.name, "level": row.level, "parent": row.parent}
                         for row in rows])
