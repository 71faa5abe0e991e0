"""Import and background-export jobs: one row per upload or export, its progress and its log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One import: the uploaded file, the mapping and options chosen, progress and counts.
    The log of imports is the list of these rows (who, when, which file, what happened)."""

    class Mode(models.TextChoices):
        CREATE = "create", _("Create new records only")
        UPSERT = "upsert", _("Create, or update the record with the same key")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
                             related_name="+")
    object_type = models.CharField(_("object type"), max_length=100)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size"), default=0)
    headers = models.JSONField(_("columns"), default=list, blank=True)
    mapping = models.JSONField(_("mapping"), default=list, blank=True)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.CREATE)
    match_key = models.CharField(_("match by"), max_length=50, blank=True)
    skip_bad_rows = models.BooleanField(_("skip bad rows"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.UPLOADED)
    phase = models.CharField(_("phase"), max_length=20, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    duplicate_count = models.PositiveIntegerField(_("possible duplicates"), default=0)
    # [[row number, column, message], …]: the error report (capped, see core.imports.engine).
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["user", "-created_at"], name="importjob_user_created")]

    def __str__(self):
        return self.file_name

    @property
    def finished(self):
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self):
        if self.status == JobStatus.DONE:
            return 100
        if not self.total_rows:
            return 0
        # Checking the rows is most of the work; writing them is the last fifth.
        share = self.processed_rows / self.total_rows
        return int(share * 80) if self.phase != "writing" else 90


class ImportMapping(models.Model):
    """The columns a user mapped last time for one object type: header text → field."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    object_type = models.CharField(max_length=100)
    columns = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        constraints = [models.UniqueConstraint(fields=["user", "object_type"], name="importmapping_unique")]

    def __str__(self):
        return f"{self.user} · {self.object_type}"


class ExportJob(models.Model):
    """A large export running in the background; its file is downloadable by its user only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
                             related_name="+")
    object_type = models.CharField(_("object type"), max_length=100)
    export_format = models.CharField(_("format"), max_length=10)
    query = models.TextField(_("filters"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ("-created_at", "-id")

    def __str__(self):
        return self.file_name or str(self.pk)

    @property
    def finished(self):
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self):
        if self.status == JobStatus.DONE:
            return 100
        return int(self.processed_rows * 95 / self.total_rows) if self.total_rows else 0
