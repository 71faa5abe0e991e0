"""Pages of the deal workspace's records: documents (upload, download) and strategy notes."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from core.files import attachment_response, max_document_bytes
from core.limits import too_large_response
from core.permissions import has_perm
from core.views.generic import ObjectEditView, object_views

from ..models import OpportunityDocument, OpportunityNote
from ..services.documents import opportunity_document_save
from . import filtersets, forms, tables

# What a multipart body carries besides the file (boundaries, the other fields): a body larger than
# the limit plus this is refused before it is read.
MULTIPART_SLACK = 256 * 1024


def body_too_large(request):
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_document_bytes() + MULTIPART_SLACK


class OpportunityDocumentEditView(ObjectEditView):
    """The generic add/edit page; a body far beyond the limit is answered 413 before Django
    spools it to disk (a file just over the limit gets the message beside the field)."""

    def post(self, request, pk=None):
        if body_too_large(request):
            self.get_instance()  # 403/404 first, as for any post
            return too_large_response(request, max_document_bytes() + MULTIPART_SLACK)
        return super().post(request, pk)


document = object_views(
    OpportunityDocument,
    queryset=OpportunityDocument.objects.select_related("opportunity", "created_by", "updated_by"),
    filterset=filtersets.OpportunityDocumentFilterSet, table=tables.OpportunityDocumentTable,
    form=forms.OpportunityDocumentForm, save_service=opportunity_document_save,
    detail_fields=("opportunity", "title", "kind", "description", "original_name", "size_display", "content_type",
                   "created_by", "created_at"),
    highlights=("opportunity", "kind", "original_name", "size_display"))
document["edit"] = type("OpportunityDocumentEditView", (OpportunityDocumentEditView,), {
    "__module__": __name__, "queryset": OpportunityDocument.objects.all(),
    "form_class": forms.OpportunityDocumentForm, "save_service": staticmethod(opportunity_document_save)})

note = object_views(
    OpportunityNote, queryset=OpportunityNote.objects.select_related("opportunity", "created_by", "updated_by"),
    filterset=filtersets.OpportunityNoteFilterSet, table=tables.OpportunityNoteTable,
    form=forms.OpportunityNoteForm, detail_fields=("opportunity", "kind", "title", "body", "created_by"),
    highlights=("opportunity", "kind", "created_by"))


@login_required
def document_download(request, pk):
    """The file of a document the reader may see: 403 without the grant, 404 outside the scope
    (the deal's: product-line isolation and the deal team apply), 404 when in the recycle bin."""
    if not has_perm(request.user, OpportunityDocument, "view"):
        raise PermissionDenied
    document = OpportunityDocument.objects.visible_to(request.user, "view").filter(pk=pk).first()
    if document is None or not document.file:
        raise Http404
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return attachment_response(handle, filename=document.original_name or str(document),
                               content_type=document.content_type)

