"""API of the deal workspace's records: /api/sales/opportunity-documents/ and /opportunity-notes/.

A document is created by a multipart POST with the file (`file`) and the other fields; JSON
creates without a file are refused on `file`. Afterwards only title, kind and description change.
The file itself comes from `GET …/{id}/download/`, through the same scope check as the page.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import parsers, serializers
from rest_framework.decorators import action

from core.api.parsers import JSONParser, RequestTooLarge
from core.api.serializers import KedaoModelSerializer
from core.api.viewsets import KedaoModelViewSet
from core.files import human_size, max_document_bytes

from ..models import OpportunityDocument, OpportunityNote
from ..services.documents import opportunity_document_save
from ..workspace import filtersets
from ..workspace.views import body_too_large, document_download

BASE = KedaoModelSerializer.base_fields


class OpportunityDocumentSerializer(KedaoModelSerializer):
    file = serializers.FileField(write_only=True, max_length=255,
                                 help_text="The file (multipart/form-data); only on create.")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    download_url = serializers.SerializerMethodField()
    created_by_name = serializers.CharField(source="created_by", read_only=True, default="")

    save_service = staticmethod(opportunity_document_save)

    class Meta:
        model = OpportunityDocument
        fields = (*BASE, "opportunity", "file", "title", "kind", "kind_display", "description", "original_name",
                  "content_type", "size", "download_url", "created_by_name")
        read_only_fields = ("original_name", "content_type", "size")
        related_actions = {"opportunity": "change"}

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple) and \
                getattr(self.instance, "pk", None):
            fields["file"].read_only = True  # a stored document keeps its file
        return fields

    def get_download_url(self, obj) -> str:
        return reverse("sales:opportunitydocument_download", args=[obj.pk])


class OpportunityNoteSerializer(KedaoModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    created_by_name = serializers.CharField(source="created_by", read_only=True, default="")

    class Meta:
        model = OpportunityNote
        fields = (*BASE, "opportunity", "kind", "kind_display", "title", "body", "created_by_name")
        related_actions = {"opportunity": "change"}


class OpportunityDocumentViewSet(KedaoModelViewSet):
    queryset = OpportunityDocument.objects.select_related("opportunity", "created_by")
    serializer_class = OpportunityDocumentSerializer
    filterset_class = filtersets.OpportunityDocumentFilterSet
    parser_classes = [JSONParser, parsers.MultiPartParser]

    def create(self, request, *args, **kwargs):
        if body_too_large(request):
            raise RequestTooLarge(_("At most %(max)s may be uploaded.") % {"max": human_size(max_document_bytes())})
        return super().create(request, *args, **kwargs)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(description="The file.")})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The document's file, as an attachment (the same check as the page's download)."""
        return document_download(request._request, pk)


class OpportunityNoteViewSet(KedaoModelViewSet):
    queryset = OpportunityNote.objects.select_related("opportunity", "created_by")
    serializer_class = OpportunityNoteSerializer
    filterset_class = filtersets.OpportunityNoteFilterSet
