"""accord resolution-seed-demo [--limit N] [--seed S] [--if-empty]: open proceedings on open
demo cases.

Run after `accord seed-demo`. Cases being handled get a proceeding in a channel of their
category, applied for at spread-out past dates so that the supervision board shows green,
yellow, red and (a few suspended) grey clocks. Everything goes through the services (audited).
"""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.utils import timezone

from accord.accounts.models import CASE_STAFF_ROLES, Membership
from accord.cases import workflow as case_wf
from accord.cases.models import Case
from accord.resolution import proceedings, transitions
from accord.resolution import workflow as wf
from accord.resolution.models import Proceeding


class Command(BaseCommand):
    help = "Open demo proceedings on open cases so that supervision has something to show."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=80)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when proceedings exist already (for `make demo`)",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Proceeding.objects.exists():
            self.stdout.write("proceedings exist already: nothing to do (--if-empty)")
            return
        rnd = random.Random(options["seed"])
        today = timezone.localdate()
        cases = (
            Case.objects.filter(status__in=[case_wf.S.IN_PROGRESS, case_wf.S.ASSIGNED])
            .exclude(proceedings__isnull=False)
            .select_related("category", "area", "handling_area", "assignee")
            .order_by("reference")[: options["limit"]]
        )
        opened = suspended = 0
        for case in cases:
            actor = case.assignee or self._staff(case)
            if actor is None:
                continue
            channels = wf.channels_of_category(case.category.channels) or [wf.PEOPLE_MEDIATION]
            channel = channels[0]
            applied = today - dt.timedelta(days=rnd.randint(1, 50))
            p = proceedings.proceeding_open(
                actor=actor,
                case=case,
                data=proceedings.OpenInput(channel=channel, applied_on=applied),
            )
            accepted = min(today, applied + dt.timedelta(days=rnd.randint(0, 3)))
            p = transitions.proceeding_transition(
                actor=actor, proceeding=p, action="accept", on_date=accepted
            )
            opened += 1
            if rnd.random() < 0.08:
                transitions.proceeding_transition(
                    actor=actor,
                    proceeding=p,
                    action="suspend",
                    on_date=today,
                    note="awaiting an expert opinion",
                )
                suspended += 1
        total = Proceeding.objects.count()
        self.stdout.write(
            f"opened {opened} proceedings ({suspended} suspended); {total} in the database"
        )

    def _staff(self, case: Case):
        codes = case.handling_area.ancestor_codes()
        m = (
            Membership.objects.filter(area__code__in=codes, role__in=CASE_STAFF_ROLES)
            .select_related("user")
            .order_by("-area__path")
            .first()
        )
        return m.user if m else None
