"""accord notify-retry [--older-than SECONDS]: enqueue again the resident notifications still
queued whose delivery task was lost (run it hourly beside `accord db_worker`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accord.core.notifications import retry_stalled


class Command(BaseCommand):
    help = "Re-enqueue queued resident notifications whose delivery task was lost."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=3600)

    def handle(self, *args, **options):
        n = retry_stalled(older_than_seconds=options["older_than"])
        self.stdout.write(f"{n} notifications enqueued again")
