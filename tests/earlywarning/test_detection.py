"""Detection runs: all series in one batch, alerts written, continuing alerts extended."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accord.cases.models import Category
from accord.core.errors import ValidationFailed
from accord.core.models import AuditEvent
from accord.earlywarning import alerts, detect, detection
from accord.earlywarning.models import Alert, AlertPoint, AlertStatus, DetectionRun

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 10)  # a Wednesday: the last complete week starts Monday 2026-06-01
WEEK = dt.date(2026, 6, 1)
QUIET = [2, 3, 2, 4, 3, 2, 3, 2, 3, 2, 3, 4, 2, 3, 2, 3, 2, 3, 2, 3]


def cat(code: str) -> Category:
    return Category.objects.get(code=code)


@pytest.fixture
def spike(areas, put_weekly):
    """Labour cases in township T1: a quiet history, then 20 in the week of 2026-06-01.
    Property in T2: quiet throughout (must not alarm)."""
    put_weekly(areas.t1, cat("labour"), [*QUIET, 20], WEEK)
    put_weekly(areas.t2, cat("property"), [*QUIET, 3], WEEK)
    return areas


def test_run_writes_an_alert_with_the_engine_figures(spike):
    run = detect.detect_run(as_of=AS_OF, method="ears-c2")
    assert run.period == WEEK and run.n_series == 2 and run.n_alarms == 1 and run.n_new == 1
    alert = Alert.objects.get()
    assert (alert.area.code, alert.category.code) == ("T1", "labour")
    assert alert.method == "ears-c2" and alert.status == AlertStatus.NEW
    assert alert.period_start == alert.period_end == WEEK
    assert alert.observed == 20
    baseline = np.array(QUIET[-9:-2], dtype=float)  # C2: 7 periods, lagged by 2
    assert alert.expected == pytest.approx(baseline.mean())
    assert alert.upperbound > alert.expected and alert.observed > alert.upperbound
    assert alert.severity in ("high", "critical")
    # labour is handled at the township tier: T1 itself must respond, within one working day
    assert alert.responsible_area.code == "T1"
    assert alert.ack_deadline > dt.date.today() - dt.timedelta(days=1)
    assert AuditEvent.objects.filter(action="earlywarning.alert.create").count() == 1
    assert AuditEvent.objects.filter(action="earlywarning.detect").count() == 1


def test_rerun_of_the_same_period_does_not_duplicate(spike):
    detect.detect_run(as_of=AS_OF, method="ears-c2")
    again = detect.detect_run(as_of=AS_OF + dt.timedelta(days=1), method="ears-c2")
    assert again.n_alarms == 1 and again.n_new == 0 and again.n_extended == 0
    assert Alert.objects.count() == 1 and AlertPoint.objects.count() == 1


def test_closed_alert_is_not_raised_again_for_the_same_period(spike, supervisor):
    detect.detect_run(as_of=AS_OF, method="ears-c2")
    alert = Alert.objects.get()
    alerts.alert_close(actor=supervisor, alert=alert, real=False, reason="holiday backlog")
    detect.detect_run(as_of=AS_OF, method="ears-c2")
    assert Alert.objects.count() == 1


def _prior(areas, end: dt.date, status=AlertStatus.NEW) -> Alert:
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    return Alert.objects.create(
        kind="aberration",
        area=areas.t1,
        category=cat("labour"),
        method="ears-c2",
        freq="W",
        period_start=end,
        period_end=end,
        observed=9,
        severity="medium",
        status=status,
        responsible_area=areas.t1,
        ack_deadline=end,
        created_at=now,
        updated_at=now,
    )


@pytest.mark.parametrize(
    ("weeks_before", "extended"),
    [(1, True), (2, True), (3, False)],  # continuing (one quiet week allowed) vs. a new episode
)
def test_continuing_alarm_extends_the_open_alert(spike, weeks_before, extended):
    prior = _prior(spike, WEEK - dt.timedelta(days=7 * weeks_before))
    run = detect.detect_run(as_of=AS_OF, method="ears-c2")
    if extended:
        assert (run.n_new, run.n_extended) == (0, 1)
        prior.refresh_from_db()
        assert prior.period_end == WEEK and prior.observed == 20
        assert Alert.objects.count() == 1
        assert prior.events.filter(action="extend").count() == 1
    else:
        assert (run.n_new, run.n_extended) == (1, 0)
        assert Alert.objects.count() == 2


def test_closed_alert_is_not_extended(spike):
    _prior(spike, WEEK - dt.timedelta(days=7), status=AlertStatus.CLOSED_FALSE)
    run = detect.detect_run(as_of=AS_OF, method="ears-c2")
    assert (run.n_new, run.n_extended) == (1, 0)


def test_alert_links_the_cases_of_its_period_and_area(spike, make_case, backdate):
    inside, _ = make_case(area=spike.t1c1g1, category="labour")
    backdate(inside, WEEK + dt.timedelta(days=2))
    other_week, _ = make_case(area=spike.t1c1g1, category="labour")
    backdate(other_week, WEEK - dt.timedelta(days=7))
    other_area, _ = make_case(area=spike.t2c1g1, category="labour")
    backdate(other_area, WEEK + dt.timedelta(days=2))
    detect.detect_run(as_of=AS_OF, method="ears-c2")
    alert = Alert.objects.get(area=spike.t1)
    assert list(alert.cases.values_list("reference", flat=True)) == [inside.reference]


def test_noufaily_batch_over_a_year_of_history(areas, put_weekly):
    rng = np.random.default_rng(7)
    quiet = rng.poisson(4, size=70).tolist()
    put_weekly(areas.t1, cat("labour"), [*quiet, 25], WEEK)
    put_weekly(areas.t2, cat("labour"), [*rng.poisson(4, size=70).tolist(), 4], WEEK)
    run = detect.detect_run(as_of=AS_OF)  # default: noufaily, weekly
    assert run.method == "noufaily"
    assert list(Alert.objects.values_list("area__code", flat=True)) == ["T1"]


def test_minimum_count_rule_silences_sparse_series(areas, put_weekly):
    put_weekly(areas.t1c1g1, cat("neighbour"), [1] + [0] * 19 + [3], WEEK)  # < 5 in 4 weeks
    run = detect.detect_run(as_of=AS_OF, method="ears-c2")
    assert run.n_alarms == 0


def test_not_enough_history_is_a_clear_error(spike):
    with pytest.raises(ValidationFailed) as exc:
        detect.detect_run(as_of=AS_OF, method="noufaily")
    assert exc.value.code == "not_enough_history"
    with pytest.raises(ValidationFailed):
        detect.detect_run(as_of=AS_OF, method="farrington", freq="D")


def test_empty_indicator_table_is_an_error(areas):
    with pytest.raises(ValidationFailed) as exc:
        detect.detect_run(as_of=AS_OF)
    assert exc.value.code == "no_indicators"


def test_detect_command_shows_progress(spike):
    out = StringIO()
    call_command("detect", as_of="2026-06-10", method="ears-c2", stdout=out)
    text = out.getvalue()
    assert "loaded 2 series" in text and "1 new alert(s)" in text
    assert DetectionRun.objects.get().trigger == "command"
    with pytest.raises(CommandError):
        call_command("detect", as_of="10/06/2026", stdout=StringIO())


def test_severity_grades():
    assert detection.severity(30, 10, 4) == "critical"
    assert detection.severity(16, 10, 4) == "high"
    assert detection.severity(11, 10, 4) == "medium"
    assert detection.severity(12, None, None) == "high"


def test_last_complete_period():
    assert detection.last_complete_period(AS_OF, "W") == WEEK
    assert detection.last_complete_period(dt.date(2026, 6, 8), "W") == WEEK  # Monday
    assert detection.last_complete_period(AS_OF, "D") == dt.date(2026, 6, 9)


def test_detect_command_replays_weeks_and_extends(areas, put_weekly):
    put_weekly(areas.t1, cat("labour"), [*QUIET, 20, 22], WEEK + dt.timedelta(days=7))
    out = StringIO()
    call_command(
        "detect", as_of="2026-06-17", method="ears-c2", weeks=2, no_housekeeping=True, stdout=out
    )
    alert = Alert.objects.get()
    assert (alert.period_start, alert.period_end) == (WEEK, WEEK + dt.timedelta(days=7))
    assert alert.points.count() == 2
    assert DetectionRun.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("detect", weeks=0, stdout=StringIO())
    # `make demo` runs it on every start: with alerts present --if-empty changes nothing
    out = StringIO()
    call_command("detect", as_of="2026-06-24", method="ears-c2", if_empty=True, stdout=out)
    assert "nothing to do" in out.getvalue() and DetectionRun.objects.count() == 2


def test_backfill_if_empty(areas, make_case):
    make_case(area=areas.t1c1g1)
    out = StringIO()
    call_command("backfill-indicators", if_empty=True, stdout=out)
    assert "nothing to do" in out.getvalue()
