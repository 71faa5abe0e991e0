"""Background tasks (django-tasks): an import's commit and a large export run in the worker, so that
no request waits for them (`manage.py db_worker` runs the queue; docs/deployment.md)."""

from core.tasks import kedao_task


@kedao_task()
def run_import_task(job_id):
    from core.registry import get_importer

    from .engine import _fail, run_import
    from .models import ImportJob, JobStatus

    job = ImportJob.objects.select_related("user").get(pk=job_id)
    if job.status not in (JobStatus.QUEUED,):
        return job.status
    importer = get_importer(job.object_type)
    if importer is None:
        _fail(job, "unknown object type")
        return job.status
    return run_import(job, importer).status


@kedao_task()
def run_export_task(job_id):
    from .exporting import run_export
    from .models import ExportJob

    job = ExportJob.objects.select_related("user").get(pk=job_id)
    return run_export(job).status
