"""The crisis-escalation task (django-tasks; run by `accord db_worker`).

`escalate_crisis_alerts` escalates every open alert past its acknowledgement time, then —
on a backend that can defer work (the database backend) — queues its own next run
ACCORD_WELLBEING_ESCALATE_EVERY seconds later, unless one is queued already. The state lives
in the alert rows (`next_escalation_at`), so a run after a crash or a restart simply picks up
whatever is due: nothing is lost and nothing escalates twice (each step is a conditional
update). Start the chain with `accord wellbeing-escalate --schedule`; cron can run
`accord wellbeing-escalate` every minute instead (or as well: the job is idempotent).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task


def _pending() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - other backends keep their own queue
        return False
    path = f"{escalate_crisis_alerts.func.__module__}.{escalate_crisis_alerts.func.__qualname__}"
    return DBTaskResult.objects.filter(task_path=path, status="READY").exists()


def schedule_next(now: dt.datetime | None = None) -> bool:
    backend = escalate_crisis_alerts.get_backend()
    if not getattr(backend, "supports_defer", False) or _pending():
        return False
    at = (now or timezone.now()) + dt.timedelta(seconds=settings.ACCORD_WELLBEING_ESCALATE_EVERY)
    escalate_crisis_alerts.using(run_after=at).enqueue()
    return True


@task()
def escalate_crisis_alerts(reschedule: bool = True) -> dict[str, Any]:
    from accord.wellbeing.crisis import alerts_escalate_due

    out: dict[str, Any] = {"escalated": alerts_escalate_due()}
    if reschedule:
        out["next_queued"] = schedule_next()
    return out
