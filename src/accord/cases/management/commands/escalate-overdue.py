from django.core.management.base import BaseCommand

from accord.cases.transitions import case_escalate_overdue


class Command(BaseCommand):
    help = "Move every overdue working case up one tier (DESIGN §5: deadline overrun)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="list the cases without changing them"
        )

    def handle(self, *args, **opts) -> None:
        refs = case_escalate_overdue(dry_run=opts["dry_run"])
        verb = "would escalate" if opts["dry_run"] else "escalated"
        for ref in refs:
            self.stdout.write(ref)
        self.stdout.write(f"{verb} {len(refs)} overdue case(s)")
