"""The daily early-warning task (django-tasks; run by `accord db_worker`).

`daily_early_warning` runs the weekly detection over every indicator series, moves alerts
nobody acknowledged in time up a tier, refreshes the case risk scores, and — on a backend
that can defer work (the database backend) — queues its own next run for tomorrow at
ACCORD_EW_DAILY_HOUR (default 6) local time, unless one is queued already. Start the chain
once with `accord ew-schedule` (idempotent).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)


def next_run_at(now: dt.datetime | None = None) -> dt.datetime:
    now = timezone.localtime(now or timezone.now())
    hour = int(getattr(settings, "ACCORD_EW_DAILY_HOUR", 6))
    at = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


def _pending_elsewhere() -> bool:
    """Is a later run of this task already queued (database backend only)?"""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - other backends keep their own queue
        return False
    path = f"{daily_early_warning.func.__module__}.{daily_early_warning.func.__qualname__}"
    return DBTaskResult.objects.filter(task_path=path, status="READY").exists()


def schedule_next(now: dt.datetime | None = None) -> bool:
    """Queue the next daily run unless one is queued already. False when the backend cannot
    defer (e.g. the immediate backend in development): then use cron with `accord detect`."""
    backend = daily_early_warning.get_backend()
    if not getattr(backend, "supports_defer", False):
        return False
    if _pending_elsewhere():
        return False
    daily_early_warning.using(run_after=next_run_at(now)).enqueue()
    return True


@task()
def daily_early_warning(as_of: str | None = None, reschedule: bool = True) -> dict[str, Any]:
    from accord.core.errors import DomainError
    from accord.earlywarning.alerts import alerts_escalate_unacknowledged
    from accord.earlywarning.detect import detect_run
    from accord.earlywarning.scores import risk_refresh

    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    out: dict[str, Any] = {"as_of": day.isoformat()}
    try:
        run = detect_run(as_of=day, trigger="task", progress=log.info)
        out.update(run=run.pk, alarms=run.n_alarms, new=run.n_new, extended=run.n_extended)
    except DomainError as exc:  # e.g. no indicators yet: still do the rest
        out["detect_error"] = exc.detail
    out["escalated"] = len(alerts_escalate_unacknowledged(today=day))
    out["risk_scored"] = risk_refresh(today=day)
    if reschedule:
        out["next_queued"] = schedule_next()
    return out
