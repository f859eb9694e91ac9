"""accord grid-seed-demo [--if-empty]: the grid worker of Qingshi Street's first community,
with tasks, service visits and on-the-spot mediations.

Run after `accord seed-demo`. Creates `grid.qingshi` (role grid worker over the first
community of the first township, password accord-demo-2026). Everything goes through the
services (audited).
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accord.accounts.models import Role, User
from accord.accounts.services import user_create
from accord.cases.models import Case
from accord.core.models import Area, Level
from accord.demo.generator import DEMO_PASSWORD as PASSWORD  # noqa: E402
from accord.grid import mediations, tasks, visits
from accord.grid.models import GridTask

USERNAME = "grid.qingshi"


class Command(BaseCommand):
    help = "Seed the demo grid worker with tasks, visits and on-the-spot mediations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when grid tasks exist already"
        )

    def handle(self, *args, **options):
        if options["if_empty"] and GridTask.objects.exists():
            self.stdout.write("grid tasks exist already: nothing to do (--if-empty)")
            return
        town = Area.objects.filter(level=Level.TOWNSHIP).order_by("path").first()
        community = Area.objects.filter(parent=town).order_by("path").first() if town else None
        grids = list(Area.objects.filter(parent=community, level=Level.GRID).order_by("path"))
        if not grids:
            raise CommandError("no demo grids: run `accord seed-demo` first")
        worker = User.objects.filter(username=USERNAME).first() or user_create(
            actor=None, username=USERNAME, role=Role.GRID_WORKER, area_code=community.code,
            password=PASSWORD, display_name="网格员 青石", validate=False,
        )  # fmt: skip
        coordinator = (
            User.objects.filter(memberships__role=Role.TOWNSHIP_COORDINATOR, memberships__area=town)
            .order_by("pk")
            .first()
        )
        setter = coordinator or worker
        today = timezone.localdate()
        refs = list(
            Case.objects.filter(area__in=grids)
            .order_by("-created_at")
            .values_list("reference", flat=True)[:3]
        )
        g = [a.code for a in grids]
        plan = [
            ("follow_up_case", g[0], "Ask the applicant whether the repair was done.", 2),
            ("deliver_notice", g[0], "Water cut notice for buildings 3-5, Saturday 9-12.", 1),
            ("check_rectification", g[-1], "Blocked fire exit at the market: re-check.", 3),
            ("resident_request", g[-1], "An older resident asked for help with a pension form.", 5),
            ("deliver_notice", g[-1], "Winter heating subsidy: tell households how to apply.", 7),
        ]
        made = []
        for i, (kind, grid, note, days) in enumerate(plan):
            made.append(
                tasks.task_create(
                    actor=setter,
                    area=grid,
                    task_type=kind,
                    note=note,
                    case_reference=refs[i] if kind == "follow_up_case" and i < len(refs) else "",
                    due=today + dt.timedelta(days=days),
                    assignee=worker.username,
                )  # fmt: skip
            )
        tasks.task_transition(actor=worker, task=made[0], action="start")
        tasks.task_transition(actor=worker, task=made[1], action="complete")
        for days, grid, purpose, note in (
            (1, g[0], "help_requested", "Helped fill in the labour mediation application."),
            (3, g[-1], "elderly_care", "Brought the community's winter service leaflet."),
            (6, g[0], "newcomer", "Gave the list of schools and the social-insurance office."),
        ):
            visits.visit_record(
                actor=worker, area=grid, purpose=purpose, consent=True,
                visited_on=today - dt.timedelta(days=days), service_note=note,
            )  # fmt: skip
        mediations.mediation_record(
            actor=worker, area=g[0], category="neighbour", parties="Resident of 3-201, resident of 3-301",
            issue="Water dripping from an air conditioner onto the balcony below.",
            outcome="resolved", agreement="The unit upstairs fits a drain pipe by Sunday.",
            notice_acknowledged=True, held_on=today - dt.timedelta(days=2),
        )  # fmt: skip
        mediations.mediation_record(
            actor=worker, area=g[-1], category="property",
            parties="Households of building 7, the property company",
            issue="The lift of building 7 has been out of service for three weeks.",
            outcome="unresolved", notice_acknowledged=True, held_on=today - dt.timedelta(days=1),
        )  # fmt: skip
        sent = self._notifications(grids)
        self.stdout.write(
            f"grid worker {USERNAME} (password {PASSWORD}) over {community.code}: "
            f"{len(made)} tasks, 3 visits, 2 on-the-spot mediations, {sent} notifications (var/mail/)"
        )

    def _notifications(self, grids) -> int:
        """A few filers opted in; tell them of their case's current step (the demo's mail
        backend writes files under var/mail/)."""
        from django.db import transaction

        from accord.core import notifications
        from accord.grid.notify import status_labels

        cases = list(Case.objects.filter(area__in=grids).order_by("reference")[:3])
        made = []
        for i, case in enumerate(cases):
            notifications.subscribe(
                reference=case.reference, email=f"resident{i + 1}@example.org",
                language="zh-hans" if i % 2 == 0 else "en",
            )  # fmt: skip
            with transaction.atomic():
                made += notifications.notify_case_step(
                    reference=case.reference, step=f"{case.status}@demo",
                    labels=status_labels(case.status),
                )  # fmt: skip
        # Delivered now so that the demo shows them without a running task worker (the
        # queued task later finds them sent and does nothing).
        return sum(notifications.deliver(n.pk) == "sent" for n in made)
