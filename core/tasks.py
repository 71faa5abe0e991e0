"""Kedao's background tasks: retries with back-off, recovery of work lost with a worker, the
scheduled jobs run as tasks (docs/deployment.md).

django-tasks (database backend, `manage.py run_worker`) runs each queued result once and records
it as succeeded or failed; it neither retries nor notices a worker that died. This module adds both:

- `@kedao_task()` instead of `@task()`: when the function raises, the next attempt is queued with
  `run_after` (back-off with jitter, KEDAO["TASK_RETRY_DELAY"] × TASK_RETRY_FACTOR^n) and this attempt
  is recorded as failed with `RetryScheduled` (its traceback holds the real error). After
  KEDAO["TASK_ATTEMPTS"] attempts the error itself is recorded: failed for good, listed on the
  failed-tasks page (core/views/tasks.py) until an administrator retries it.
  The attempt number and the attempt it follows travel in the task's kwargs (`kedao_attempt`,
  `kedao_retry_of`), so a retry is a plain queued row: not lost if a worker dies, and never queued
  twice (a second enqueue for the same attempt finds the first).
- `tasks_recover()`: a result left "running" by a worker that is gone (killed, machine lost) is
  queued again — or failed for good once it has taken down TASK_ATTEMPTS workers. Run when a worker
  starts and as the scheduled job `core.tasks_recover`. Tasks must therefore be idempotent where
  they write (notifications.tasks marks each mail sent in the transaction that sends it).
"""

import datetime
import json
import logging
import os
import random
import socket

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task as django_task
from django_tasks.base import Task

logger = logging.getLogger(__name__)

ATTEMPT = "kedao_attempt"
RETRY_OF = "kedao_retry_of"
# Keys a retry adds to the kwargs; the task function never sees them.
CONTROL_KEYS = (ATTEMPT, RETRY_OF)


class RetryScheduled(Exception):  # noqa: N818 (a state, not an error of ours)
    """Recorded on an attempt that failed while another attempt was queued: not failed for good."""


class WorkerLost(Exception):  # noqa: N818
    """Recorded on a task whose workers died under it TASK_ATTEMPTS times."""


RETRY_SCHEDULED_PATH = f"{RetryScheduled.__module__}.{RetryScheduled.__qualname__}"


def _config(name):
    return settings.KEDAO[name]


def retry_delay(attempt, *, base=None, factor=None, jitter=0.2, rng=random):
    """Seconds to wait before attempt `attempt + 1` after attempt `attempt` failed: base × factor^(n-1),
    give or take `jitter` (so that tasks failing together do not all come back at once)."""
    base = _config("TASK_RETRY_DELAY") if base is None else base
    factor = _config("TASK_RETRY_FACTOR") if factor is None else factor
    delay = base * factor ** (attempt - 1)
    return max(0.0, delay * (1 + rng.uniform(-jitter, jitter)))


def _db_backend(backend):
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(backend, DatabaseBackend)


def _retry_queued(result_id):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(**{f"args_kwargs__kwargs__{RETRY_OF}": str(result_id)}).exists()


def kedao_task(function=None, *, attempts=None, **options):
    """`@task()` with retries: `@kedao_task()` or `@kedao_task(attempts=5, priority=…)`."""

    def decorate(func):
        def run(context, *args, **kwargs):
            attempt = int(kwargs.pop(ATTEMPT, 1) or 1)
            kwargs.pop(RETRY_OF, None)
            try:
                return func(*args, **kwargs)
            except Exception as error:
                limit = attempts or _config("TASK_ATTEMPTS")
                current = context.task_result
                backend = current.task.get_backend()
                # Retries need a queue that can wait (run_after): the database backend. The
                # immediate backend of some tests records the failure as it is.
                if attempt >= limit or not backend.supports_defer:
                    raise
                if _db_backend(backend) and _retry_queued(current.id):
                    # A recovered run of an attempt that had already queued its successor.
                    raise RetryScheduled(f"attempt {attempt} of {limit} failed; the next was queued already") from error
                wait = retry_delay(attempt)
                current.task.using(run_after=timezone.now() + datetime.timedelta(seconds=wait)).enqueue(
                    *args, **kwargs, **{ATTEMPT: attempt + 1, RETRY_OF: str(current.id)})
                logger.warning("Task %s failed (attempt %s of %s), retrying in %.0f s: %r",
                               current.task.module_path, attempt, limit, wait, error)
                raise RetryScheduled(f"attempt {attempt} of {limit} failed; retrying in {wait:.0f} s") from error

        # The worker imports the task by the function's module path: the wrapper takes its name.
        # Not functools.wraps: django-tasks reads the signature, which must start with `context`.
        run.__module__, run.__name__, run.__qualname__ = func.__module__, func.__name__, func.__qualname__
        run.__doc__ = func.__doc__
        run.kedao_function = func
        return django_task(run, takes_context=True, **options)

    return decorate(function) if function is not None else decorate


# --- the failed-tasks page -----------------------------------------------------------------------


def failed_results():
    """Results failed for good: not an attempt followed by a retry, not retried by an administrator
    (an administrator's retry writes the new result's id into the old one's empty return value)."""
    from django_tasks_db.models import DBTaskResult

    return (DBTaskResult.objects.failed().exclude(exception_class_path=RETRY_SCHEDULED_PATH)
            .filter(return_value__isnull=True).order_by("-finished_at"))


def attempt_of(result):
    return int((result.args_kwargs.get("kwargs") or {}).get(ATTEMPT) or 1)


def arguments_summary(result, limit=200):
    kwargs = {k: v for k, v in (result.args_kwargs.get("kwargs") or {}).items() if k not in CONTROL_KEYS}
    parts = [json.dumps(arg, ensure_ascii=False, default=str) for arg in result.args_kwargs.get("args") or ()]
    parts += [f"{k}={json.dumps(v, ensure_ascii=False, default=str)}" for k, v in kwargs.items()]
    text = ", ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def task_result_retry(*, result_id, actor):
    """Queue a failed-for-good task again, from its first attempt; the failed row leaves the list.
    Returns the new result's id, or None when the row is not (or no longer) failed for good."""
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        row = failed_results().select_for_update().filter(pk=result_id).first()
        if row is None:
            return None
        task = import_string(row.task_path)
        if not isinstance(task, Task):
            return None
        kwargs = {k: v for k, v in (row.args_kwargs.get("kwargs") or {}).items() if k not in CONTROL_KEYS}
        new = task.using(queue_name=row.queue_name, backend=row.backend_name, priority=row.priority).enqueue(
            *(row.args_kwargs.get("args") or ()), **kwargs)
        DBTaskResult.objects.filter(pk=row.pk).update(
            return_value={"retried_as": str(new.id), "by": actor.pk, "at": timezone.now().isoformat()})
    logger.info("Task %s (%s) retried by %s as %s", row.task_path, row.pk, actor, new.id)
    return str(new.id)


# --- workers that die ----------------------------------------------------------------------------


def worker_id():
    """host:pid:random — unique, and it tells `tasks_recover` on the same host whether the worker lives."""
    from django.utils.crypto import get_random_string

    return f"{socket.gethostname()[:40]}:{os.getpid()}:{get_random_string(8)}"


def _worker_gone(worker):
    host, _sep, rest = (worker or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:40] or not pid.isdigit():
        return False  # another machine's worker (or a foreign id): only the timeout decides
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def tasks_recover(*, now=None, stale_after=None):
    """Results "running" whose worker is gone (a dead process on this host) or that started more
    than TASK_STALE_AFTER seconds ago: queued again; failed for good (WorkerLost) after their
    workers died TASK_ATTEMPTS times; recorded as RetryScheduled when they had queued their retry
    already. Each row changes only if it is still the run we looked at (a finishing worker wins).
    Returns (requeued, failed)."""
    from django_tasks_db.models import DBTaskResult, TaskResultStatus

    now = now or timezone.now()
    stale_after = _config("TASK_STALE_AFTER") if stale_after is None else stale_after
    cutoff = now - datetime.timedelta(seconds=stale_after)
    requeued = failed = 0
    for row in DBTaskResult.objects.running().only("id", "started_at", "worker_ids", "task_path"):
        last = row.worker_ids[-1] if row.worker_ids else ""
        if not (_worker_gone(last) or (row.started_at and row.started_at < cutoff)):
            continue
        same_run = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at)
        if _retry_queued(row.pk):
            changed = same_run.update(status=TaskResultStatus.FAILED, finished_at=now,
                                      exception_class_path=RETRY_SCHEDULED_PATH,
                                      traceback="The worker stopped after queueing the next attempt.\n")
            failed += changed
        elif len(row.worker_ids) >= _config("TASK_ATTEMPTS"):
            changed = same_run.update(status=TaskResultStatus.FAILED, finished_at=now,
                                      exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                                      traceback=f"Its worker stopped under it {len(row.worker_ids)} times "
                                                f"({', '.join(row.worker_ids)}).\n")
            failed += changed
        else:
            changed = same_run.update(status=TaskResultStatus.READY, started_at=None)
            requeued += changed
        if changed:
            logger.warning("Task %s (%s) lost its worker %s; recovered", row.task_path, row.pk, last)
    return requeued, failed


def run_recover_job(now):
    requeued, failed = tasks_recover(now=now)
    return f"{requeued} tasks queued again, {failed} failed for good"


# --- scheduled jobs as tasks (manage.py scheduler) -----------------------------------------------


@kedao_task()
def run_scheduled_job(key):
    """One round of the scheduled job `key` (core.registry.register_scheduled_job), in the worker."""
    from core.registry import get_scheduled_job

    job = get_scheduled_job(key)
    if job is None:
        return f"unknown job {key}"
    return job.run(timezone.now())


def scheduled_job_pending(key):
    """A round of `key` is queued or running: the scheduler does not pile another on top of it."""
    from django_tasks_db.models import DBTaskResult, TaskResultStatus

    return DBTaskResult.objects.filter(
        task_path=run_scheduled_job.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
        args_kwargs__args__0=key,
    ).exists()


def enqueue_scheduled_job(key):
    """Called by the scheduler when `key` is due. Returns the result id, or None when one is pending."""
    backend = run_scheduled_job.get_backend()
    if _db_backend(backend) and scheduled_job_pending(key):
        logger.info("Scheduled job %s still pending: not queued again", key)
        return None
    return run_scheduled_job.enqueue(key).id
