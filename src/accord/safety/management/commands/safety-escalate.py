"""accord safety-escalate [--date YYYY-MM-DD] [--enqueue] [--dry-run]: escalate overdue
hazards (past the rectification deadline, or a listing not published in time)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from accord.safety import hazards
from accord.safety.tasks import escalate_overdue_hazards


class Command(BaseCommand):
    help = "Escalate overdue hazards one level up (daily; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to check (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")
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
        if options["dry_run"]:
            refs = hazards.hazards_escalate_overdue(
                today=dt.date.fromisoformat(day) if day else None, dry_run=True
            )
            self.stdout.write("\n".join(refs + [f"{len(refs)} hazard(s) would be escalated"]))
            return
        if options["enqueue"]:
            result = escalate_overdue_hazards.enqueue(today=day)
            self.stdout.write(f"queued task {result.id}")
            return
        n = escalate_overdue_hazards.call(today=day)
        self.stdout.write(f"{n} hazard(s) escalated")
