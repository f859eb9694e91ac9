import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accord.core.errors import DomainError
from accord.earlywarning.alerts import alerts_escalate_unacknowledged
from accord.earlywarning.detect import detect_run
from accord.earlywarning.detection import WEEKLY_METHODS
from accord.earlywarning.groups import groups_replay
from accord.earlywarning.models import Alert
from accord.earlywarning.scores import risk_refresh


class Command(BaseCommand):
    help = (
        "Run early-warning detection over every indicator series in one batch and write "
        "alerts for the last complete period before --as-of (default today). Also moves "
        "alerts nobody acknowledged in time up a tier and refreshes case risk scores."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--as-of", help="YYYY-MM-DD (default today)")
        parser.add_argument(
            "--method",
            choices=WEEKLY_METHODS,
            help="detection method (default noufaily weekly, ears-c2 daily)",
        )
        parser.add_argument("--freq", choices=["weekly", "daily"], default="weekly")
        parser.add_argument(
            "--weeks",
            type=int,
            default=1,
            help="replay the last N periods in order (continuing alerts are extended), e.g. "
            "after loading history; default 1",
        )
        parser.add_argument(
            "--replay-groups",
            type=int,
            metavar="DAYS",
            help="also run the group-dispute check over the cases of the last DAYS days "
            "(for cases loaded in bulk rather than filed one by one)",
        )
        parser.add_argument(
            "--no-housekeeping",
            action="store_true",
            help="only detect: no escalation of unacknowledged alerts, no risk refresh",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when alerts exist already (for `make demo`)",
        )

    def handle(self, *args, **opts) -> None:
        if opts["if_empty"] and Alert.objects.exists():
            self.stdout.write("alerts exist already: nothing to do (--if-empty)")
            return
        as_of = None
        if opts["as_of"]:
            try:
                as_of = dt.date.fromisoformat(opts["as_of"])
            except ValueError:
                raise CommandError(f"--as-of must be YYYY-MM-DD, not {opts['as_of']!r}") from None
        say = self.stdout.write if opts["verbosity"] > 0 else None
        freq = "W" if opts["freq"] == "weekly" else "D"
        today = as_of or timezone.localdate()
        n = opts["weeks"]
        if not 1 <= n <= 520:
            raise CommandError("--weeks must be between 1 and 520")
        days = 7 if freq == "W" else 1
        try:
            for k in range(n - 1, -1, -1):
                day = today - dt.timedelta(days=days * k)
                if say and n > 1:
                    say(f"-- as of {day}")
                run = detect_run(as_of=day, method=opts["method"], freq=freq, progress=say)
        except DomainError as exc:
            raise CommandError(exc.detail) from None
        if opts["replay_groups"]:
            since = timezone.now() - dt.timedelta(days=opts["replay_groups"])
            if as_of:
                since = dt.datetime.combine(
                    as_of - dt.timedelta(days=opts["replay_groups"]),
                    dt.time(0),
                    tzinfo=timezone.get_current_timezone(),
                )
            touched = groups_replay(since=since, progress=say)
            if say:
                say(f"{touched} group-dispute alert(s) raised or extended")
        if not opts["no_housekeeping"]:
            escalated = alerts_escalate_unacknowledged(today=as_of)
            scored = risk_refresh(today=as_of)
            if say:
                say(f"{len(escalated)} unacknowledged alert(s) moved up a tier")
                say(f"{scored:,} open cases re-scored")
        if say:
            say(
                f"period {run.period}: {run.n_series:,} series, {run.n_alarms} alarms, "
                f"{run.n_new} new alert(s), {run.n_extended} extended, {run.seconds:.2f} s"
            )
