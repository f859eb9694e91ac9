"""accord resolution-statutes [--dump FILE | --load FILE]: the statute table as JSON.

A change of the law is a data change: dump the table, edit or add rows (each with its legal
basis in English and Chinese), load it back. Loading is validated and audited.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accord.core.errors import DomainError
from accord.resolution.models import StatuteRule
from accord.resolution.statute_rules import STATUTE_FIELDS, statute_rules_load


class Command(BaseCommand):
    help = "Dump or load the statute table (DESIGN §6) as JSON."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--dump", metavar="FILE", help="write the table ('-' = stdout)")
        group.add_argument("--load", metavar="FILE", help="create or update rules by code")

    def handle(self, *args, **options):
        if options["load"]:
            try:
                rows = json.loads(Path(options["load"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read {options['load']}: {exc}") from exc
            if not isinstance(rows, list):
                raise CommandError("the file must hold a JSON list of rules")
            try:
                created, updated = statute_rules_load(actor=None, rows=rows)
            except DomainError as exc:
                raise CommandError(exc.detail) from exc
            self.stdout.write(f"{created} rule(s) created, {updated} updated")
            return
        rows = [
            {"code": r.code, **{f: getattr(r, f) for f in STATUTE_FIELDS}}
            for r in StatuteRule.objects.order_by("channel", "code")
        ]
        text = json.dumps(rows, ensure_ascii=False, indent=2)
        target = options["dump"]
        if target and target != "-":
            Path(target).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"{len(rows)} rules written to {target}")
        else:
            self.stdout.write(text)
