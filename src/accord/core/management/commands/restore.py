from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accord.core.audit import audit_record
from accord.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the database with a backup made by `accord backup` (stop the server first), "
        "then compare the row counts with the backup's manifest and verify the audit chains."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="backup file (its .manifest.json must lie beside it)")
        parser.add_argument(
            "--yes", action="store_true", help="confirm that the current data is replaced"
        )

    def handle(self, *args, **opts) -> None:
        if not opts["yes"]:
            raise CommandError("restore replaces every row of the database: add --yes")
        try:
            res = restore(Path(opts["path"]), say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        problems = [
            f"{table}: manifest {want:,} rows, restored {got:,}"
            for table, (want, got) in sorted(res.mismatches.items())
        ]
        problems += [
            f"{r.chain} chain broken at seq {r.first_broken_seq}: {r.reason}"
            for r in res.chains
            if not r.ok
        ]
        if problems:
            raise CommandError("restore does not match the backup: " + "; ".join(problems))
        rows = sum(res.counts.values())
        for r in res.chains:
            self.stdout.write(f"{r.chain} chain ok: {r.checked} events verified")
        with transaction.atomic():
            audit_record(
                actor=None,
                action="backup.restore",
                object_type="backup",
                object_id=Path(opts["path"]).name[:64],
                data={"tables": len(res.counts), "rows": rows},
            )
        self.stdout.write(f"restored {rows:,} rows in {len(res.counts)} tables; counts match")
