import time

from django.core.management.base import BaseCommand

from accord.wellbeing.crisis import alerts_escalate_due
from accord.wellbeing.tasks import schedule_next


class Command(BaseCommand):
    help = (
        "Escalate crisis alerts nobody acknowledged in time (idempotent; run it every minute "
        "from cron), or --schedule the self-requeueing task, or --follow SECONDS to loop."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--schedule", action="store_true", help="queue the escalation task")
        parser.add_argument("--follow", type=float, default=0, help="loop every SECONDS")

    def handle(self, *args, **opts) -> None:
        if opts["schedule"]:
            queued = schedule_next()
            self.stdout.write("queued the escalation task" if queued else "nothing queued")
            return
        while True:
            done = alerts_escalate_due()
            self.stdout.write(f"escalated {len(done)} alert(s) {' '.join(done)}".rstrip())
            if not opts["follow"]:
                return
            time.sleep(opts["follow"])
