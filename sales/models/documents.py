"""The deal workspace's own records (seed 003, 项目型销售): documents and strategy notes.

Both follow their opportunity (scope kind "parent"): whoever may see the deal sees them, so
product-line isolation and the deal team apply to them without a rule of their own.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.files import check_upload, get_private_storage, human_size, private_name, safe_filename
from core.models import KedaoModel

from .opportunities import Opportunity


class LabelledProperty(property):
    """A computed value with a label, for detail pages and highlights (core.views.generic)."""

    def __init__(self, fget, label):
        super().__init__(fget)
        self.short_description = label


class DocumentKind(models.TextChoices):
    PROPOSAL = "proposal", _("Proposal")
    TECHNICAL = "technical", _("Technical document")
    TENDER = "tender", _("Tender document")
    QUOTE = "quote", _("Quote")
    CONTRACT = "contract", _("Contract draft")
    MINUTES = "minutes", _("Meeting minutes")
    DRAWING = "drawing", _("Drawing")
    OTHER = "other", _("Other")


def document_path(instance, filename):
    # The uploader's name is never part of the path (see core.files.private_name).
    return private_name(f"opportunities/{instance.opportunity_id}", instance.checked_extension or "bin")


class OpportunityDocument(KedaoModel):
    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.PROTECT,
                                    related_name="documents")
    file = models.FileField(_("file"), upload_to=document_path, storage=get_private_storage, max_length=255)
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200, blank=True,
                             help_text=_("Empty: the file's name."))
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    description = models.TextField(_("description"), blank=True)
    # Set from the upload (clean()), never typed: the name it is downloaded as, the type it was
    # checked to be, its size.
    original_name = models.CharField(_("file name"), max_length=200, editable=False)
    content_type = models.CharField(_("content type"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("size"), default=0, editable=False)

    scope_kind = "parent"
    scope_parent = "opportunity"
    # The stored path is random and says nothing; the history shows the file name instead.
    audit_exclude = (*KedaoModel.audit_exclude, "file")
    checked_extension = ""

    class Meta:
        verbose_name = _("opportunity document")
        verbose_name_plural = _("opportunity documents")
        ordering = ("opportunity", "-created_at", "-pk")
        indexes = [models.Index(fields=["opportunity", "-created_at"], name="sales_oppdoc_opp_created")]

    def __str__(self):
        return self.title or self.original_name or _("document")

    def clean(self):
        self.title = " ".join((self.title or "").split())
        self.take_upload()

    def take_upload(self):
        """Check a new file by its content (core.files.check_upload) and keep what the download
        needs: the cleaned file name, the checked type, the size. Nothing for a stored file."""
        upload = self.file
        if not upload or getattr(upload, "_committed", True):
            return
        try:
            self.checked_extension, self.content_type = check_upload(upload.file)
        except ValidationError as error:
            raise ValidationError({"file": error.messages}) from None
        self.original_name = safe_filename(upload.name)
        self.size = upload.size
        if not self.title:
            self.title = self.original_name.rsplit(".", 1)[0] if "." in self.original_name else self.original_name

    size_display = LabelledProperty(lambda self: human_size(self.size), _("size"))


class NoteKind(models.TextChoices):
    STRATEGY = "strategy", _("Strategy")
    DECISION = "decision", _("Decision process")
    COMPETITION = "competition", _("Competition")
    RISK = "risk", _("Risk")
    PLAN = "plan", _("Action plan")
    OTHER = "other", _("Other")


class OpportunityNote(KedaoModel):
    """A strategy note on a deal (策略): how to win it, who decides, the risks, the plan. Dated,
    by author, so the thinking of the team over a long sale stays readable."""

    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.PROTECT,
                                    related_name="notes")
    kind = models.CharField(_("kind"), max_length=20, choices=NoteKind.choices, default=NoteKind.STRATEGY)
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    body = models.TextField(_("text"), blank=True)

    scope_kind = "parent"
    scope_parent = "opportunity"

    class Meta:
        verbose_name = _("strategy note")
        verbose_name_plural = _("strategy notes")
        ordering = ("opportunity", "-created_at", "-pk")
        indexes = [models.Index(fields=["opportunity", "-created_at"], name="sales_oppnote_opp_created")]

    def __str__(self):
        return self.title

    def clean(self):
        self.title = " ".join((self.title or "").split())
