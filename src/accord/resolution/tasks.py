"""Background work of the resolution app (django-tasks; database backend by default).

The daily reminder is enqueued by `accord resolution-remind --enqueue` (run it once a day from
cron or a systemd timer) and executed by the worker `accord db_worker`; without `--enqueue`
the command runs it at once.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from accord.resolution import supervision


@task()
def send_deadline_reminders(today: str | None = None) -> int:
    """Notify assignees of yellow and red proceeding clocks. Returns how many were sent."""
    day = dt.date.fromisoformat(today) if today else None
    return supervision.reminders_send(today=day)
