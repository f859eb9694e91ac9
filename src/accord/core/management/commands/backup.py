from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accord.core.audit import audit_record
from accord.core.backup import BackupError, backup, manifest_path


class Command(BaseCommand):
    help = (
        "Back up the database while it runs (SQLite online backup API; PostgreSQL pg_dump "
        "under an exported snapshot) and write PATH.manifest.json with row counts and the "
        "audit chains' heads."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="new backup file, e.g. var/backups/accord-2026-11-23.db")

    def handle(self, *args, **opts) -> None:
        try:
            res = backup(Path(opts["path"]), say=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(res.counts.values())
        with transaction.atomic():
            audit_record(
                actor=None,
                action="backup.create",
                object_type="backup",
                object_id=res.path.name[:64],
                data={"vendor": res.vendor, "tables": len(res.counts), "rows": rows},
            )
        self.stdout.write(
            f"backup written: {res.path} ({res.path.stat().st_size:,} bytes, {rows:,} rows in "
            f"{len(res.counts)} tables, {res.seconds:.1f} s); manifest {manifest_path(res.path)}"
        )
