"""Background work of the safety part (django-tasks; database backend by default).

The daily escalation is enqueued by `accord safety-escalate --enqueue` (once a day from cron
or a systemd timer) and run by the worker `accord db_worker`; without `--enqueue` the
command runs it at once. Running it twice on one day escalates nothing more (idempotent).
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from accord.safety import hazards


@task()
def escalate_overdue_hazards(today: str | None = None) -> int:
    """Escalate hazards past their deadline or their listing's publication date."""
    day = dt.date.fromisoformat(today) if today else None
    return len(hazards.hazards_escalate_overdue(today=day))
