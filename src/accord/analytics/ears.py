"""EARS C1, C2 and C3: a vectorised port of R ``surveillance::earsC`` (1.20).

The CDC Early Aberration Reporting System methods (Hutwagner et al. 2003, J Urban Health
80:i89-i96; Fricker et al. 2008, Stat Med 27:3407-3429) compare today's count with the mean and
standard deviation of a short moving baseline:

* C1: baseline = the ``baseline`` days just before ``t``;
* C2: the same, lagged by two (days ``t - baseline - 2 .. t - 3``);
* C3: C2's baseline; R's upper bound is
  ``y_t + sd_t * (z - (max(0, C2_{t-2} - 1) + max(0, C2_{t-1} - 1)))``, floored at 0.

Upper bound for C1/C2: ``mean + z_{1 - alpha} * max(sd, minSigma)``; alarm when ``y_t > U``.
Missing counts (NaN) propagate to the bound as R's ``mean``/``sd`` do (no alarm there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view
from scipy import stats

from accord.analytics.result import DetectionResult
from accord.analytics.series import CountSeries

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

EarsMethod = Literal["C1", "C2", "C3"]


@dataclass(frozen=True)
class EarsControl:
    """Control parameters of ``surveillance::earsC`` (1.20), with R's defaults.

    ``alpha=None`` resolves like R does when ``alpha`` is not given: 0.001 for C1 and C2, 0.025
    for C3. (``earsC(sts)`` with no control at all uses 0.001 with the default method C1.)
    ``range`` is not a control here: pass ``t`` to :func:`detect`.
    """

    method: EarsMethod = "C1"  # "C1", "C2" or "C3"
    baseline: int = 7  # number of reference time points, >= 3
    alpha: float | None = None  # upper-tail level; None -> 0.001 (C1, C2) or 0.025 (C3)
    minSigma: float = 0.0  # lower bound on the baseline standard deviation

    def __post_init__(self) -> None:
        if self.method not in ("C1", "C2", "C3"):
            raise ValueError(f"method must be 'C1', 'C2' or 'C3', got {self.method!r}")
        if int(self.baseline) != self.baseline or self.baseline < 3:
            raise ValueError(f"Minimum baseline to use is 3, got {self.baseline!r}")
        if self.minSigma < 0:
            raise ValueError("The minimum sigma parameter (minSigma) needs to be positive")
        if self.alpha is not None and not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha!r}")

    @property
    def resolved_alpha(self) -> float:
        if self.alpha is not None:
            return float(self.alpha)
        return 0.025 if self.method == "C3" else 0.001

    @property
    def max_lag(self) -> int:
        """How far back the oldest reference value lies (R's ``maxLag``)."""
        return {"C1": 0, "C2": 2, "C3": 4}[self.method] + int(self.baseline)


def _baseline_stats(
    obs: FloatArray, cols: IntArray, baseline: int, lag: int
) -> tuple[FloatArray, FloatArray]:
    """Mean and sample sd (n - 1) of ``obs[:, c - lag - baseline : c - lag]`` for each column c."""
    windows = sliding_window_view(obs, baseline, axis=1)  # windows[:, a] = obs[:, a : a + baseline]
    ref = windows[:, cols - lag - baseline, :]
    mean = ref.mean(axis=2)
    sd = ref.std(axis=2, ddof=1)
    return mean, sd


def _ears_block(
    obs: FloatArray, cols: IntArray, control: EarsControl, z: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Upper bound, baseline mean, sigma and C statistic for a block of series."""
    b = int(control.baseline)
    y = obs[:, cols]
    with np.errstate(divide="ignore", invalid="ignore"):
        if control.method in ("C1", "C2"):
            lag = 0 if control.method == "C1" else 2
            mean, sd = _baseline_stats(obs, cols, b, lag)
            sigma = np.maximum(sd, control.minSigma)
            upper = mean + z * sigma
            score = (y - mean) / sigma
            return upper, mean, sigma, score
        # C2 statistics at t-2, t-1 and t (R: rangeC2 = (min(range) - 2):max(range))
        c2 = []
        for shift in (2, 1, 0):
            m, s = _baseline_stats(obs, cols - shift, b, 2)
            c2.append((obs[:, cols - shift] - m) / np.maximum(s, control.minSigma))
        sigma = np.maximum(s, control.minSigma)  # sd of the C2 baseline at t itself
        part2 = np.maximum(0.0, c2[0] - 1.0)  # np.maximum propagates NaN like R's pmax
        part1 = np.maximum(0.0, c2[1] - 1.0)
        upper = np.maximum(0.0, y + sigma * (z - (part2 + part1)))
        score = part2 + part1 + np.maximum(0.0, c2[2] - 1.0)
        return upper, m, sigma, score


def detect(
    series: CountSeries,
    control: EarsControl | None = None,
    *,
    t: Sequence[int] | None = None,
    max_chunk_bytes: int = 64 * 2**20,
) -> DetectionResult:
    """Run ``earsC`` on every series for the 0-based monitored columns ``t``.

    Default ``t``: every column with enough history (R's default ``range``). ``expected`` is the
    baseline mean, ``score`` the C statistic ((y - mean) / sd for C1 and C2; for C3 the sum of
    ``max(0, C2 - 1)`` over the current and two previous points); ``pvalue`` is not defined (NaN).
    Series are processed in blocks of about ``max_chunk_bytes`` of baseline windows.
    """
    control = control or EarsControl()
    if not isinstance(control, EarsControl):
        raise ValueError("control must be an EarsControl")
    obs = series.observed
    n_t = series.n_time
    first = control.max_lag
    if t is None:
        cols = np.arange(first, n_t, dtype=np.int64)
    else:
        arr = np.asarray(t)
        if arr.ndim != 1:
            raise ValueError("t must be a 1-D sequence of column indices")
        if arr.size and not np.all(arr == np.round(arr)):
            raise ValueError("t must contain integer column indices")
        cols = np.unique(arr.astype(np.int64))
        if cols.size and (cols.max() >= n_t or cols.min() < 0):
            raise ValueError(f"t must be within [0, {n_t}) (0-based columns)")
        if cols.size and cols.min() < first:
            raise ValueError(
                f"The vector of observed is too short! {control.method} with baseline "
                f"{control.baseline} needs t >= {first}"
            )
    if n_t <= first:
        raise ValueError(f"The vector of observed is too short! need more than {first} columns")

    z = float(stats.norm.ppf(1.0 - control.resolved_alpha))
    n_s, n_k = series.n_series, cols.size
    y = obs[:, cols]
    upper = np.empty((n_s, n_k))
    mean = np.empty((n_s, n_k))
    sigma = np.empty((n_s, n_k))
    score = np.empty((n_s, n_k))
    # series blocks keep the (series x weeks x baseline) windows within max_chunk_bytes
    per_series = 8 * max(n_k, 1) * int(control.baseline) * 3
    step = max(1, int(max_chunk_bytes // per_series))
    for lo in range(0, n_s, step):
        sl = slice(lo, lo + step)
        u, m, sg, sc = _ears_block(obs[sl], cols, control, z)
        upper[sl], mean[sl], sigma[sl], score[sl] = u, m, sg, sc
    with np.errstate(invalid="ignore"):
        alarm = y > upper  # NaN bound -> False (R: NA)
    return DetectionResult(
        method=f"ears:{control.method}",
        t=cols,
        observed=y.copy(),
        alarm=np.asarray(alarm, dtype=bool),
        upperbound=upper,
        expected=mean,
        score=score,
        pvalue=np.full(y.shape, np.nan),
        diagnostics={"sigma": sigma},
    )
