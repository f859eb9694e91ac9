import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accord.earlywarning import intake


class Command(BaseCommand):
    help = (
        "Work the queue of new cases whose early-warning work (indicator counts, group-dispute "
        "check, risk score) is still to do. With ACCORD_EW_INTAKE=deferred the server's own "
        "background thread does this within moments of each filing; run this after restoring a "
        "backup, or to see how many cases wait (--status). With --follow it runs as the "
        "dedicated queue worker until stopped (SIGTERM or Ctrl-C), and the server processes "
        "leave the queue to it."
    )

    def add_arguments(self, parser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--status", action="store_true", help="only print how many cases are queued"
        )
        mode.add_argument(
            "--follow",
            action="store_true",
            help="keep working the queue as new cases arrive, as the dedicated worker, until "
            "stopped; the server processes' threads leave the queue to it while it runs",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=None,
            help=f"cases per transaction (default ACCORD_EW_INTAKE_BATCH, now "
            f"{settings.ACCORD_EW_INTAKE_BATCH}; not with --follow)",
        )

    def handle(self, *args, **opts) -> None:
        batch = opts["batch"]
        if batch is not None and not 1 <= batch <= 10000:
            raise CommandError("--batch must be between 1 and 10000")
        if opts["follow"]:
            if batch is not None:
                raise CommandError("--follow works batches of ACCORD_EW_INTAKE_BATCH; drop --batch")
            self._follow(opts["verbosity"])
            return
        waiting = intake.pending()
        self.stdout.write(
            f"mode {settings.ACCORD_EW_INTAKE}; {waiting:,} case(s) queued for early warning"
        )
        if opts["status"] or not waiting:
            return
        say = self.stdout.write if opts["verbosity"] > 0 else None
        n = intake.drain(limit=batch, progress=say)
        self.stdout.write(f"worked {n:,} case(s); {intake.pending():,} queued now")

    def _follow(self, verbosity: int) -> None:
        stop, holding = threading.Event(), threading.Event()

        def on_signal(signum, frame) -> None:
            stop.set()
            if not holding.is_set():  # a standby worker, waiting for the lock: leave now
                raise SystemExit(0)

        before = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self._work(stop, holding, verbosity)
        finally:
            for sig, handler in before.items():
                signal.signal(sig, handler)

    def _work(self, stop: threading.Event, holding: threading.Event, verbosity: int) -> None:
        self.stdout.write(
            f"following early warning's queue ({intake.pending():,} case(s) queued); "
            "SIGTERM or Ctrl-C stops after the current batch"
        )

        def waiting() -> None:
            self.stdout.write(
                "another `accord ew-intake --follow` is running; waiting to take over"
            )

        def worked(n: int, total: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"  worked {n:,} case(s), {total:,} in all")

        total = intake.follow(stop, waiting=waiting, worked=worked, holding=holding.set)
        self.stdout.write(f"stopped; worked {total:,} case(s); {intake.pending():,} queued now")
