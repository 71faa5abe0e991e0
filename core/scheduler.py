"""The clock of periodic jobs: APScheduler queues each registered job (core.registry
.register_scheduled_job) as a task when it is due; the workers run it (docs/deployment.md).

Several app servers may each start `manage.py scheduler`: only the one holding the scheduler lock
fires, the others wait as standbys and take over when it stops. On PostgreSQL the lock is a
session advisory lock on a connection of its own (released by the server when the process dies,
however it dies); on SQLite, which lives on one machine, a lock on a file beside the database.
"""

import fcntl
import logging
import zlib
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from django.conf import settings
from django.db import connections

from core.registry import scheduled_jobs

logger = logging.getLogger(__name__)

# The advisory lock's key: any constant 64-bit number no other program on the database uses.
LOCK_KEY = zlib.crc32(b"kedao.scheduler")


class SchedulerLock:
    """`acquire()` → True when this process is now the one scheduler; `alive()` → still held."""

    def __init__(self, alias="default"):
        self.connection = connections[alias]
        self.raw = None
        self.file = None

    @property
    def postgres(self):
        return self.connection.vendor == "postgresql"

    def acquire(self):
        if self.postgres:
            if self.raw is None:
                # Not Django's connection: that one is closed and reopened at will; this one lives
                # as long as the lock must.
                self.raw = self.connection.get_new_connection(self.connection.get_connection_params())
                self.raw.autocommit = True
            with self.raw.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
                return bool(cursor.fetchone()[0])
        path = Path(str(self.connection.settings_dict["NAME"]) + ".scheduler.lock")
        if path.name.startswith(":memory:") or "mode=memory" in str(path):
            path = Path(settings.VAR_DIR) / "scheduler.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = self.file or open(path, "a+")  # noqa: SIM115 (held open with the lock)
        try:
            fcntl.flock(self.file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def alive(self):
        if not self.postgres:
            return self.file is not None
        try:
            with self.raw.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = %s AND pid = pg_backend_pid()",
                               [LOCK_KEY & 0xFFFFFFFF])
                return cursor.fetchone() is not None
        except Exception:  # the connection is gone, and the lock with it
            logger.exception("Scheduler lock connection lost")
            return False

    def release(self):
        if self.raw is not None:
            try:
                # Unlock explicitly: closing the connection frees the lock only once the server's
                # backend has exited, so a standby asking right after could still be refused.
                with self.raw.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock_all()")
            except Exception:  # the connection is gone, and the lock with it
                logger.info("Scheduler lock connection already closed")
            finally:
                try:
                    self.raw.close()
                finally:
                    self.raw = None
        if self.file is not None:
            try:
                fcntl.flock(self.file, fcntl.LOCK_UN)
                self.file.close()
            finally:
                self.file = None


def trigger_for(job):
    if job.cron:
        return CronTrigger.from_crontab(job.cron, timezone=settings.TIME_ZONE)
    return IntervalTrigger(seconds=job.every, timezone=settings.TIME_ZONE)


def fire(key):
    """Queue one round of `key` (in a scheduler thread: it opens and closes its own connection)."""
    from django.db import close_old_connections

    from core.tasks import enqueue_scheduled_job

    close_old_connections()
    try:
        result_id = enqueue_scheduled_job(key)
        logger.info("Scheduled job %s: %s", key, f"queued as {result_id}" if result_id else "still pending")
    finally:
        close_old_connections()


def build_scheduler(jobs=None, **options):
    """A BlockingScheduler with one entry per registered job. Coalesced, one at a time, and a round
    missed by less than its own interval (the scheduler was restarted) still runs once."""
    scheduler = BlockingScheduler(timezone=settings.TIME_ZONE, **options)
    for job in jobs if jobs is not None else scheduled_jobs():
        grace = max(60, min(job.every, 3600)) if not job.cron else 3600
        scheduler.add_job(fire, trigger_for(job), args=[job.key], id=job.key, name=str(job.label),
                          coalesce=True, max_instances=1, misfire_grace_time=grace, replace_existing=True)
    return scheduler
