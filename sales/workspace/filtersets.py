import django_filters
from django.utils.translation import gettext_lazy as _

from ..filtersets import _OpportunityChildFilterSet
from ..models import DocumentKind, NoteKind, OpportunityDocument, OpportunityNote


class OpportunityDocumentFilterSet(_OpportunityChildFilterSet):
    search_fields = ("opportunity__search_key", "title", "original_name")
    ordering_fields = ("title", "kind", "size", "created_at", "updated_at")

    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices, label=_("Kind"))

    class Meta:
        model = OpportunityDocument
        fields = ["opportunity", "kind"]


class OpportunityNoteFilterSet(_OpportunityChildFilterSet):
    search_fields = ("opportunity__search_key", "title", "body")
    ordering_fields = ("title", "kind", "created_at", "updated_at")

    kind = django_filters.ChoiceFilter(choices=NoteKind.choices, label=_("Kind"))

    class Meta:
        model = OpportunityNote
        fields = ["opportunity", "kind"]
