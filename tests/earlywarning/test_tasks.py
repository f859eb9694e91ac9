"""The daily task: detection, escalation of unacknowledged alerts, risk refresh, and its own
next run queued once (database backend)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accord.cases.models import Category
from accord.earlywarning import tasks
from accord.earlywarning.models import Alert, DetectionRun

pytestmark = pytest.mark.django_db


def test_daily_task_runs_everything(areas, put_weekly, make_case):
    labour = Category.objects.get(code="labour")
    put_weekly(areas.t1, labour, [2, 3, 2, 4, 3, 2, 3, 2, 3, 2, 3, 4, 2, 30], dt.date(2026, 6, 1))
    make_case(area=areas.t1c1g1)
    out = tasks.daily_early_warning.call(as_of="2026-06-10", reschedule=False)
    # default weekly method is noufaily, which needs a year of history: reported, not fatal
    assert "detect_error" in out and out["risk_scored"] == 1
    assert out["escalated"] == 0


def test_daily_task_writes_alerts(areas, put_weekly, settings):
    labour = Category.objects.get(code="labour")
    put_weekly(areas.t1, labour, [3] * 70 + [30], dt.date(2026, 6, 1))
    out = tasks.daily_early_warning.call(as_of="2026-06-10", reschedule=False)
    assert out["new"] == 1 and Alert.objects.count() == 1
    assert DetectionRun.objects.get().trigger == "task"


def test_next_run_is_queued_once():
    """The project's default backend is the database backend, which can defer work."""
    assert tasks.daily_early_warning.get_backend().supports_defer
    assert tasks.schedule_next() is True
    assert tasks.schedule_next() is False  # already queued
    row = DBTaskResult.objects.get()
    assert row.task_path.endswith("daily_early_warning") and row.status == "READY"
    assert row.run_after > timezone.now()
    out = StringIO()
    call_command("ew-schedule", stdout=out)
    assert "nothing queued" in out.getvalue()
    assert DBTaskResult.objects.count() == 1


def test_next_run_at_is_tomorrow_morning():
    now = timezone.make_aware(dt.datetime(2026, 6, 10, 9, 0))
    at = timezone.localtime(tasks.next_run_at(now))
    assert (at.date(), at.hour) == (dt.date(2026, 6, 11), 6)
    early = timezone.make_aware(dt.datetime(2026, 6, 10, 5, 0))
    assert timezone.localtime(tasks.next_run_at(early)).date() == dt.date(2026, 6, 10)
