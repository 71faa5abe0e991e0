"""Run the clock of periodic jobs (core/scheduler.py): `manage.py scheduler`, one per app server.

Only the process holding the scheduler lock fires; the others wait and take over when it stops.
Each due job is queued as a task for the workers (`manage.py run_worker`)."""

import signal
import time

from apscheduler.triggers.interval import IntervalTrigger
from django.core.management.base import BaseCommand

from core.registry import scheduled_jobs
from core.scheduler import SchedulerLock, build_scheduler


class Command(BaseCommand):
    help = "Queue the registered periodic jobs when due (one active scheduler, the others on standby)."

    def add_arguments(self, parser):
        parser.add_argument("--standby-interval", type=float, default=15,
                            help="Seconds between tries to take the lock while another scheduler holds it.")
        parser.add_argument("--no-wait", action="store_true",
                            help="Exit at once when another scheduler holds the lock.")

    def handle(self, *args, **options):
        lock = SchedulerLock()
        announced = False
        while not lock.acquire():
            if options["no_wait"]:
                self.stderr.write("Another scheduler is running; exiting.")
                return
            if not announced:
                self.stdout.write("Another scheduler is running; waiting on standby.")
                announced = True
            time.sleep(options["standby_interval"])
        scheduler = build_scheduler()

        def check_lock():
            if not lock.alive():
                # Without the lock another scheduler may fire: stop, and let systemd restart us.
                self.stderr.write("The scheduler lock was lost; stopping.")
                scheduler.shutdown(wait=False)

        scheduler.add_job(check_lock, IntervalTrigger(seconds=30), id="kedao.scheduler.lock", max_instances=1)

        def stop(signum, frame):
            raise KeyboardInterrupt(signal.strsignal(signum))

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for job in scheduled_jobs():
            when = f"cron {job.cron}" if job.cron else f"every {job.every} s"
            self.stdout.write(f"{job.key}: {when}")
        self.stdout.write(self.style.SUCCESS("Scheduler started."))
        try:
            scheduler.start()
        except KeyboardInterrupt as reason:
            self.stdout.write(f"Stopping ({reason}).")
            if scheduler.running:
                scheduler.shutdown(wait=False)
        finally:
            lock.release()
