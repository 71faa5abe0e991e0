"""The workspace's own panels on the opportunity page: documents and strategy notes. Both are
loaded lazily in their tab, scoped with visible_to like every panel."""

from django.template.loader import render_to_string

from core.permissions import has_perm

from ..models import Opportunity, OpportunityDocument, OpportunityNote
from .forms import OpportunityDocumentForm, upload_help

LIMIT = 100


def may_add(request, model, opportunity):
    """Adding to a deal needs the grant on the part and the right to change the deal itself."""
    return has_perm(request.user, model, "add") and \
        Opportunity.objects.visible_to(request.user, "change").filter(pk=opportunity.pk).exists()


def documents_panel(request, opportunity):
    if not has_perm(request.user, OpportunityDocument, "view"):
        return None
    rows = list(OpportunityDocument.objects.visible_to(request.user, "view").filter(opportunity=opportunity)
                .select_related("created_by").order_by("-created_at", "-pk")[:LIMIT])
    can_add = may_add(request, OpportunityDocument, opportunity)
    form = OpportunityDocumentForm(user=request.user, initial={"opportunity": opportunity}) if can_add else None
    return render_to_string("sales/workspace/documents.html", {
        "rows": rows, "opportunity": opportunity, "can_add": can_add, "form": form, "upload_help": upload_help(),
        "return_url": f"{opportunity.get_absolute_url()}#tab-documents",
    }, request=request)


def notes_panel(request, opportunity):
    if not has_perm(request.user, OpportunityNote, "view"):
        return None
    rows = list(OpportunityNote.objects.visible_to(request.user, "view").filter(opportunity=opportunity)
                .select_related("created_by").order_by("-created_at", "-pk")[:LIMIT])
    return render_to_string("sales/workspace/notes.html", {
        "rows": rows, "opportunity": opportunity, "can_add": may_add(request, OpportunityNote, opportunity),
        "return_url": f"{opportunity.get_absolute_url()}#tab-strategy",
    }, request=request)
