"""accord participation-close-expired: close every open consultation whose comment period has
ended (run daily, e.g. from cron beside `accord resolution-remind`)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accord.participation.consultations import close_expired


class Command(BaseCommand):
    help = "Close consultations whose comment period has ended."

    def handle(self, *args, **options):
        self.stdout.write(f"closed {close_expired()} consultation(s)")
