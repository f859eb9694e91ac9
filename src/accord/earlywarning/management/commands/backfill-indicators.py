import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from accord.earlywarning.indicators import backfill as indicators_backfill
from accord.earlywarning.models import IndicatorCount


class Command(BaseCommand):
    help = (
        "Rebuild the early-warning indicator counts (cases per area at every level x category, "
        "daily and weekly) from the case history. New cases are counted as they arrive; run "
        "this once after installing, or after importing cases in bulk."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--since", help="rebuild only from the week of this date (YYYY-MM-DD); default all"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when indicator counts exist already (for `make demo`)",
        )

    def handle(self, *args, **opts) -> None:
        since = None
        if opts["since"]:
            try:
                since = dt.date.fromisoformat(opts["since"])
            except ValueError:
                raise CommandError(f"--since must be YYYY-MM-DD, not {opts['since']!r}") from None
        say = self.stdout.write if opts["verbosity"] > 0 else None
        if opts["if_empty"] and IndicatorCount.objects.exists():
            if say:
                say("indicator counts exist already; nothing to do")
            return
        out = indicators_backfill(since=since, progress=say)
        if opts["verbosity"] > 0:
            self.stdout.write(
                f"{out['cases']:,} cases -> {out['weekly']:,} weekly and {out['daily']:,} daily "
                "indicator rows"
            )
