from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accord.earlywarning import intake


class Command(BaseCommand):
    help = (
        "Work the queue of new cases whose early-warning work (indicator counts, group-dispute "
        "check, risk score) is still to do. With ACCORD_EW_INTAKE=deferred the server's own "
        "background thread does this within moments of each filing; run this after restoring a "
        "backup, or to see how many cases wait (--status)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--status", action="store_true", help="only print how many cases are queued"
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=None,
            help=f"cases per transaction (default ACCORD_EW_INTAKE_BATCH, now "
            f"{settings.ACCORD_EW_INTAKE_BATCH})",
        )

    def handle(self, *args, **opts) -> None:
        waiting = intake.pending()
        self.stdout.write(
            f"mode {settings.ACCORD_EW_INTAKE}; {waiting:,} case(s) queued for early warning"
        )
        if opts["status"] or not waiting:
            return
        batch = opts["batch"]
        if batch is not None and not 1 <= batch <= 10000:
            raise CommandError("--batch must be between 1 and 10000")
        say = self.stdout.write if opts["verbosity"] > 0 else None
        n = intake.drain(limit=batch, progress=say)
        self.stdout.write(f"worked {n:,} case(s); {intake.pending():,} queued now")
