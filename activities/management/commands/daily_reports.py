import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from activities.daily import daily_reports_build


class Command(BaseCommand):
    help = "Build (or rebuild) every seller's daily report for a day (default: today, company time)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today in the company's time zone)")

    def handle(self, *args, **options):
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date: expected YYYY-MM-DD, got {options['date']!r}") from None
        else:
            day = timezone.localdate()
        count = daily_reports_build(day)
        self.stdout.write(f"{count} daily reports for {day.isoformat()}")
