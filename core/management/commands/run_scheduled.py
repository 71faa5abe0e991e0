"""Run the periodic jobs apps register (core.registry.register_scheduled_job) once, now.

The clock is `manage.py scheduler` (APScheduler, core/scheduler.py). This command is the fallback
for a host that prefers cron or a systemd timer (`manage.py run_scheduled`, one round of every job,
or `--job KEY` for some), and a way to run one job by hand.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.registry import scheduled_jobs


class Command(BaseCommand):
    help = "Run the registered periodic jobs once."

    def add_arguments(self, parser):
        parser.add_argument("--job", action="append", default=[], help="Only these jobs (by key).")

    def handle(self, *args, **options):
        jobs = scheduled_jobs()
        if options["job"]:
            known = {job.key for job in jobs}
            unknown = sorted(set(options["job"]) - known)
            if unknown:
                raise CommandError(f"Unknown job(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}")
            jobs = [job for job in jobs if job.key in options["job"]]
        for job in jobs:
            summary = job.run(timezone.now())
            self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {job.key}: {summary or 'done'}")
