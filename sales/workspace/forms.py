from django import forms
from django.utils.translation import gettext_lazy as _

from core.files import allowed_extensions, human_size, max_document_bytes
from core.forms import KedaoModelForm
from core.widgets import AutocompleteSelect

from ..models import OpportunityDocument, OpportunityNote


def upload_help():
    return _("At most %(max)s; %(types)s.") % {"max": human_size(max_document_bytes()),
                                                 "types": ", ".join(allowed_extensions())}


def file_input():
    return forms.FileInput(attrs={"accept": ",".join(f".{e}" for e in allowed_extensions())})


class OpportunityDocumentForm(KedaoModelForm):
    """Upload on create; afterwards only the title, kind and description change (a new version of
    the file is a new document, so what the team discussed stays downloadable)."""

    class Meta:
        model = OpportunityDocument
        fields = ("opportunity", "file", "kind", "title", "description")
        widgets = {"opportunity": AutocompleteSelect("sales.opportunity", action="change"),
                   "description": forms.Textarea(attrs={"rows": 3})}
        related_actions = {"opportunity": "change"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["file"]
        else:
            self.fields["file"].widget = file_input()
            self.fields["file"].widget.attrs["class"] = "form-control"
            self.fields["file"].help_text = upload_help()


class OpportunityNoteForm(KedaoModelForm):
    class Meta:
        model = OpportunityNote
        fields = ("opportunity", "kind", "title", "body")
        widgets = {"opportunity": AutocompleteSelect("sales.opportunity", action="change"),
                   "body": forms.Textarea(attrs={"rows": 8})}
        related_actions = {"opportunity": "change"}
