"""Pages of the import pipeline: upload → map columns → preview → commit (background) → log."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import exports
from core.permissions import has_perm
from core.registry import get_importer

from . import engine
from .models import ExportJob, ImportJob, JobStatus
from .reading import ImportFileError, read_table


def _importer_or_404(key):
    importer = get_importer(key)
    if importer is None:
        raise Http404
    return importer


def _job(request, pk):
    # A job is its user's own: anybody else gets a 404 (no existence leak).
    return get_object_or_404(ImportJob, pk=pk, user=request.user)


def create_job(*, user, importer, upload):
    """A new job for an uploaded file, or ImportFileError (the job is not kept)."""
    job = ImportJob(user=user, object_type=importer.key, file_name=upload.name[:255], file_size=upload.size)
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else "bin"
    job.file.save(f"import-{user.pk}.{extension if extension.isalnum() else 'bin'}"[:60], upload, save=False)
    try:
        # The whole file, once: every cap and a bad file are refused now, not in the background.
        table = read_table(job.file.path, job.file_name)
    except ImportFileError:
        job.file.delete(save=False)
        raise
    job.headers = table.headers
    job.total_rows = len(table.rows)
    job.mapping = engine.guess_mapping(importer, table.headers, engine.saved_mapping(user, importer))
    job.match_key = importer.match_keys[0] if importer.match_keys else ""
    job.save()
    return job


def commit_job(job):
    from .tasks import run_import_task

    job.status, job.processed_rows = JobStatus.QUEUED, 0
    job.errors, job.message = [], ""
    job.save()
    run_import_task.enqueue(job.pk)


@login_required
def upload(request, object_type):
    importer = _importer_or_404(object_type)
    if not has_perm(request.user, importer.model, "add"):
        raise PermissionDenied
    error, status = None, 200
    if request.method == "POST":
        upload_file = request.FILES.get("file")
        if upload_file is None:
            error = _("Choose a file to import.")
        else:
            try:
                job = create_job(user=request.user, importer=importer, upload=upload_file)
                return HttpResponseRedirect(reverse("core:import_detail", kwargs={"pk": job.pk}))
            except ImportFileError as failure:
                error = str(failure)
        status = 400
    return render(request, "core/imports/upload.html", {
        "importer": importer, "model": importer.model, "error": error,
        "verbose_name_plural": importer.model._meta.verbose_name_plural,
        "list_url": reverse(importer.list_url) if importer.list_url else None,
        "caps": {name: engine_limit(name) for name in ("IMPORT_MAX_ROWS", "IMPORT_MAX_COLUMNS")},
        "max_mb": engine_limit("IMPORT_MAX_BYTES") // (1 << 20),
    }, status=status)


def engine_limit(name):
    from .reading import limit

    return limit(name)


def _mapping_from_post(request, job):
    return [request.POST.get(f"column-{index}", "") for index in range(len(job.headers))]


@login_required
def detail(request, pk):
    job = _job(request, pk)
    importer = _importer_or_404(job.object_type)
    errors, preview, status = {}, None, 200
    if request.method == "POST":
        if job.status != JobStatus.UPLOADED:
            return HttpResponseRedirect(request.path)
        mapping = _mapping_from_post(request, job)
        mode = request.POST.get("mode", ImportJob.Mode.CREATE)
        match_key = request.POST.get("match_key", "")
        errors = engine.clean_mapping(importer, job.headers, mapping, mode, match_key)
        job.mapping, job.mode, job.match_key = mapping, mode if mode in ImportJob.Mode.values else job.mode, match_key
        job.skip_bad_rows = request.POST.get("skip_bad_rows") == "on"
        if not errors:
            job.save(update_fields=["mapping", "mode", "match_key", "skip_bad_rows"])
            engine.save_mapping(request.user, importer, job.headers, mapping)
            if request.POST.get("action") == "commit":
                commit_job(job)
                return HttpResponseRedirect(request.path)
            try:
                preview = engine.preview(job, importer, request.user)
            except ImportFileError as failure:
                errors = {"file": [str(failure)]}
        if errors:
            status = 400
    context = {"job": job, "importer": importer, "model": importer.model, "errors": errors, "preview": preview,
               "verbose_name_plural": importer.model._meta.verbose_name_plural,
               "fields": engine.field_choices(importer), "modes": ImportJob.Mode.choices,
               "match_keys": [(name, importer.model._meta.get_field(name).verbose_name)
                              for name in importer.match_keys],
               "columns": [{"index": index, "header": header, "selected": job.mapping[index]
                            if index < len(job.mapping) else ""} for index, header in enumerate(job.headers)],
               "list_url": reverse(importer.list_url) if importer.list_url else None}
    if preview is not None:
        mapped = [(index, name) for index, name in enumerate(job.mapping) if name]
        context["preview_headers"] = [job.headers[index] for index, _name in mapped]
        context["preview_rows"] = [{"number": r.number, "action": r.action, "errors": r.errors,
                                    "duplicates": r.duplicates,
                                    "cells": [r.values.get(name, "") for _index, name in mapped]} for r in preview]
    return render(request, "core/imports/detail.html", context, status=status)


@login_required
def progress(request, pk):
    job = _job(request, pk)
    importer = _importer_or_404(job.object_type)
    return render(request, "core/imports/progress.html", {
        "job": job, "list_url": reverse(importer.list_url) if importer.list_url else None})


@login_required
def error_report(request, pk, export_format):
    job = _job(request, pk)
    if export_format not in exports.FORMATS:
        raise Http404
    return error_report_response(job, export_format)


def error_report_response(job, export_format):
    return exports.spreadsheet_response(
        export_format, _("import-errors-%(id)s") % {"id": job.pk},
        [_("Row"), _("Column"), _("Error")], ([row, column, message] for row, column, message in job.errors),
        sheet_title=_("Errors"))


@login_required
def job_list(request):
    jobs = ImportJob.objects.filter(user=request.user).order_by("-created_at")[:100]
    export_jobs = ExportJob.objects.filter(user=request.user).order_by("-created_at")[:50]
    return render(request, "core/imports/list.html", {"jobs": jobs, "export_jobs": export_jobs})


@login_required
@require_POST
def discard(request, pk):
    job = _job(request, pk)
    if job.status == JobStatus.UPLOADED:
        job.file.delete(save=False)
        job.delete()
    return HttpResponseRedirect(reverse("core:import_list"))


def _export_job(request, pk):
    return get_object_or_404(ExportJob, pk=pk, user=request.user)


@login_required
def export_detail(request, pk):
    job = _export_job(request, pk)
    template = "core/imports/export_progress.html" if request.htmx else "core/imports/export_detail.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request, pk):
    job = _export_job(request, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)
