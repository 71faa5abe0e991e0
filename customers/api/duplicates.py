"""Duplicate check and merge in the customers API (customers/duplicates.py, customers/merge.py).

- GET  /api/customers/customers/duplicates/?name=&credit_code=&phone=&email=  → {"candidates": [...]}
- POST /api/customers/customers/  → 409 {"candidates": [...]} unless "confirm_duplicate": true
- POST /api/customers/customers/merge/  → the survivor

A candidate the caller may not view is shown as taken, not described: only its owner's name and
the owner's unit, with `visible: false` and no id.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from ..duplicates import candidate_rows, find_candidates
from ..merge import MAX_MERGED, customers_merge
from ..models import Customer
from ..validators import normalize_credit_code, validate_credit_code

MATCHED_KEYS = ("credit_code", "name", "phone", "email")


class CandidateSerializer(serializers.Serializer):
    """One probable duplicate. `visible` false: outside the caller's scope — only the owner and
    the owner's unit are given (`id`, `name`, `credit_code` are null)."""

    visible = serializers.BooleanField()
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_null=True)
    credit_code = serializers.CharField(allow_null=True)
    owner_name = serializers.CharField(allow_null=True)
    owner_unit_name = serializers.CharField(allow_null=True)
    score = serializers.FloatField(help_text="0–100; 100 for the same credit code.")
    matched = serializers.ListField(child=serializers.ChoiceField(choices=MATCHED_KEYS))


class CandidatesSerializer(serializers.Serializer):
    candidates = CandidateSerializer(many=True)


def _api_rows(rows):
    return [{key: value for key, value in row.items() if key != "customer"} for row in rows]


class DuplicateQuerySerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=200, trim_whitespace=True)
    credit_code = serializers.CharField(required=False, allow_blank=True, max_length=30)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=10)

    def validate_credit_code(self, value):
        value = normalize_credit_code(value)
        if value:
            from django.core.exceptions import ValidationError as DjangoValidationError

            try:
                validate_credit_code(value)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from error
        return value

    def validate(self, attrs):
        if not any(attrs.get(key) for key in ("name", "credit_code", "phone", "email")):
            raise serializers.ValidationError(
                {"name": [_("Give at least one of name, credit code, phone or e-mail.")]})
        return attrs


class CustomerMergeSerializer(serializers.Serializer):
    survivor = serializers.IntegerField(min_value=1, max_value=2**63 - 1,
                                        help_text="Id of the customer that stays.")
    merged = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
                                   min_length=1, max_length=MAX_MERGED - 1,
                                   help_text="Ids of the customers merged into it (they go to the recycle bin).")
    values = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
                                   required=False, default=dict,
                                   help_text="Field name → id of the customer whose value to keep. A field not "
                                             "named keeps the survivor's value (a merged one's when it is blank).")
    versions = serializers.DictField(child=serializers.IntegerField(min_value=1), required=False, default=dict,
                                     help_text="Customer id → the version you saw; a customer changed since: 412.")




class DuplicateActionsMixin:
    """Mixed into CustomerViewSet."""

    def permission_action(self):
        if self.action == "merge":
            return "change"
        return super().permission_action()

    @extend_schema(
        summary="Probable duplicates of a customer about to be created",
        description="Live customers that are probably the company described, best first, each with a score "
                    "(0–100) and the keys that matched. A candidate outside your scope shows only that it exists, "
                    "its owner and the owner's unit (`visible: false`).",
        parameters=[DuplicateQuerySerializer],
        responses={200: CandidatesSerializer},
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def duplicates(self, request):
        query = DuplicateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        candidates = find_candidates(name=data.get("name", ""), credit_code=data.get("credit_code", ""),
                                     phone=data.get("phone", ""), email=data.get("email", ""),
                                     limit=data["limit"])
        return Response({"candidates": _api_rows(candidate_rows(candidates, request.user))})

    @extend_schema(
        responses={201: None, 409: OpenApiResponse(
            CandidatesSerializer,
            description="Probable duplicates exist: nothing is written. Send the same body with "
                        '`"confirm_duplicate": true` to create it anyway — except for a credit code that a live '
                        "customer already has: that stays a 400 on `credit_code` (merge instead).")},
        examples=[OpenApiExample("Duplicate", response_only=True, status_codes=["409"], value={"candidates": [
            {"visible": False, "id": None, "name": None, "credit_code": None, "owner_name": "王芳",
             "owner_unit_name": "北京销售一部", "score": 100.0, "matched": ["name"]}]})],
    )
    def create(self, request, *args, **kwargs):
        body = request.data if hasattr(request.data, "get") else {}  # a list or a string: a 400 below
        confirmed = body.get("confirm_duplicate") in (True, "true", "True", "1", 1, "on")
        serializer = self.get_serializer(data=request.data)
        valid = serializer.is_valid()
        if not confirmed:
            source = serializer.validated_data if valid else body
            probe = {key: source.get(key) or "" for key in ("name", "credit_code", "phone", "email")}
            probe = {key: value if isinstance(value, str) else "" for key, value in probe.items()}
            candidates = find_candidates(**probe)
            # With invalid data only the credit code (a duplicate whatever else is wrong) answers 409.
            if not valid:
                candidates = [c for c in candidates if "credit_code" in c.matched]
            if candidates:
                return Response({"candidates": _api_rows(candidate_rows(candidates, request.user))},
                                status=status.HTTP_409_CONFLICT)
        serializer.is_valid(raise_exception=True)
        instance = serializer.save()
        fresh = self.get_queryset().get(pk=instance.pk)
        response = Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)
        response["ETag"] = fresh.etag
        return response

    @extend_schema(
        summary="Merge customers into one",
        description="Moves every related record (contacts, shares, and other apps' records) of the merged customers "
                    "to the survivor, which takes the chosen field values; the merged ones go to the recycle bin "
                    "marked as merged. 400: fewer than two customers, the same one twice, an unknown field; 404: one "
                    "is outside what you may view; 403: you may not change one of them; 412: one changed since.",
        request=CustomerMergeSerializer,
        responses={200: inline_serializer("MergeResult", {"id": serializers.IntegerField(),
                                                          "display": serializers.CharField()})},
    )
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def merge(self, request):
        body = CustomerMergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        ids = [data["survivor"], *data["merged"]]
        found = {c.pk: c for c in Customer.objects.visible_to(request.user, "view").filter(pk__in=ids)}
        if any(pk not in found for pk in ids):
            raise NotFound()
        survivor = customers_merge(survivor=found[data["survivor"]], merged=[found[pk] for pk in data["merged"]],
                                   values=data.get("values"), versions=data.get("versions"), actor=request.user)
        fresh = self.get_queryset().get(pk=survivor.pk)
        response = Response(self.get_serializer(fresh).data)
        response["ETag"] = fresh.etag
        return response
