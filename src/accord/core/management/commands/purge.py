from django.core.management.base import BaseCommand

from accord.core.retention import purge


class Command(BaseCommand):
    help = (
        "Anonymise or delete what is past its retention period (ACCORD_RETENTION_DAYS), "
        "history included, and record it in the audit chain. --dry-run only lists."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list, change nothing")

    def handle(self, *args, **opts) -> None:
        dry = opts["dry_run"]
        for rep in purge(dry_run=dry):
            verb = f"would be {rep.verb}d" if dry else f"{rep.verb}d"
            self.stdout.write(
                f"{rep.record_type}: {len(rep.ids)} record(s) older than {rep.days} days "
                f"(before {rep.cutoff:%Y-%m-%d}) {verb}"
            )
            if dry:
                for ident in rep.ids:
                    self.stdout.write(f"  {ident}")
