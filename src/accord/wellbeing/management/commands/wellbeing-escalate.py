import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connections

from accord.wellbeing.crisis import alerts_escalate_due
from accord.wellbeing.tasks import schedule_next


class Command(BaseCommand):
    help = (
        "Escalate crisis alerts nobody acknowledged in time (idempotent; run it every minute "
        "from cron), or --schedule the self-requeueing task, or --follow SECONDS to loop "
        "(a database outage is waited out, not fatal)."
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
            try:
                done = alerts_escalate_due()
                self.stdout.write(f"escalated {len(done)} alert(s) {' '.join(done)}".rstrip())
            except DatabaseError as exc:
                if not opts["follow"]:
                    raise
                # The database restarts: drop the broken connection and try again shortly.
                self.stderr.write(f"database unavailable ({type(exc).__name__}); retrying")
                for conn in connections.all():
                    conn.close_if_unusable_or_obsolete()
                    conn.close()
            if not opts["follow"]:
                return
            time.sleep(opts["follow"])
            close_old_connections()
