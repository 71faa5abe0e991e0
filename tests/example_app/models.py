from django.db import models
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager

from core.models import ScopedModel
from core.search import SearchKeyModel


class Stage(models.TextChoices):
    PLANNING = "planning", _("Planning")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")


class Project(ScopedModel, SearchKeyModel):
    """A delivery project for a customer: scoped (owner and org unit), with a customer (a scoped
    object of another app) and a sponsor (an employee)."""

    # The name as written, in pinyin and as initials, in one indexed column (core.search).
    search_text_fields = ("name",)
    picker_detail_fields = ("customer",)

    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="example_projects")
    sponsor = models.ForeignKey("org.Employee", verbose_name=_("sponsor"), on_delete=models.PROTECT,
                                related_name="+", null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.PLANNING)
    budget = models.DecimalField(_("budget"), max_digits=12, decimal_places=2, null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = TaggableManager(_("tags"), blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ("-updated_at",)
        indexes = [
            models.Index(fields=["owner", "-updated_at"], name="example_project_owner_upd"),
            models.Index(fields=["org_unit", "-updated_at"], name="example_project_unit_upd"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.name = " ".join((self.name or "").split())
