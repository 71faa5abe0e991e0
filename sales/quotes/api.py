"""API of quotes: /api/sales/quotes/ (with new-version, submit, send, accept, reject and pdf),
/api/sales/quote-lines/ and /api/sales/quote-discount-thresholds/."""

import json

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.serializers import KedaoModelSerializer
from core.api.viewsets import KedaoModelViewSet
from sales.models import Quote, QuoteDiscountThreshold, QuoteLine

from . import filtersets as f
from . import services
from .pdf import filename, render_pdf

BASE = KedaoModelSerializer.base_fields
TOTALS = ("list_total", "net_total", "tax_total", "gross_total", "total_discount")


class QuoteSerializer(KedaoModelSerializer):
    save_service = staticmethod(services.quote_save)
    opportunity_name = serializers.CharField(source="opportunity", read_only=True)

    class Meta:
        model = Quote
        fields = (*BASE, "opportunity", "opportunity_name", "number", "revision", "status", "title", "quote_date",
                  "valid_until", "currency", "price_list", "discount", "terms", "notes", *TOTALS, "sent_at",
                  "sent_to")
        read_only_fields = ("number", "revision", "status", *TOTALS, "sent_at", "sent_to")
        related_actions = {"opportunity": "change"}


class QuoteLineSerializer(KedaoModelSerializer):
    save_service = staticmethod(services.quote_line_save)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)

    class Meta:
        model = QuoteLine
        fields = (*BASE, "quote", "product", "description", "quantity", "unit_price", "discount", "list_price",
                  "tax_rate", "position", "amount")
        read_only_fields = ("list_price", "tax_rate", "position")
        related_actions = {"quote": "change"}


class QuoteDiscountThresholdSerializer(KedaoModelSerializer):
    class Meta:
        model = QuoteDiscountThreshold
        fields = (*BASE, "product_line", "max_discount", "is_active", "notes")


class QuoteSendSerializer(serializers.Serializer):
    to = serializers.ListField(child=serializers.CharField(max_length=254), max_length=20, allow_empty=False)
    subject = serializers.CharField(max_length=services.SUBJECT_MAX)
    message = serializers.CharField(max_length=services.MESSAGE_MAX, required=False, allow_blank=True)


class PDFRenderer(renderers.BaseRenderer):
    """Lets a client ask for `Accept: application/pdf`; an error answer stays JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, default=str).encode()


WORKFLOW_ACTIONS = {"new_version": "view", "submit": "change", "send": "change", "accept": "change",
                    "reject": "change", "pdf": "view"}


class QuoteViewSet(KedaoModelViewSet):
    queryset = Quote.objects.select_related("opportunity")
    serializer_class = QuoteSerializer
    filterset_class = f.QuoteFilterSet

    def permission_action(self):
        return WORKFLOW_ACTIONS.get(self.action) or super().permission_action()

    def _answer(self, quote, code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=quote.pk)
        response = Response(self.get_serializer(fresh).data, status=code)
        response["ETag"] = fresh.etag
        return response

    @extend_schema(request=None, responses={201: QuoteSerializer},
                   summary="Make a new draft version of the quote (its lines copied)")
    @action(detail=True, methods=["post"], url_path="new-version", filter_backends=[], pagination_class=None)
    def new_version(self, request, pk=None):
        return self._answer(services.quote_new_version(quote=self.get_object(), actor=request.user),
                            status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: QuoteSerializer},
                   summary="Submit a draft whose discount is above the threshold for approval")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def submit(self, request, pk=None):
        return self._answer(services.quote_submit(quote=self.get_object(), actor=request.user))

    @extend_schema(request=QuoteSendSerializer, responses={202: QuoteSerializer},
                   summary="E-mail the quote with its PDF; it is marked sent when the mail has gone")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def send(self, request, pk=None):
        quote = self.get_object()
        body = QuoteSendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.quote_send(quote=quote, actor=request.user, to=data["to"], subject=data["subject"],
                            message=data.get("message", ""))
        return self._answer(quote, status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: QuoteSerializer}, summary="The customer accepted the sent quote")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def accept(self, request, pk=None):
        return self._answer(services.quote_set_outcome(quote=self.get_object(), actor=request.user, accepted=True))

    @extend_schema(request=None, responses={200: QuoteSerializer}, summary="The customer rejected the sent quote")
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reject(self, request, pk=None):
        return self._answer(services.quote_set_outcome(quote=self.get_object(), actor=request.user, accepted=False))

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="The quote as a PDF (A4)")},
                   summary="The quote as a PDF", filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None,
            renderer_classes=[renderers.JSONRenderer, PDFRenderer])
    def pdf(self, request, pk=None):
        quote = self.get_object()
        response = HttpResponse(render_pdf(quote), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename(quote)}"'
        return response


class QuoteLineViewSet(KedaoModelViewSet):
    queryset = QuoteLine.objects.select_related("quote", "product")
    serializer_class = QuoteLineSerializer
    filterset_class = f.QuoteLineFilterSet


class QuoteDiscountThresholdViewSet(KedaoModelViewSet):
    queryset = QuoteDiscountThreshold.objects.select_related("product_line")
    serializer_class = QuoteDiscountThresholdSerializer
    filterset_class = f.QuoteDiscountThresholdFilterSet


def register_routes(router):
    router.register("quotes", QuoteViewSet)
    router.register("quote-lines", QuoteLineViewSet)
    router.register("quote-discount-thresholds", QuoteDiscountThresholdViewSet)
