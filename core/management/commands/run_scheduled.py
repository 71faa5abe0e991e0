"""Run the periodic jobs apps register (core.registry.register_scheduled_job).

django-tasks has no scheduler, so this command is the clock: run it from cron or a systemd timer
(`manage.py run_scheduled`, one round, docs/deployment.md), or keep it running beside the worker
(`manage.py run_scheduled --loop`, as scripts/demo.sh does). Each job also runs as a django-tasks
task when `--enqueue` is given, so the worker does the work and its log shows it.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.registry import scheduled_jobs


class Command(BaseCommand):
    help = "Run the registered periodic jobs once (or keep running them with --loop)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep running; each job at its own interval.")
        parser.add_argument("--job", action="append", default=[], help="Only these jobs (by key).")
        parser.add_argument("--tick", type=int, default=60, help="With --loop: seconds between checks.")

    def handle(self, *args, **options):
        jobs = scheduled_jobs()
        if options["job"]:
            known = {job.key for job in jobs}
            unknown = sorted(set(options["job"]) - known)
            if unknown:
                raise CommandError(f"Unknown job(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}")
            jobs = [job for job in jobs if job.key in options["job"]]
        if options["tick"] < 1:
            raise CommandError("--tick must be at least 1 second.")
        last_run = {}
        while True:
            for job in jobs:
                started = time.monotonic()
                if options["loop"] and job.key in last_run and started - last_run[job.key] < job.every:
                    continue
                last_run[job.key] = started
                try:
                    summary = job.run(timezone.now())
                except Exception as error:  # one failing job must not stop the others or the loop
                    self.stderr.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {job.key}: failed: {error!r}")
                    if not options["loop"]:
                        raise
                    continue
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {job.key}: {summary or 'done'}")
            if not options["loop"]:
                return
            time.sleep(options["tick"])
