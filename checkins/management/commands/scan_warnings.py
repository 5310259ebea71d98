"""``python manage.py scan_warnings``: the daily warning scan, run now, in this process."""

from django.core.management.base import BaseCommand

from checkins.services import warnings_scan


class Command(BaseCommand):
    help = "Evaluate every active athlete's recent check-ins and missed weeks, raising flags."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--chunk-size", type=int, default=500)

    def handle(self, *args, **options) -> None:
        result = warnings_scan(chunk_size=max(1, options["chunk_size"]))
        self.stdout.write(
            self.style.SUCCESS(
                f"Scanned {result['athletes']} athletes: {result['flags']} new flag(s), "
                f"{result['notifications']} notification(s) queued."
            )
        )
