"""Farrington-type outbreak detection: a vectorised port of R ``surveillance::farringtonFlexible``.

The algorithm (Farrington et al. 1996, JRSS A 159:547-563; improved by Noufaily et al. 2013,
Stat Med 32:1206-1222), as implemented in surveillance 1.20 (``farringtonFlexible``,
``algo.farrington.data.glm``, ``blocks``, ``algo.farrington.glm``,
``algo.farrington.fitGLM.flexible``, ``anscombe.residuals``, ``algo.farrington.assign.weights``,
``algo.farrington.threshold.farrington`` and ``algo.farrington.threshold.noufaily``):

For each monitored week ``k``, take the reference weeks ``k - freq*j`` (``j = 1..b``) and
``w`` weeks either side (plus, with ``noPeriods > 1``, the rest of each year split into
``noPeriods - 1`` seasonal blocks), drop the last ``pastWeeksNotIncluded`` weeks, fit a
quasi-Poisson GLM with log link (optional trend, optional seasonal factor, optional population
offset), down-weight outlying weeks using Anscombe residuals and refit, keep the trend only if it
is significant and does not extrapolate beyond the data, then compute an upper bound for the
count in week ``k`` and raise an alarm when the count exceeds it (and at least ``limit54[0]``
cases were seen in the last ``limit54[1]`` weeks).

R details reproduced on purpose (checked against R in ``tests/results``):

* the GLM is ``glm.fit`` replayed step by step (start ``mu = y + 0.1``, relative deviance
  change < 1e-8, at most 25 iterations); no convergence with and without trend gives no result;
* ``phi = max(1, Pearson X^2 / df)``; but after reweighting R stores the prior weights in
  ``model$weights``, so the dispersion behind the trend p-value and ``se.fit`` is
  ``sum(omega * ((y - mu) / mu)^2) / df`` (tiny for large counts: the trend is then nearly
  always significant), and ``predict.glm`` ignores the ``phi`` R puts into ``newdata``;
* the trend is kept only if ``b >= 3``, its p-value < ``pThresholdTrend`` and the prediction
  does not exceed the largest reference count;
* for ``nbPlugin``/``muan`` the score is ``(y - eta0) / (U - eta0)`` with ``eta0`` on the log
  scale, as in ``algo.farrington.threshold.noufaily``.

Deliberate deviation: where R gets no model, it leaves ``expected`` at 0; we return NaN (and
``alarm = False``, ``diagnostics["converged"] = False``, ``diagnostics["trend"] = False``).

Everything is batched: for a fixed monitored week the design is the same for all series, and
with regular (index-based) reference weeks it is also the same for every monitored week, so all
(series, week) pairs are fitted together, in memory-bounded chunks, with the closed-form IRLS of
:mod:`accord.analytics._glm`.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy import stats

from accord.analytics._glm import (
    DBL_EPS,
    Levels,
    QuasiPoissonFit,
    Response,
    fit_quasipoisson,
    hat_values_level,
    inverse_d,
    predict_link,
    trend_pvalue,
)
from accord.analytics.result import DetectionResult
from accord.analytics.series import CountSeries

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

PowerTrans = Literal["2/3", "1/2", "none"]
ThresholdMethod = Literal["delta", "nbPlugin", "muan"]

_LOG_MAX = float(np.log(np.finfo(np.float64).max))  # exp() of more overflows
#: phi - 1 at or below this is treated as Poisson by the Noufaily thresholds (see there)
_NEAR_POISSON = 1e-10
_POWERS: dict[str, float] = {"2/3": 2.0 / 3.0, "1/2": 0.5, "none": 1.0}
_METHODS = ("delta", "nbPlugin", "muan")


@dataclass(frozen=True)
class FarringtonControl:
    """Control parameters of ``surveillance::farringtonFlexible`` (1.20), with R's defaults.

    Not ported: ``range`` (pass ``t`` to :func:`detect`), ``verbose``, ``glmWarnings`` and
    ``fitFun`` (the only choice in R is ``"algo.farrington.fitGLM.flexible"``, which this is).
    """

    b: int = 5  # number of past years used as reference
    w: int = 3  # half-width of the window around each reference week
    reweight: bool = True  # refit with Anscombe-residual weights to down-weight past outbreaks
    weightsThreshold: float = 2.58  # residuals above this are down-weighted (Farrington 1996: 1)
    alpha: float = 0.05  # one-sided level of the upper bound
    trend: bool = True  # try a linear time trend
    pThresholdTrend: float = 0.05  # keep the trend only if its p-value is below this (Noufaily: 1)
    limit54: tuple[int, int] = (
        5,
        4,
    )  # no alarm with fewer than limit54[0] cases in limit54[1] weeks
    powertrans: PowerTrans = "2/3"  # power transform for the "delta" threshold: 2/3, 1/2, none
    populationOffset: bool = False  # log(population) offset in the GLM
    noPeriods: int = 1  # seasonal factor levels (1 = none; Noufaily 2013 uses 10)
    pastWeeksNotIncluded: int | None = None  # recent weeks left out of the fit; None means w
    thresholdMethod: ThresholdMethod = "delta"  # "delta" (Farrington), "nbPlugin"/"muan" (Noufaily)

    def __post_init__(self) -> None:
        if int(self.b) != self.b or self.b < 1:
            raise ValueError(f"b must be a positive integer, got {self.b!r}")
        if int(self.w) != self.w or self.w < 0:
            raise ValueError(f"w must be a non-negative integer, got {self.w!r}")
        if not 0.0 < self.alpha < 1.0:
            raise ValueError(f"alpha must be in (0, 1), got {self.alpha!r}")
        if len(self.limit54) != 2 or not (self.limit54[0] >= 0 and self.limit54[1] > 0):
            raise ValueError(
                "The limit54 arguments are out of bounds: cases >= 0 and period > 0, "
                f"got {self.limit54!r}"
            )
        if int(self.limit54[1]) != self.limit54[1]:
            raise ValueError(f"limit54[1] must be an integer number of weeks, got {self.limit54!r}")
        if self.powertrans not in _POWERS:
            raise ValueError(
                f"powertrans must be one of {sorted(_POWERS)}, got {self.powertrans!r}"
            )
        if self.thresholdMethod not in _METHODS:
            raise ValueError(
                f"thresholdMethod must be one of {_METHODS}, got {self.thresholdMethod!r}"
            )
        if int(self.noPeriods) != self.noPeriods or self.noPeriods < 1:
            raise ValueError(f"noPeriods must be a positive integer, got {self.noPeriods!r}")
        pw = self.pastWeeksNotIncluded
        if pw is not None and (int(pw) != pw or pw < 0):
            raise ValueError(f"pastWeeksNotIncluded must be None or an integer >= 0, got {pw!r}")

    @property
    def past_weeks_not_included(self) -> int:
        """R: ``if (is.null(pastWeeksNotIncluded)) pastWeeksNotIncluded <- w``."""
        return int(self.w if self.pastWeeksNotIncluded is None else self.pastWeeksNotIncluded)


#: Farrington et al. (1996) as set up in surveillance's farringtonFlexible examples.
FARRINGTON = FarringtonControl(
    noPeriods=1,
    weightsThreshold=1.0,
    pastWeeksNotIncluded=3,
    pThresholdTrend=0.05,
    thresholdMethod="delta",
)
#: Noufaily et al. (2013): 10 seasonal periods, 26 recent weeks left out, NB plug-in threshold.
NOUFAILY = FarringtonControl(
    noPeriods=10,
    weightsThreshold=2.58,
    pastWeeksNotIncluded=26,
    pThresholdTrend=1.0,
    thresholdMethod="nbPlugin",
)
PRESETS: dict[str, FarringtonControl] = {"farrington": FARRINGTON, "noufaily": NOUFAILY}


# --------------------------------------------------------------------------------------------
# reference weeks and the design (R: algo.farrington.referencetimepoints, blocks, data.glm)
# --------------------------------------------------------------------------------------------


def _years_back(day: dt.date, j: int) -> dt.date:
    """R's ``seq(day, by = "-1 year")``: same month/day, 29 Feb normalised to 1 Mar."""
    try:
        return day.replace(year=day.year - j)
    except ValueError:
        return dt.date(day.year - j, 3, 1)


def _reference_columns(series: CountSeries, k: int, b: int) -> list[int]:
    """Columns ``[k, ref_1, ..., ref_b]`` of the same week 1..b years back (descending).

    Without dates (R: ``sts`` with ``epochAsDate = FALSE``) these are ``k - freq * j``. With a
    start date (``epochAsDate = TRUE``) R goes back ``j`` calendar years and, for weekly data,
    takes the week (same weekday) nearest to that date.
    """
    freq = series.freq
    if series.start is None:
        return [k - int(round(freq)) * j for j in range(b + 1)]
    if freq == 52:
        day_k = series.start + dt.timedelta(days=7 * k)
        out = [k]
        for j in range(1, b + 1):
            days = (_years_back(day_k, j) - series.start).days
            out.append(int(math.floor(days / 7.0 + 0.5)))  # nearest same weekday, never a tie
        return out
    if freq == 365:
        day_k = series.start + dt.timedelta(days=k)
        return [k] + [(_years_back(day_k, j) - series.start).days for j in range(1, b + 1)]
    return [k - 12 * j for j in range(b + 1)]  # freq == 12: monthly epochs, one year = 12


def _check_freq(series: CountSeries) -> None:
    freq = series.freq
    if series.start is not None:
        if freq not in (52, 12, 365):
            raise ValueError(
                "with a start date, freq must be 52 (weekly), 12 (monthly) or 365 (daily) "
                f"like surveillance's epochAsDate handling, got {freq!r}"
            )
    elif freq != int(freq) or freq < 1:
        raise ValueError(
            f"freq must be a positive integer when series.start is None, got {freq!r} "
            "(R looks the reference weeks up at k - freq * j)"
        )


def _blocks(refs: list[int], b: int, w: int, p: int) -> dict[int, int]:
    """Seasonal factor level per column, as R's ``surveillance:::blocks`` assigns it.

    The window ``ref +- w`` of every reference week gets level ``p``; with ``p > 1`` the weeks
    between consecutive windows are split into ``p - 1`` blocks of (nearly) equal length, the
    first ``rest`` blocks one week longer. R's ``a:b`` with ``b < a`` counts down; kept as is.
    """
    lev: dict[int, int] = {}
    now = refs[0]
    for c in range(now - w, now + 1):
        lev[c] = p
    for i in range(1, b + 1):
        ref = refs[i]
        for c in range(ref - w, ref + w + 1):
            lev[c] = p
        if p != 1:
            period = refs[i - 1] - 2 * w - 1 - ref
            if period < p - (2 * w + 1):
                raise ValueError("Number of factors too big! (noPeriods too large for freq and w)")
            length, rest = divmod(period, p - 1)
            lengths = [length + (1 if j < rest else 0) for j in range(p - 1)]
            cum = np.concatenate([[0], np.cumsum(lengths)])
            for j in range(1, p):
                lo = ref + w + 1 + int(cum[j - 1])
                hi = ref + w + 1 + int(cum[j]) - 1
                cols = range(lo, hi + 1) if hi >= lo else range(lo, hi - 1, -1)
                for c in cols:
                    lev[c] = j
    return lev


@dataclass(frozen=True)
class _Design:
    offsets: IntArray  # (n,) columns relative to k (< 0), rows sorted by level then time
    levels: Levels  # seasonal level of each row (0-based rank among the levels present)
    pred_level: int  # level index of noPeriods (the current week's level), -1 if absent


def _design(series: CountSeries, k: int, control: FarringtonControl) -> tuple[_Design, int]:
    """Rows of the GLM data for monitored column ``k``; also returns the earliest column used."""
    refs = _reference_columns(series, k, control.b)
    if min(refs) - control.w < 0 or min(refs) < 0:
        raise ValueError(
            f"not enough history to monitor column {k} with b={control.b}, w={control.w} "
            f"(needs column {min(refs) - control.w} >= 0): decrease b or monitor later columns"
        )
    lev = _blocks(refs, control.b, control.w, control.noPeriods)
    pw = control.past_weeks_not_included
    cols = sorted(c for c in lev if c < k - pw or c > k)  # R: blocksID[(k - pw):k] <- NA
    cols = [c for c in cols if c <= k]
    if min(cols, default=0) < 0:
        raise ValueError(f"not enough history to monitor column {k}")
    values = np.array([lev[c] for c in cols], dtype=np.int64)
    present, index = np.unique(values, return_inverse=True)  # R drops unused factor levels
    order = np.lexsort((np.array(cols), index))  # group the rows by level (order is immaterial)
    where = np.nonzero(present == control.noPeriods)[0]
    pred_level = int(where[0]) if where.size else -1
    offsets = np.array(cols, dtype=np.int64)[order] - k
    design = _Design(offsets, Levels(index[order]), pred_level)
    return design, min(cols)


def default_columns(series: CountSeries, control: FarringtonControl) -> IntArray:
    """Monitored columns R would use by default, i.e. those with ``b`` years and ``w`` weeks of
    history (R: ``range = (freq * b + w + 1):nrow``; with dates, the first column whose reference
    weeks all exist)."""
    _check_freq(series)
    n = series.n_time
    if series.start is None:
        first = int(round(series.freq)) * control.b + control.w
        return np.arange(first, n, dtype=np.int64)
    ok = [k for k in range(n) if min(_reference_columns(series, k, control.b)) - control.w >= 0]
    return np.array(ok, dtype=np.int64)


# --------------------------------------------------------------------------------------------
# model fitting (R: algo.farrington.fitGLM.flexible and algo.farrington.glm)
# --------------------------------------------------------------------------------------------


def _phi(fit: QuasiPoissonFit) -> FloatArray:
    """``max(summary(model)$dispersion, 1)``; NaN stays NaN as in R's max()."""
    return np.where(np.isnan(fit.dispersion), np.nan, np.maximum(fit.dispersion, 1.0))


def _reweights(
    resp: Response,
    fit: QuasiPoissonFit,
    levels: Levels,
    wtime: FloatArray | None,
    phi: FloatArray,
    threshold: float,
) -> FloatArray:
    """Prior weights omega for the refit, from the Anscombe residuals of ``fit``: (n, B).

    ``anscombe.residuals()``: 3/2 (y^(2/3) mu^(-1/6) - mu^(1/2)) / sqrt(phi (1 - h)), written
    with c = mu^(1/3) as 3/2 (y^(2/3) - c^2) / sqrt(c); ``algo.farrington.assign.weights()``:
    gamma s^-2 above the threshold, gamma below, with gamma making the weights sum to the number
    of observations. Computed one level block at a time (the block stays in cache).
    """
    y0, valid = resp.y0, resp.valid
    if fit.mu is None:
        raise ValueError("the fit was made with keep_fitted=False")
    omega = np.empty_like(y0)
    rows = int(levels.counts.max()) if levels.n_lev else 0
    h_buf, c_buf, t_buf = (np.empty((rows, y0.shape[1])) for _ in range(3))
    inv_d = inverse_d(fit)
    with np.errstate(divide="ignore", invalid="ignore"):
        for lv in range(levels.n_lev):
            lo, hi = int(levels.starts[lv]), int(levels.stops[lv])
            h = hat_values_level(fit, levels, wtime, lv, inv_d, h_buf[: hi - lo])
            c = np.cbrt(fit.mu[lo:hi], out=c_buf[: hi - lo])
            t = np.multiply(c, c, out=t_buf[: hi - lo])
            s = np.cbrt(y0[lo:hi], out=omega[lo:hi])
            s *= s  # y^(2/3)
            s -= t
            s *= 1.5
            s /= np.sqrt(c, out=c)
            np.subtract(1.0, h, out=h)
            h *= phi
            s /= np.sqrt(h, out=h)
            big = s > threshold
            np.multiply(s, s, out=t)
            np.divide(1.0, t, out=t)
            s[...] = 1.0
            np.copyto(s, t, where=big)
            if not resp.all_valid:
                s[~valid[lo:hi]] = 0.0
        gamma = valid.sum(axis=0) / omega.sum(axis=0)
    omega *= gamma
    return omega


def _fit_flexible(
    resp: Response,
    design: _Design,
    wtime: FloatArray | None,
    control: FarringtonControl,
) -> tuple[QuasiPoissonFit, FloatArray, BoolArray]:
    """``algo.farrington.fitGLM.flexible`` for one formula: fit, then reweight and refit.

    Returns the final fit, its phi and whether the first (unweighted) fit converged; R's version
    would fall back to the model without trend / return NULL where it did not.
    """
    fit1 = fit_quasipoisson(resp, None, design.levels, wtime)
    phi = _phi(fit1)
    if not control.reweight:
        return fit1, phi, fit1.converged
    omega = _reweights(resp, fit1, design.levels, wtime, phi, control.weightsThreshold)
    fit2 = fit_quasipoisson(resp, omega, design.levels, wtime, keep_fitted=False)
    phi2 = _phi(fit2)
    # R then sets model$weights <- omega (prior instead of working weights), so the dispersion
    # that summary.glm (trend p-value) and predict.glm (se.fit) see is sum(omega r^2) / df with
    # working residuals r = (y - mu) / mu; phi above was taken before that substitution.
    assert fit2.dispersion_prior is not None
    disp = fit2.dispersion_prior
    return replace(fit2, dispersion=disp), phi2, fit1.converged


@dataclass
class _Final:
    eta0: FloatArray  # linear predictor at k (with offset)
    se_link: FloatArray  # its standard error
    phi: FloatArray
    trend: BoolArray
    ok: BoolArray  # R obtained a model (not NULL)


def _select(mask: BoolArray, a: FloatArray, b: FloatArray) -> FloatArray:
    return np.where(mask, a, b)


def _fit_and_predict(
    resp: Response,
    offset0: FloatArray | None,
    design: _Design,
    control: FarringtonControl,
) -> _Final:
    """``algo.farrington.glm``: trend model first, then drop the trend unless it is kept."""
    nb = resp.y0.shape[1]
    wtime = design.offsets.astype(np.float64)  # R uses the week index; a shift changes nothing
    lvl = design.pred_level
    eta0 = np.full(nb, np.nan)
    se = np.full(nb, np.nan)
    phi = np.full(nb, np.nan)
    trend = np.zeros(nb, dtype=bool)
    ok = np.zeros(nb, dtype=bool)
    if lvl < 0:
        return _Final(eta0, se, phi, trend, ok)  # R: predict() fails on an unseen factor level

    need_plain = np.ones(nb, dtype=bool)
    if control.trend:
        fit_t, phi_t, conv_t = _fit_flexible(resp, design, wtime, control)
        e_t, s_t = predict_link(fit_t, lvl, 0.0, offset0)
        # predict(type = "response") for the extrapolation check. The trend can extrapolate
        # to eta far beyond log(DBL_MAX) (R's exp gives Inf, and the trend is dropped); capping
        # eta there keeps mu finite and above any count, so the comparison is unchanged.
        mu_t = np.maximum(np.exp(np.minimum(e_t, _LOG_MAX)), DBL_EPS)
        ymax = np.max(resp.y0, axis=0)  # max(dataGLM$response); missing ones are stored as 0
        with np.errstate(invalid="ignore"):
            significant = trend_pvalue(fit_t) < control.pThresholdTrend
            keep = conv_t & significant & (control.b >= 3) & (mu_t <= ymax)
        eta0 = _select(keep, e_t, eta0)
        se = _select(keep, s_t, se)
        phi = _select(keep, phi_t, phi)
        trend = keep
        ok = keep.copy()
        need_plain = ~keep
    rows = np.nonzero(need_plain)[0]
    if rows.size:
        sub = resp if rows.size == nb else resp.take(rows)
        fit_n, phi_n, conv_n = _fit_flexible(sub, design, None, control)
        e_n, s_n = predict_link(fit_n, lvl, 0.0, None if offset0 is None else offset0[rows])
        eta0[rows] = np.where(conv_n, e_n, np.nan)
        se[rows] = np.where(conv_n, s_n, np.nan)
        phi[rows] = np.where(conv_n, phi_n, np.nan)
        ok[rows] = conv_n
    return _Final(eta0, se, phi, trend, ok)


# --------------------------------------------------------------------------------------------
# thresholds (R: algo.farrington.threshold.farrington / .noufaily)
# --------------------------------------------------------------------------------------------


def _threshold_delta(
    mu0: FloatArray, se_fit: FloatArray, phi: FloatArray, y: FloatArray, control: FarringtonControl
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Upper bound, p-value and score from the power-transformed normal approximation."""
    e = _POWERS[control.powertrans]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tau = phi + se_fit**2 / mu0
        if control.powertrans == "none":
            sd = np.sqrt(mu0 * tau)
        elif control.powertrans == "1/2":
            sd = np.sqrt(0.25 * tau)
        else:
            sd = np.sqrt(4.0 / 9.0 * mu0 ** (1.0 / 3.0) * tau)
        z = stats.norm.ppf(1.0 - control.alpha)
        upper = (mu0**e + z * sd) ** (1.0 / e)
        pvalue = stats.norm.sf(y**e, loc=mu0**e, scale=sd)
        score = (y - mu0) / (upper - mu0)
    return upper, pvalue, score


def _threshold_noufaily(
    eta0: FloatArray,
    se_link: FloatArray,
    phi: FloatArray,
    y: FloatArray,
    control: FarringtonControl,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Negative binomial (or Poisson when phi = 1) quantile of the plug-in / upper mean.

    As in R, the score is ``(y - eta0) / (U - eta0)`` with ``eta0`` on the log scale.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if control.thresholdMethod == "nbPlugin":
            mu_q = np.exp(eta0)
        else:
            mu_q = np.exp(stats.norm.ppf(1.0 - control.alpha, loc=eta0, scale=se_link))
        finite = np.isfinite(mu_q)
        # R: qnbinom(size = mu/(phi - 1), prob = 1/phi) when phi > 1, else qpois. For phi within
        # _NEAR_POISSON of 1 the size is astronomically large (4e16 for phi = 1 + 2.2e-16) and
        # 1 - prob is mostly rounding: scipy's nbinom then returns garbage (or aborts the
        # process) while the exact NB quantile is the Poisson one, so use the Poisson there.
        over = finite & (phi > 1.0 + _NEAR_POISSON)
        # the quantiles are costly (a search per value): each only where it is used
        nb, po = np.nonzero(over)[0], np.nonzero(~over)[0]
        size = mu_q[nb] / (phi[nb] - 1.0)
        prob = 1.0 / phi[nb]
        mu_po = np.where(finite[po], mu_q[po], 0.0)
        upper = np.empty_like(mu_q)
        pvalue = np.empty_like(mu_q)
        upper[nb] = stats.nbinom.ppf(1.0 - control.alpha, size, prob)
        upper[po] = stats.poisson.ppf(1.0 - control.alpha, mu_po)
        pvalue[nb] = stats.nbinom.sf(y[nb] - 1.0, size, prob)
        pvalue[po] = stats.poisson.sf(y[po] - 1.0, mu_po)
        upper = np.where(finite & ~np.isnan(phi), upper, np.nan)
        pvalue = np.where(finite & ~np.isnan(phi) & ~np.isnan(y), pvalue, np.nan)
        score = (y - eta0) / (upper - eta0)
    return upper, pvalue, score


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------

_ARRAYS_PER_ROW = 15  # (rows x design) float arrays alive at once in a chunk (measured: 12-14.5)
_OUT_KEYS = ("alarm", "upperbound", "expected", "score", "pvalue", "trend", "phi", "converged")


def _run_chunk(
    obs: FloatArray,
    pop: FloatArray | None,
    rows: IntArray,
    ks: IntArray,
    design: _Design,
    control: FarringtonControl,
) -> dict[str, npt.NDArray[np.generic]]:
    """Detection for the (series, column) pairs ``(rows[i], ks[i])`` sharing one design."""
    cols = ks[None, :] + design.offsets[:, None]  # (n, B): one column per (series, week)
    y = obs[rows[None, :], cols]
    offset = offset0 = None
    if control.populationOffset and pop is not None:
        with np.errstate(divide="ignore"):
            offset = np.log(pop[rows[None, :], cols])
            offset0 = np.log(pop[rows, ks])
    resp = Response(y, offset)
    del y
    fin = _fit_and_predict(resp, offset0, design, control)
    del resp

    y_now = obs[rows, ks]
    l_cases, l_weeks = control.limit54
    recent = ks[:, None] + np.arange(-int(l_weeks) + 1, 1)[None, :]
    with np.errstate(invalid="ignore"):
        enough = obs[rows[:, None], recent].sum(axis=1) >= l_cases  # NaN sum -> not enough

    if control.thresholdMethod == "delta":
        with np.errstate(over="ignore"):
            mu0 = np.maximum(np.exp(fin.eta0), DBL_EPS)  # predict(type = "response")
        se_fit = fin.se_link * mu0
        upper, pvalue, score = _threshold_delta(mu0, se_fit, fin.phi, y_now, control)
        expected = mu0
    else:
        upper, pvalue, score = _threshold_noufaily(fin.eta0, fin.se_link, fin.phi, y_now, control)
        with np.errstate(over="ignore"):
            expected = np.exp(fin.eta0)
    with np.errstate(invalid="ignore"):
        alarm = enough & (score > 1) & (y_now != 0) & fin.ok
    has_upper = enough & ~np.isnan(upper)
    return {
        "alarm": alarm,
        "upperbound": np.where(enough, upper, np.nan),
        "expected": np.where(has_upper, expected, np.nan),
        "score": score,
        "pvalue": pvalue,
        "trend": fin.trend,
        "phi": fin.phi,
        "converged": fin.ok,
    }


def _workers(requested: int | None, n_tasks: int) -> int:
    """Threads to use: as requested, else the cores available to us (at most 4)."""
    if requested is not None:
        if int(requested) != requested or requested < 1:
            raise ValueError(f"workers must be a positive integer, got {requested!r}")
        return max(1, min(int(requested), n_tasks))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4, n_tasks))


def _validate_columns(
    series: CountSeries, t: Sequence[int] | None, control: FarringtonControl
) -> IntArray:
    if t is None:
        cols = default_columns(series, control)
    else:
        _check_freq(series)
        cols = np.asarray(t)
        if cols.ndim != 1:
            raise ValueError("t must be a 1-D sequence of column indices")
        if cols.size and not np.issubdtype(cols.dtype, np.integer):
            if not np.all(cols == np.round(cols)):
                raise ValueError("t must contain integer column indices")
        cols = cols.astype(np.int64)
        if cols.size and (cols.min() < 0 or cols.max() >= series.n_time):
            raise ValueError(f"t must be within [0, {series.n_time}) (0-based columns)")
        if np.unique(cols).size != cols.size:
            raise ValueError("t must not contain duplicates")
    if cols.size and int(cols.min()) - int(control.limit54[1]) + 1 < 0:
        raise ValueError("not enough history for limit54 at the first monitored column")
    return cols


def detect(
    series: CountSeries,
    control: FarringtonControl | None = None,
    *,
    t: Sequence[int] | None = None,
    max_chunk_bytes: int = 64 * 2**20,
    workers: int | None = None,
) -> DetectionResult:
    """Run ``farringtonFlexible`` on every series for the monitored columns ``t``.

    ``control`` defaults to ``FarringtonControl()``, R's defaults; see :data:`PRESETS` for the
    Farrington (1996) and Noufaily (2013) set-ups.
    ``t`` are 0-based columns of ``series.observed`` (default: every column with ``b`` years and
    ``w`` weeks of history, like R's default ``range``). NaN counts are missing values: R drops
    them from the reference data; a missing count in the last ``limit54[1]`` weeks means no
    upper bound. Where R's GLM fails (no convergence with or without trend) all outputs are NaN,
    alarm is False and ``diagnostics["converged"]`` is False.

    Performance: (series, week) pairs are processed in chunks of about ``max_chunk_bytes`` of
    working memory each, by ``workers`` threads (default: the available cores, at most 4; numpy
    releases the GIL), so peak extra memory is about ``workers * max_chunk_bytes``.
    """
    if control is None:
        control = FarringtonControl()  # R's farringtonFlexible(sts) defaults
    if not isinstance(control, FarringtonControl):
        raise ValueError("control must be a FarringtonControl")
    obs = series.observed
    if obs.size and np.nanmin(obs, initial=0.0) < 0:  # fmin reduction: no copy of obs
        raise ValueError("observed counts must be non-negative")
    cols = _validate_columns(series, t, control)
    # without a population the offset log(1) = 0 changes nothing
    pop = series.population if control.populationOffset else None
    n_s, n_k = series.n_series, cols.size

    out: dict[str, npt.NDArray[np.generic]] = {
        key: np.zeros((n_s, n_k), dtype=bool)
        if key in ("alarm", "trend", "converged")
        else np.full((n_s, n_k), np.nan)
        for key in _OUT_KEYS
    }
    # group monitored columns sharing one design (always one group without calendar dates)
    groups: dict[tuple[bytes, bytes, int], tuple[_Design, list[int]]] = {}
    for j, k in enumerate(cols.tolist()):
        design, _ = _design(series, int(k), control)
        key = (design.offsets.tobytes(), design.levels.index.tobytes(), design.pred_level)
        groups.setdefault(key, (design, []))[1].append(j)

    n_workers = _workers(workers, n_s * n_k)
    tasks: list[tuple[_Design, IntArray, IntArray]] = []
    for design, js in groups.values():
        jj = np.asarray(js, dtype=np.int64)
        n_rows = design.offsets.size
        chunk = max(1, int(max_chunk_bytes // (8 * max(n_rows, 1) * _ARRAYS_PER_ROW)))
        # all (series, column) pairs of this group, series-major
        pair_s = np.repeat(np.arange(n_s, dtype=np.int64), jj.size)
        pair_j = np.tile(jj, n_s)
        # chunks of equal size, as many as a multiple of the workers (so none waits at the end)
        n_chunks = -(-pair_s.size // chunk)
        n_chunks = min(-(-n_chunks // n_workers) * n_workers, pair_s.size)
        bounds = np.linspace(0, pair_s.size, n_chunks + 1).round().astype(np.int64).tolist()
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
            tasks.append((design, pair_s[lo:hi], pair_j[lo:hi]))

    def work(task: tuple[_Design, IntArray, IntArray]) -> None:
        design, ps, pj = task
        res = _run_chunk(obs, pop, ps, cols[pj], design, control)
        for key in _OUT_KEYS:
            out[key][ps, pj] = res[key]  # chunks write disjoint cells

    n_workers = min(n_workers, len(tasks))
    if n_workers <= 1:
        for task in tasks:
            work(task)
    else:
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            for _ in pool.map(work, tasks):
                pass

    return DetectionResult(
        method=f"farrington:{control.thresholdMethod}",
        t=cols,
        observed=obs[:, cols].copy(),
        alarm=out["alarm"].astype(bool),
        upperbound=out["upperbound"].astype(np.float64),
        expected=out["expected"].astype(np.float64),
        score=out["score"].astype(np.float64),
        pvalue=out["pvalue"].astype(np.float64),
        diagnostics={"trend": out["trend"], "phi": out["phi"], "converged": out["converged"]},
    )
