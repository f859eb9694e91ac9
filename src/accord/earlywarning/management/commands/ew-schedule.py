from django.core.management.base import BaseCommand

from accord.earlywarning.tasks import next_run_at, schedule_next


class Command(BaseCommand):
    help = (
        "Queue the daily early-warning task (detection, escalation of unacknowledged alerts, "
        "risk refresh) for its next run; each run queues the following one. Idempotent. "
        "A worker must run: `accord db_worker`."
    )

    def handle(self, *args, **opts) -> None:
        if schedule_next():
            self.stdout.write(f"queued the daily early-warning task for {next_run_at()}")
        else:
            self.stdout.write(
                "nothing queued: a run is queued already, or the task backend cannot defer "
                "work (then run `accord detect` from cron once a day)"
            )
