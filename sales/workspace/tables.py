import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import DateTimeColumn, KedaoTable

from ..models import OpportunityDocument, OpportunityNote


class OpportunityDocumentTable(KedaoTable):
    opportunity = tables.Column(linkify=True, orderable=False)
    title = tables.Column(linkify=True)
    size = tables.Column(verbose_name=_("size"), accessor="size_display", order_by=("size",))
    created_by = tables.Column(verbose_name=_("uploaded by"), orderable=False)
    created_at = DateTimeColumn(verbose_name=_("uploaded at"), format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = OpportunityDocument
        fields = ("pk", "opportunity", "title", "kind", "original_name", "size", "created_by", "created_at")

    default_hidden = ("original_name",)


class OpportunityNoteTable(KedaoTable):
    opportunity = tables.Column(linkify=True, orderable=False)
    title = tables.Column(linkify=True)
    created_by = tables.Column(verbose_name=_("author"), orderable=False)
    updated_at = DateTimeColumn(format="Y-m-d H:i")

    class Meta(KedaoTable.Meta):
        model = OpportunityNote
        fields = ("pk", "opportunity", "title", "kind", "created_by", "updated_at")
