"""accord resolution-remind [--date YYYY-MM-DD] [--enqueue]: the daily deadline reminders."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from accord.resolution.tasks import send_deadline_reminders


class Command(BaseCommand):
    help = "Notify assignees of yellow and red proceeding deadlines (daily)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to check (default: today)")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the task for the worker (`accord db_worker`) instead of running it now",
        )

    def handle(self, *args, **options):
        day = options["date"]
        if day:
            try:
                dt.date.fromisoformat(day)
            except ValueError as exc:
                raise CommandError(f"bad --date {day!r} (YYYY-MM-DD)") from exc
        if options["enqueue"]:
            result = send_deadline_reminders.enqueue(today=day)
            self.stdout.write(f"queued task {result.id}")
            return
        sent = send_deadline_reminders.call(today=day)
        self.stdout.write(f"{sent} reminder(s) sent")
