"""Detection runs: every indicator series through the engine in one batch, alarms → alerts.

`load_series` turns the indicator table into one (series × periods) matrix; `run_engine`
calls `accord.analytics.methods.run` once for the whole matrix (the engine is vectorised over
series) and applies the platform's minimum-count rule; `accord.earlywarning.detect.detect_run`
writes the alerts (extending an open alert whose alarm continues).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings

from accord.analytics import methods
from accord.analytics.series import CountSeries
from accord.core.errors import ValidationFailed
from accord.earlywarning.indicators import period_of, step
from accord.earlywarning.models import Freq, IndicatorCount

WEEKLY_METHODS = ("noufaily", "farrington", "ears-c1", "ears-c2", "ears-c3", "glrnb")
DAILY_METHODS = ("ears-c1", "ears-c2", "ears-c3")
DEFAULT_METHOD = {Freq.WEEKLY: "noufaily", Freq.DAILY: "ears-c2"}
GLRNB_WINDOW = 26  # glrnb: the CUSUM runs over the last 26 periods (phase-1 fit before them)


def min_counts() -> tuple[int, int]:
    """No alert with fewer than N cases in the last K periods (like Farrington's limit54),
    applied to every method so that sparse series do not alarm on one or two cases."""
    value = getattr(settings, "ACCORD_EW_MIN_CASES", (5, 4))
    return int(value[0]), int(value[1])


@dataclass(frozen=True)
class SeriesMatrix:
    freq: str
    periods: list[dt.date]  # the label (first day) of every column
    keys: list[tuple[int, int]]  # (area_id, category_id) of every row
    counts: npt.NDArray[np.float64]  # rows × columns

    @property
    def n_series(self) -> int:
        return len(self.keys)

    def column(self, period: dt.date) -> int:
        return (period - self.periods[0]).days // step(self.freq).days


def last_complete_period(as_of: dt.date, freq: str) -> dt.date:
    """The latest period that is over before `as_of` (the last full week, or yesterday)."""
    return period_of(as_of, freq) - step(freq)


def load_series(freq: str, end: dt.date, start: dt.date | None = None) -> SeriesMatrix:
    """All indicator series of `freq` with any case up to period `end`, as one dense matrix
    from the first period with data (or `start`) to `end`. Missing cells are zeros."""
    qs = IndicatorCount.objects.filter(freq=freq, period__lte=end)
    if start is not None:
        qs = qs.filter(period__gte=start)
    rows = list(qs.values_list("area_id", "category_id", "period", "count").order_by())
    if not rows:
        return SeriesMatrix(freq, [], [], np.zeros((0, 0)))
    first = start or min(r[2] for r in rows)
    days = step(freq).days
    n_time = (end - first).days // days + 1
    keys = sorted({(r[0], r[1]) for r in rows})
    index = {k: i for i, k in enumerate(keys)}
    r_idx = np.fromiter((index[(r[0], r[1])] for r in rows), dtype=np.int64, count=len(rows))
    c_idx = np.fromiter(
        ((r[2] - first).days // days for r in rows), dtype=np.int64, count=len(rows)
    )
    vals = np.fromiter((r[3] for r in rows), dtype=np.float64, count=len(rows))
    counts = np.zeros((len(keys), n_time))
    np.add.at(counts, (r_idx, c_idx), vals)
    periods = [first + dt.timedelta(days=days * i) for i in range(n_time)]
    return SeriesMatrix(freq, periods, keys, counts)


def check_method(method: str, freq: str) -> None:
    allowed = WEEKLY_METHODS if freq == Freq.WEEKLY else DAILY_METHODS
    if method not in allowed:
        raise ValidationFailed(
            f"method {method!r} is not available for {'weekly' if freq == Freq.WEEKLY else 'daily'}"
            f" series; choose one of: {', '.join(allowed)}",
            code="unknown_method",
        )


def engine_overrides(method: str, freq: str, first_col: int, n_time: int) -> dict[str, Any]:
    """Control values for the history we have: Farrington/Noufaily use as many past years
    (b ≤ 5) as the first monitored column allows."""
    per_year = 52 if freq == Freq.WEEKLY else 365
    if method in ("noufaily", "farrington"):
        w = 3
        b = min(5, (first_col - w) // per_year)
        if b < 1:
            raise ValidationFailed(
                f"{method} needs at least {per_year + w + 1} periods of history before the "
                f"monitored period; there are {first_col}",
                code="not_enough_history",
            )
        return {"b": b, "w": w}
    if method == "glrnb":
        if first_col < per_year:
            raise ValidationFailed(
                f"glrnb needs at least {per_year} periods of history before the monitored range",
                code="not_enough_history",
            )
        # A fixed NB dispersion: estimating it per series (glm.nb) costs ~30 ms a series.
        return {"alpha": float(getattr(settings, "ACCORD_EW_GLRNB_ALPHA", 0.2))}
    if first_col < 9:
        raise ValidationFailed("EARS needs 9 periods of history", code="not_enough_history")
    return {}


@dataclass(frozen=True)
class EngineOutput:
    cols: npt.NDArray[np.int64]  # monitored columns
    alarm: npt.NDArray[np.bool_]  # series × monitored (after the minimum-count rule)
    observed: npt.NDArray[np.float64]
    expected: npt.NDArray[np.float64]
    upperbound: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]


def run_engine(
    matrix: SeriesMatrix, method: str, cols: list[int] | npt.NDArray[np.int64]
) -> EngineOutput:
    """One batched engine call over every series at the monitored columns `cols`."""
    check_method(method, matrix.freq)
    cols = np.asarray(cols, dtype=np.int64)
    n_time = matrix.counts.shape[1]
    overrides = engine_overrides(method, matrix.freq, int(cols.min()), n_time)
    freq = 52 if matrix.freq == Freq.WEEKLY else 365
    n_min, k = min_counts()
    csum = np.concatenate([np.zeros((matrix.n_series, 1)), np.cumsum(matrix.counts, axis=1)], 1)
    recent = csum[:, cols + 1] - csum[:, np.maximum(cols + 1 - k, 0)]
    eligible = recent >= n_min  # series × monitored: may alarm under the minimum-count rule
    if method == "glrnb":
        # The CUSUM accumulates over a window; only the requested columns are reported. Its
        # phase-1 fit costs ~4 ms a series, so only series that may alarm at all under the
        # minimum-count rule go through it (the result for the others is "no alarm" anyway).
        shape = (matrix.n_series, len(cols))
        alarm = np.zeros(shape, dtype=bool)
        obs = matrix.counts[:, cols]
        exp, upper, score = np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)
        rows = np.nonzero(eligible.any(axis=1))[0]
        if len(rows):
            lo = max(int(cols.min()) - GLRNB_WINDOW + 1, freq)
            window = np.arange(lo, int(cols.max()) + 1)
            sub = CountSeries(matrix.counts[rows], freq=freq)
            res = methods.run(method, sub, t=window.tolist(), **overrides)
            pick = np.searchsorted(res.t, cols)
            alarm[rows], exp[rows], score[rows] = (
                res.alarm[:, pick],
                res.expected[:, pick],
                res.score[:, pick],
            )
            # The bound in cases (the count that would have alarmed) only where alarmed.
            hit = rows[alarm[rows].any(axis=1)]
            if len(hit):
                sub = CountSeries(matrix.counts[hit], freq=freq)
                cases = methods.run(method, sub, t=window.tolist(), ret="cases", **overrides)
                upper[hit] = cases.upperbound[:, pick]
    else:
        series = CountSeries(matrix.counts, freq=freq)
        res = methods.run(method, series, t=cols.tolist(), **overrides)
        alarm, obs, exp = res.alarm, res.observed, res.expected
        upper, score = res.upperbound, res.score
    alarm = np.asarray(alarm, dtype=bool) & eligible
    return EngineOutput(cols, alarm, obs, exp, upper, score)


def severity(observed: float, upperbound: float | None, expected: float | None) -> str:
    """How far above the threshold: high from 1.5× the upper bound, critical from 2× (and at
    least 10 cases); otherwise medium."""
    ref = upperbound if upperbound is not None and np.isfinite(upperbound) else expected
    if ref is None or not np.isfinite(ref) or ref <= 0:
        return "high" if observed >= 10 else "medium"
    ratio = observed / ref
    if ratio >= 2 and observed >= 10:
        return "critical"
    if ratio >= 1.5:
        return "high"
    return "medium"


def finite(value: Any) -> float | None:
    v = float(value)
    return v if np.isfinite(v) else None
