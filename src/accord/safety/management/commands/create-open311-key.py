"""accord create-open311-key NAME [--revoke]: an API key for one Open311 integration.
The key is printed once; only its SHA-256 is stored."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accord.core.errors import DomainError
from accord.safety import open311_keys


class Command(BaseCommand):
    help = "Create (or --revoke) the Open311 GeoReport v2 API key of an integration."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--area", default="", help="area code reports are filed in (root)")
        parser.add_argument("--revoke", action="store_true")

    def handle(self, *args, **options):
        try:
            if options["revoke"]:
                open311_keys.key_revoke(name=options["name"])
                self.stdout.write(f"revoked the key of {options['name']!r}")
                return
            key = open311_keys.key_create(name=options["name"], area_code=options["area"])
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(key)
