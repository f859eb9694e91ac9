"""Detection runs: the engine (`earlywarning.detection`) over every indicator series of one
frequency in one batch, and the aberration alerts it raises or extends. One transaction for
the run's writes, with its audit event."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import numpy as np
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.accounts.permissions import primary_role
from accord.cases.models import Case, Category
from accord.core.audit import audit_record
from accord.core.calendar import BusinessCalendar
from accord.core.errors import ValidationFailed
from accord.core.models import Area
from accord.earlywarning import detection, indicators, intake, lifecycle
from accord.earlywarning.alerts import (
    ack_deadline,
    alert_audit,
    alert_event,
    responsible_area_for,
    severity_rank,
)
from accord.earlywarning.models import Alert, AlertKind, AlertPoint, DetectionRun, Freq


def detect_run(
    *,
    actor: User | None = None,
    as_of: dt.date | None = None,
    method: str | None = None,
    freq: str = Freq.WEEKLY,
    progress: Callable[[str], None] | None = None,
    trigger: str = "command",
) -> DetectionRun:
    """Run `method` over every indicator series of `freq` for the last complete period before
    `as_of` (default today), in one batched engine call, and write the alerts. An alarm on a
    series whose open alert alarmed in the previous period (one quiet period allowed) extends
    that alert; the same period is never recorded twice."""
    say = progress or (lambda _m: None)
    if freq not in Freq.values:
        raise ValidationFailed(f"unknown frequency {freq!r}", code="invalid")
    method = method or detection.DEFAULT_METHOD[freq]
    detection.check_method(method, freq)
    as_of = as_of or timezone.localdate()
    period = detection.last_complete_period(as_of, freq)
    queued = intake.drain()  # count every case filed so far (ACCORD_EW_INTAKE=deferred)
    if queued:
        say(f"worked {queued:,} queued new case(s) into the indicators first")
    started, t0 = timezone.now(), time.monotonic()
    matrix = detection.load_series(freq, end=period)
    if matrix.n_series == 0:
        raise ValidationFailed(
            "there are no indicator counts yet; run `accord backfill-indicators`",
            code="no_indicators",
        )
    say(
        f"loaded {matrix.n_series:,} series × {len(matrix.periods)} periods "
        f"({matrix.periods[0]} – {period}) in {time.monotonic() - t0:.2f} s"
    )
    t1 = time.monotonic()
    out = detection.run_engine(matrix, method, [matrix.column(period)])
    hits = np.nonzero(out.alarm[:, 0])[0]
    say(f"{method}: {len(hits)} alarms in {time.monotonic() - t1:.2f} s")
    t2 = time.monotonic()
    with transaction.atomic():
        run = DetectionRun.objects.create(
            started_at=started,
            as_of=as_of,
            method=method,
            freq=freq,
            period=period,
            n_series=matrix.n_series,
            n_alarms=len(hits),
            trigger=trigger,
        )
        new, extended = _write_alarms(run, matrix, out, hits, period)
        run.n_new, run.n_extended = new, extended
        run.finished_at = timezone.now()
        run.seconds = time.monotonic() - t0
        run.save()
        audit_record(
            actor=actor,
            role=primary_role(actor) if actor is not None else "",
            action="earlywarning.detect",
            object_type="detection_run",
            object_id=run.pk,
            data={
                "method": method,
                "freq": freq,
                "period": period.isoformat(),
                "series": matrix.n_series,
                "alarms": len(hits),
                "new": new,
                "extended": extended,
            },
        )
    say(f"alerts: {new} new, {extended} extended in {time.monotonic() - t2:.2f} s")
    say(f"run {run.pk} done in {run.seconds:.2f} s")
    return run


def _write_alarms(
    run: DetectionRun,
    matrix: detection.SeriesMatrix,
    out: detection.EngineOutput,
    hits: np.ndarray,
    period: dt.date,
) -> tuple[int, int]:
    if len(hits) == 0:
        return 0, 0
    now = run.started_at
    freq, method = matrix.freq, run.method
    gap = indicators.step(freq) * 2
    keys = [matrix.keys[i] for i in hits]
    area_ids = {k[0] for k in keys}
    areas = {a.pk: a for a in Area.objects.filter(pk__in=area_ids)}
    cats = {c.pk: c for c in Category.objects.all()}
    base = Alert.objects.filter(kind=AlertKind.ABERRATION, method=method, freq=freq)
    open_alerts = {
        (a.area_id, a.category_id): a
        for a in base.filter(status__in=lifecycle.OPEN, area_id__in=area_ids).order_by("created_at")
    }
    done = set(
        AlertPoint.objects.filter(
            alert__kind=AlertKind.ABERRATION,
            alert__method=method,
            alert__freq=freq,
            period=period,
        ).values_list("alert__area_id", "alert__category_id")
    )
    calendar = BusinessCalendar.load()
    tz = timezone.get_current_timezone()
    p_from = dt.datetime.combine(period, dt.time(0), tzinfo=tz)
    p_to = p_from + indicators.step(freq)
    new = extended = 0
    for i, key in zip(hits.tolist(), keys, strict=True):
        if key in done:
            continue
        area, cat = areas[key[0]], cats[key[1]]
        obs = float(out.observed[i, 0])
        exp = detection.finite(out.expected[i, 0])
        upper = detection.finite(out.upperbound[i, 0])
        score = detection.finite(out.score[i, 0])
        sev = detection.severity(obs, upper, exp)
        alert = open_alerts.get(key)
        data = {"period": period.isoformat(), "observed": obs, "expected": exp, "upper": upper}
        if alert is not None and period - alert.period_end <= gap and period > alert.period_end:
            alert.period_end = period
            alert.observed, alert.expected, alert.upperbound, alert.score = obs, exp, upper, score
            if severity_rank(sev) > severity_rank(alert.severity):
                alert.severity = sev
            alert.run = run
            alert.updated_at = now
            alert.save()
            alert_event(alert, "extend", data=data, now=now)
            alert_audit(None, "alert.extend", alert, data)
            extended += 1
        else:
            alert = Alert.objects.create(
                kind=AlertKind.ABERRATION,
                area=area,
                category=cat,
                method=method,
                freq=freq,
                period_start=period,
                period_end=period,
                observed=obs,
                expected=exp,
                upperbound=upper,
                score=score,
                severity=sev,
                responsible_area=responsible_area_for(area, cat),
                ack_deadline=ack_deadline(timezone.localdate(now), calendar),
                run=run,
                created_at=now,
                updated_at=now,
            )
            alert_event(alert, "create", to=alert.status, data=data, now=now)
            alert_audit(None, "alert.create", alert, {"kind": alert.kind, "method": method, **data})
            new += 1
        AlertPoint.objects.create(
            alert=alert, period=period, observed=obs, expected=exp, upperbound=upper, score=score
        )
        ids = Case.objects.filter(
            area__path__startswith=area.path,
            category_id=cat.pk,
            created_at__gte=p_from,
            created_at__lt=p_to,
        ).values_list("pk", flat=True)
        alert.cases.add(*ids)
    return new, extended
