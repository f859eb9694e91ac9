"""`accord seed-demo --size small|medium|large --seed N`: build the demo jurisdiction."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError

from accord.demo.generator import (
    DEMO_PASSWORD,
    SIZES,
    DemoError,
    has_demo_data,
    reset_demo_data,
    seed_demo,
)


class Command(BaseCommand):
    help = (
        "Seed a fictional city (Linjiang) with areas, staff, three years of cases and "
        "injected early-warning situations. Deterministic for --seed and --end."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--size", choices=list(SIZES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--end",
            type=dt.date.fromisoformat,
            default=None,
            help="last day of the history is the day before END (YYYY-MM-DD; default today)",
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--reset", action="store_true", help="delete existing demo data first")
        group.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (exit 0) when the database already has areas or cases",
        )
        parser.add_argument(
            "--ground-truth", metavar="FILE", help="also write the injected situations as JSON"
        )
        parser.add_argument(
            "--all-logins", action="store_true", help="print every account, not just the key ones"
        )
        parser.add_argument("--batch", type=int, default=5000, help="cases per transaction")

    def _say(self, msg: str) -> None:
        self.stdout.write(msg)
        self.stdout.flush()

    def handle(self, *args, **opts) -> None:
        out = self.stdout.write
        if has_demo_data():
            if opts["if_empty"]:
                from accord.web.boundaries import boundaries_path, write_demo_boundaries

                if not boundaries_path().exists():  # seeded before the map existed
                    write_demo_boundaries()
                if opts["verbosity"] > 1:
                    out("seed-demo: the database already has data; nothing to do")
                return
            if not opts["reset"]:
                raise CommandError(
                    "the database already has areas or cases; use --reset to delete the demo "
                    "data first, or --if-empty to skip"
                )
            try:
                reset_demo_data(progress=self._say)
            except (ProtectedError, RestrictedError, IntegrityError) as exc:
                raise CommandError(
                    f"cannot reset: other records still refer to demo areas or users ({exc}); "
                    "delete them first or start from a fresh database"
                ) from exc
        try:
            res = seed_demo(
                size=opts["size"],
                seed=opts["seed"],
                end=opts["end"],
                progress=self._say if opts["verbosity"] > 0 else None,
                batch=opts["batch"],
            )
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        # Made-up boundaries for the dashboard map (a deployment loads its own with
        # `accord load-boundaries FILE`).
        from accord.web.boundaries import write_demo_boundaries

        write_demo_boundaries()
        if opts["ground_truth"]:
            Path(opts["ground_truth"]).write_text(
                json.dumps(res.situations, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        if opts["verbosity"] == 0:
            return
        out("")
        out(
            f"Seeded {res.size} demo (seed {res.seed}, history up to {res.end}, exclusive): {res.areas:,} areas, "
            f"{res.users:,} users, {res.cases:,} cases, {res.events:,} events, "
            f"{res.holidays} holiday rows added, in {res.seconds:.1f} s"
        )
        out("")
        out("Demo logins (every demo account uses the same password):")
        rows = list(res.logins)
        if opts["all_logins"]:
            from accord.accounts.models import Membership

            seen = {r[0] for r in rows}
            for username, role, code in Membership.objects.order_by(
                "area__path", "role", "user__username"
            ).values_list("user__username", "role", "area__code"):
                if username not in seen:
                    rows.append((username, role, code))
        width = max(len(r[0]) for r in rows) + 2
        out(f"  {'username':<{width}}{'role':<22}{'area':<22}password")
        for username, role, code in rows:
            out(f"  {username:<{width}}{role:<22}{code:<22}{DEMO_PASSWORD}")
        if not opts["all_logins"]:
            for pattern, role, where in res.patterns:
                out(f"  {pattern}  ({role}, {where}; same password)")
            out("  (--all-logins lists every account)")
        out("")
        if res.example_reference:
            out(f"Track a case: reference {res.example_reference}  secret {res.example_secret}")
        out("Injected situations (ground truth for early warning):")
        for s in res.situations:
            out(
                f"  {s['start_date']} – {s['end_date']}  {s['kind']:<14}{s['category']:<12}"
                f"{s['area']:<16}{s['extra_cases']:>4} cases  {s['name_en']}"
            )
