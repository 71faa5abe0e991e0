"""`manage.py run_worker`: django-tasks-db's `db_worker`, with Kedao's two additions (core/tasks.py):
a worker id that says where the worker runs (host:pid:…), so that a worker started later on the
same host recognises the results of one that died; and, before it takes its first task, the
recovery of results left "running" by dead workers. Same options as db_worker."""

from django_tasks_db.management.commands import db_worker

from core.tasks import tasks_recover, worker_id


class Command(db_worker.Command):
    help = "Run a background worker (db_worker that recovers the work of dead workers first)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker_id())

    def handle(self, *args, **options):
        requeued, failed = tasks_recover()
        if requeued or failed:
            self.stdout.write(f"Recovered from stopped workers: {requeued} tasks queued again, {failed} failed.")
        return super().handle(*args, **options)
