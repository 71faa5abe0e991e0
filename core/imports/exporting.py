"""Exports of more than KEDAO["EXPORT_BACKGROUND_ROWS"] rows run in the background.

The request only counts (bounded) and records what to export: the list, its filters and the
format. The worker runs the same list view's `export_rows()` for the same user, so the rows are
those the user may export at the time the file is made (their scope, evaluated in the task), and
writes the file through core.exports (every text cell neutralised). Only that user may download it.
"""

from django.core.files.base import ContentFile
from django.http import HttpResponseRedirect
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import exports
from core.registry import get_object_type

from .models import ExportJob, JobStatus
from .reading import limit


def export_in_background(request, model, rows, export_format):
    """A redirect to a new export job when `rows` are more than the threshold, else None."""
    threshold = limit("EXPORT_BACKGROUND_ROWS")
    if rows.order_by()[: threshold + 1].count() <= threshold:
        return None
    from .tasks import run_export_task

    query = request.GET.copy()
    query.pop("export", None)
    total = min(rows.order_by()[: exports.EXPORT_ROW_LIMIT].count(), exports.EXPORT_ROW_LIMIT)
    job = ExportJob.objects.create(user=request.user, object_type=model._meta.label_lower,
                                   export_format=export_format, query=query.urlencode(), total_rows=total)
    run_export_task.enqueue(job.pk)
    return HttpResponseRedirect(reverse("core:export_detail", kwargs={"pk": job.pk}))


def run_export(job):
    job.status = JobStatus.RUNNING
    job.save(update_fields=["status"])
    try:
        object_type = get_object_type(job.object_type)
        list_url = object_type.url("list") if object_type else None
        if not list_url:
            raise LookupError(job.object_type)
        request = RequestFactory().get(list_url + ("?" + job.query if job.query else ""))
        request.user = job.user
        request.htmx = False
        view = resolve(list_url).func.view_class()
        view.setup(request)
        from core.permissions import has_perm

        if not has_perm(job.user, view.model, "export"):
            raise PermissionError(_("You may no longer export this list."))
        rows = view.export_rows(request)
        if rows is None:
            raise ValueError(_("The filters are no longer valid."))

        def progress(count):
            ExportJob.objects.filter(pk=job.pk).update(processed_rows=count)

        response = exports.export_response(request, rows, view.table_class, job.export_format,
                                           view.model._meta.verbose_name_plural, progress=progress)
        if response.streaming:
            content = b"".join(response.streaming_content)
        else:
            content = response.content
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"{view.model._meta.verbose_name_plural}-{stamp}.{job.export_format}"
        job.file.save(f"export-{job.pk}.{job.export_format}", ContentFile(content), save=False)
        job.file_name = name
        job.status, job.finished_at = JobStatus.DONE, timezone.now()
        job.processed_rows = job.total_rows
        job.save()
    except Exception as error:  # the job says what went wrong; the worker goes on
        job.status, job.finished_at = JobStatus.FAILED, timezone.now()
        job.message = str(error) if isinstance(error, PermissionError | ValueError) else \
            _("The export failed; try again or narrow the filters.")
        job.save()
    return job
