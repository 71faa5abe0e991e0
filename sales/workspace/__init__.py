"""The deal workspace (issue 9, point 9; seed 003): documents and strategy notes on an
opportunity, and the opportunity page arranged in tabs (page.py)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def register():
    from core.registry import register_action, register_history_child, register_object_type, register_panel

    from ..models import Opportunity, OpportunityDocument, OpportunityNote
    from . import filtersets, panels

    register_object_type(OpportunityDocument, filterset=filtersets.OpportunityDocumentFilterSet)
    register_object_type(OpportunityNote, filterset=filtersets.OpportunityNoteFilterSet)
    register_history_child(Opportunity, OpportunityDocument, "opportunity")
    register_history_child(Opportunity, OpportunityNote, "opportunity")
    register_panel(Opportunity, _("Documents"), panels.documents_panel, order=40, key="documents")
    register_panel(Opportunity, _("Strategy notes"), panels.notes_panel, order=50, key="strategy-notes")
    register_action(OpportunityDocument, "download", _("Download"),
                    lambda document: reverse("sales:opportunitydocument_download", args=[document.pk]),
                    icon="download", permission="view", order=10)
