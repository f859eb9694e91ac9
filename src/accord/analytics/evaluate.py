"""Performance of a detector on labelled series: FPR, POD, sensitivity, specificity, PPV, delay.

Definitions follow Noufaily et al. (2013), Section 4 (FPR and POD) and the usual week-level
classification measures:

- **FPR**: share of monitored weeks with an alarm in the outbreak-free twins.
- **POD**: share of outbreaks (series whose monitored weeks contain outbreak weeks) with at
  least one alarm in an outbreak week.
- **POD first week**: share of outbreaks alarmed in their first outbreak week.
- **sensitivity**: share of outbreak weeks alarmed; **specificity**: share of non-outbreak weeks
  not alarmed (both on the outbreak series); **PPV**: share of alarms that fall in outbreak weeks.
- **delay**: mean number of weeks from the first outbreak week to the first alarm in an outbreak
  week, over detected outbreaks (0 = detected in the first week).

``alarm``/``state`` arrays are (n_series, n_monitored) booleans, as ``DetectionResult.alarm``
and ``CountSeries.state[:, result.t]``. Undefined ratios (empty denominators) are NaN.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from accord.analytics.result import DetectionResult
    from accord.analytics.simulate import Simulation

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Metrics:
    """Detection performance over a set of series (see the module docstring)."""

    n_series: int
    n_outbreaks: int  # series with at least one outbreak week in the monitored range
    fpr: float
    pod: float
    pod_first_week: float
    sensitivity: float
    specificity: float
    ppv: float
    delay: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den > 0 else float("nan")


def metrics(
    alarm: npt.ArrayLike, state: npt.ArrayLike, twin_alarm: npt.ArrayLike | None = None
) -> Metrics:
    """Metrics for one group of series; ``twin_alarm`` (outbreak-free twins) gives the FPR."""
    a = np.atleast_2d(np.asarray(alarm, dtype=bool))
    s = np.atleast_2d(np.asarray(state, dtype=bool))
    if a.shape != s.shape:
        raise ValueError(f"alarm {a.shape} and state {s.shape} must have the same shape")
    has_outbreak = s.any(axis=1)
    hit = a & s
    detected = hit.any(axis=1) & has_outbreak
    first_week = np.argmax(s, axis=1)  # first outbreak week (0 when none; masked below)
    first_hit = np.argmax(hit, axis=1)
    rows = np.arange(a.shape[0])
    first_alarmed = s[rows, first_week] & a[rows, first_week] & has_outbreak

    if twin_alarm is None:
        fpr = float("nan")
    else:
        tw = np.atleast_2d(np.asarray(twin_alarm, dtype=bool))
        if tw.shape[1] != a.shape[1]:
            raise ValueError("twin_alarm must cover the same monitored weeks as alarm")
        fpr = _ratio(tw.sum(), tw.size)
    n_out = int(has_outbreak.sum())
    delays = (first_hit - first_week)[detected]
    return Metrics(
        n_series=int(a.shape[0]),
        n_outbreaks=n_out,
        fpr=fpr,
        pod=_ratio(detected.sum(), n_out),
        pod_first_week=_ratio(first_alarmed.sum(), n_out),
        sensitivity=_ratio(hit.sum(), s.sum()),
        specificity=_ratio((~a & ~s).sum(), (~s).sum()),
        ppv=_ratio(hit.sum(), a.sum()),
        delay=float(delays.mean()) if delays.size else float("nan"),
    )


def evaluate(
    alarm: npt.ArrayLike,
    state: npt.ArrayLike,
    twin_alarm: npt.ArrayLike | None = None,
    groups: Sequence[object] | npt.ArrayLike | None = None,
) -> dict[object, Metrics]:
    """Metrics per group (e.g. scenario id; one label per series) and ``"overall"``."""
    a = np.atleast_2d(np.asarray(alarm, dtype=bool))
    s = np.atleast_2d(np.asarray(state, dtype=bool))
    tw = None if twin_alarm is None else np.atleast_2d(np.asarray(twin_alarm, dtype=bool))
    out: dict[object, Metrics] = {}
    if groups is not None:
        g = np.asarray(groups)
        if g.shape[0] != a.shape[0]:
            raise ValueError("groups must give one label per series")
        for label in dict.fromkeys(g.tolist()):  # first-seen order
            rows = g == label
            out[label] = metrics(a[rows], s[rows], None if tw is None else tw[rows])
    out["overall"] = metrics(a, s, tw)
    return out


def evaluate_simulation(
    sim: Simulation, result: DetectionResult, twin_result: DetectionResult
) -> dict[object, Metrics]:
    """Per-scenario and overall metrics of detector runs on ``sim.series`` and ``sim.twin``."""
    if not np.array_equal(result.t, twin_result.t):
        raise ValueError("the series and twin runs must monitor the same weeks")
    # outbreak weeks = weeks with cases of the *current* outbreak (a past outbreak spilling into
    # the first monitored weeks would otherwise move the outbreak's first week)
    state = sim.current_cases[:, result.t] > 0
    return evaluate(result.alarm, state, twin_result.alarm, sim.scenario)
