"""Negative-binomial GLR CUSUM for sustained shifts, as ``surveillance::glrnb`` (R 1.20).

The detector of Höhle & Paul (2008), "Count data regression charts for the monitoring of
surveillance time series", *Computational Statistics & Data Analysis* 52(9):4357-4368.

For each monitored time ``n`` the statistic is the generalised likelihood ratio

    GLR(n) = max_{k} sup_{kappa} sum_{t=k}^{n} log f(x_t; mu0_t * exp(kappa)) / f(x_t; mu0_t)

where ``f`` is the negative binomial with mean ``mu`` and variance ``mu + alpha * mu**2``
(Poisson when ``alpha == 0``), ``kappa`` is restricted to ``>= 0`` (``dir="inc"``) or
``<= 0`` (``dir="dec"``), and ``k`` runs over the change points allowed by ``M``/``Mtilde``.
An alarm is raised at the first ``n`` where ``GLR(n) >= c_ARL``; the chart then restarts at
``n + 1`` with the same in-control means, exactly like ``surveillance:::algo.glrnb``.

The in-control means ``mu0`` are, by default, predicted from a GLM fitted to all columns
before the monitored range (``surveillance:::estimateGLRNbHook``): ``log mu = b0 [+ b1 t] +
sum_{s<=S} (g_s cos(2 pi s t / freq) + d_s sin(2 pi s t / freq))`` with ``t`` counting from 1,
Poisson when ``alpha == 0``, ``MASS::glm.nb`` (dispersion estimated) when ``alpha is None`` and
``negative.binomial(theta = 1/alpha)`` otherwise.

Everything is vectorised across series; only the (inherent) sequential loop over monitored
time runs in Python. The per-(n, k) maximum-likelihood ``kappa`` is found with a bracketed
Newton iteration instead of R's unguarded Newton-Raphson; both find the unique root of the
(concave) profile likelihood, so the statistics agree to ~1e-8.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
from scipy.special import digamma

from accord.analytics.result import DetectionResult
from accord.analytics.series import CountSeries

FloatArray = npt.NDArray[np.float64]

# elements of the (pairs x window) work arrays processed at once: bounds memory at ~100 MB
_WORK_ELEMENTS = 2_000_000
_KAPPA_FLOOR = -18.0  # R's glr_nb_window stops Newton below this; we use it as the bracket


@dataclass(frozen=True)
class GlrnbControl:
    """Parameters of ``surveillance::glrnb`` / ``algo.glrnb`` (surveillance 1.20.3).

    Defaults are those ``algo.glrnb`` applies to a ``control`` list that omits the field.
    """

    # 0-based columns to monitor (contiguous); R's ``range`` (1-based). ``None``: every column
    # after the first ``freq`` (one year of phase-1 data for estimating mu0).
    range: Sequence[int] | None = None
    # alarm threshold on the GLR statistic (R ``c.ARL = 5``)
    c_ARL: float = 5.0
    # in-control means over the range, shape (n_range,) or (n_series, n_range); ``None``
    # estimates them from the columns before the range (R ``mu0 = list(S = 1, trend = FALSE)``)
    mu0: npt.ArrayLike | None = None
    # number of harmonics in the phase-1 GLM (R ``mu0$S = 1``)
    mu0_S: int = 1
    # linear time trend in the phase-1 GLM (R ``mu0$trend = FALSE``)
    mu0_trend: bool = False
    # NB dispersion (variance mu + alpha mu^2). ``None``: estimated per series by ``glm.nb`` on
    # the phase-1 data (what R does when ``control$alpha`` is NULL, i.e. omitted from the list;
    # ``glrnb()`` called with no control list at all uses alpha = 0). ``0``: Poisson chart.
    alpha: float | None = None
    # minimum number of observations needed to estimate kappa (R ``Mtilde = 1``)
    Mtilde: int = 1
    # how far back the change point may lie; -1 = back to the start (R ``M = -1``)
    M: int = -1
    # only the intercept (sustained shift) chart is implemented; R also has "epi"
    change: Literal["intercept"] = "intercept"
    # ``None``: GLR (kappa estimated). A number: LR CUSUM with known kappa = theta (R ``theta``)
    theta: float | None = None
    # direction of the shift to detect (R ``dir = "inc"``)
    dir: Literal["inc", "dec"] = "inc"
    # what ``upperbound`` holds: the statistic ("value", R default) or the number of cases at
    # time n that would have raised an alarm ("cases")
    ret: Literal["value", "cases"] = "value"
    # largest count tried when ret="cases" (R ``xMax = 1e4``)
    xMax: float = 1e4

    def __post_init__(self) -> None:
        if self.c_ARL <= 0:
            raise ValueError("c_ARL must be positive")
        if self.alpha is not None and self.alpha < 0:
            raise ValueError("alpha (dispersion) must be >= 0 or None")
        if self.Mtilde < 1:
            raise ValueError("Mtilde must be >= 1")
        if self.M != -1 and self.M < self.Mtilde:
            raise ValueError("M must be -1 (unlimited) or >= Mtilde")
        if self.change != "intercept":
            raise NotImplementedError(f"change={self.change!r}: only 'intercept' is implemented")
        if self.theta is not None and self.theta == 1:  # R refuses theta == 1 as well
            raise ValueError("theta has to be different from 1")
        if self.dir not in ("inc", "dec"):
            raise ValueError("dir must be 'inc' or 'dec'")
        if self.ret not in ("value", "cases"):
            raise ValueError("ret must be 'value' or 'cases'")
        if self.ret == "cases" and self.dir == "dec" and self.theta is None:
            raise NotImplementedError("ret='cases' is only implemented for dir='inc'")
        if self.mu0_S < 0:
            raise ValueError("mu0_S must be >= 0")


# --------------------------------------------------------------------------- phase-1 GLM


def _design(cols: npt.NDArray[np.int64], freq: float, S: int, trend: bool) -> FloatArray:
    """The ``estimateGLRNbHook`` design matrix at 0-based columns (R's t = col + 1)."""
    t = cols.astype(np.float64) + 1.0
    parts = [np.ones_like(t)]
    if trend:
        parts.append(t)
    for s in range(1, S + 1):
        parts.append(np.cos(2 * s * np.pi / freq * t))
        parts.append(np.sin(2 * s * np.pi / freq * t))
    return np.stack(parts, axis=1)


def _irls(
    y: FloatArray, X: FloatArray, theta: FloatArray | None, eta: FloatArray | None = None
) -> FloatArray:
    """Batched log-link IRLS (R ``glm.fit``): Poisson if ``theta`` is None, else NB(theta).

    ``y`` is (S, n), ``X`` (n, p), ``theta`` (S,). Returns the fitted linear predictor (S, n).
    """
    if eta is None:
        eta = np.log(y + 0.1)  # R's poisson()/negative.binomial() mustart = y + 0.1 (y=0 ok)
    mu = np.exp(eta)
    dev_old = np.full(y.shape[0], np.inf)
    ridge = 1e-10 * np.eye(X.shape[1])  # why: all-zero series make X'WX singular
    for _ in range(50):
        w = mu if theta is None else mu / (1.0 + mu / theta[:, None])
        z = eta + (y - mu) / mu
        xtwx = np.einsum("sn,np,nq->spq", w, X, X) + ridge
        xtwz = np.einsum("sn,np->sp", w * z, X)
        beta = np.linalg.solve(xtwx, xtwz[..., None])[..., 0]
        eta = np.clip(beta @ X.T, -30.0, 30.0)  # why: exp stays finite for degenerate series
        mu = np.exp(eta)
        dev = _deviance(y, mu, theta)
        if np.all(np.abs(dev - dev_old) / (np.abs(dev) + 0.1) < 1e-10):
            break
        dev_old = dev
    return eta


def _deviance(y: FloatArray, mu: FloatArray, theta: FloatArray | None) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        ylog = np.where(y > 0, y * np.log(y / mu), 0.0)
        if theta is None:
            return 2 * np.sum(ylog - (y - mu), axis=1)
        th = theta[:, None]
        return 2 * np.sum(ylog - (y + th) * np.log((y + th) / (mu + th)), axis=1)


def _trigamma(x: FloatArray) -> FloatArray:
    """psi'(x) for x > 0: recurrence up to x >= 10, then the asymptotic series (rel. error < 1e-11).

    ``scipy.special.polygamma(1, x)`` goes through the Hurwitz zeta function and dominated the
    glm.nb fit; this is several times faster.
    """
    x = np.asarray(x, dtype=np.float64)
    acc = np.zeros_like(x)
    for _ in range(10):
        small = x < 10.0
        if not small.any():
            break
        acc += np.where(small, 1.0 / (x * x), 0.0)
        x = np.where(small, x + 1.0, x)
    z = 1.0 / (x * x)
    series = (1.0 + (0.5 + (1 / 6 - (1 / 30 - (1 / 42 - z / 30) * z) * z) / x) / x) / x
    return acc + series


def _theta_ml(y: FloatArray, mu: FloatArray, limit: int = 25) -> FloatArray:
    """Batched ``MASS::theta.ml``: Newton-Raphson for the NB size given the means."""
    n = y.shape[1]
    with np.errstate(divide="ignore"):
        t0 = n / np.sum((y / mu - 1.0) ** 2, axis=1)
    t0 = np.where(np.isfinite(t0) & (t0 > 0), t0, 1e8)
    eps = np.finfo(float).eps ** 0.25
    act = np.arange(y.shape[0])  # series still iterating (near-Poisson ones take all `limit`)
    for _ in range(limit):
        ya, ma = y[act], mu[act]
        th = np.abs(t0[act])[:, None]
        score = np.sum(
            digamma(th + ya)
            - digamma(th)
            + np.log(th)
            + 1
            - np.log(th + ma)
            - (ya + th) / (ma + th),
            axis=1,
        )
        info = np.sum(
            -_trigamma(th + ya)
            + _trigamma(th)
            - 1 / th
            + 2 / (ma + th)
            - (ya + th) / (ma + th) ** 2,
            axis=1,
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            delta = np.where(info != 0, score / info, 0.0)
        delta = np.where(np.isfinite(delta), delta, 0.0)
        t0[act] = np.clip(th[:, 0] + delta, 1e-8, 1e10)  # why: equidispersed data push theta up
        act = act[np.abs(delta) > eps]
        if act.size == 0:
            break
    return t0


def fit_mu0(
    y_train: FloatArray,
    train_cols: npt.NDArray[np.int64],
    pred_cols: npt.NDArray[np.int64],
    *,
    freq: float,
    S: int = 1,
    trend: bool = False,
    alpha: float | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Phase-1 in-control means as ``surveillance:::estimateGLRNbHook``.

    Returns ``(mu0, alpha)``: predictions (S_series, len(pred_cols)) and the dispersion per series
    (estimated by batched ``MASS::glm.nb`` when ``alpha`` is None).
    """
    X = _design(train_cols, freq, S, trend)
    Xp = _design(pred_cols, freq, S, trend)
    n_series = y_train.shape[0]
    if alpha is None:
        eta = _irls(y_train, X, None)
        theta = _theta_ml(y_train, np.exp(eta))
        # MASS::glm.nb alternates IRLS at fixed theta and theta.ml at fixed mu until both settle
        act = np.arange(n_series)
        for _ in range(25):
            eta_a = _irls(y_train[act], X, theta[act], eta[act])
            new = _theta_ml(y_train[act], np.exp(eta_a))
            eta[act] = eta_a
            done = np.abs(new - theta[act]) <= 1e-8 * np.maximum(1.0, theta[act])
            theta[act] = new
            act = act[~done]
            if act.size == 0:
                break
        alphas = 1.0 / theta
    elif alpha == 0:
        eta = _irls(y_train, X, None)
        alphas = np.zeros(n_series)
    else:
        eta = _irls(y_train, X, np.full(n_series, 1.0 / alpha))
        alphas = np.full(n_series, float(alpha))
    # recover beta from the fitted eta (least squares on the design is exact: eta = X beta)
    beta = np.linalg.lstsq(X, eta.T, rcond=None)[0].T
    return np.exp(np.clip(beta @ Xp.T, -30.0, 30.0)), alphas


# --------------------------------------------------------------------------- the statistic


def _nb_loglr(kappa: FloatArray, x: FloatArray, mu: FloatArray, alpha: FloatArray) -> FloatArray:
    """Per-observation log LR of NB(mu e^kappa) vs NB(mu) (Poisson where alpha == 0)."""
    am = alpha * mu
    with np.errstate(divide="ignore", invalid="ignore"):
        nb = kappa * x + (x + 1.0 / alpha) * (np.log1p(am) - np.log1p(am * np.exp(kappa)))
    pois = kappa * x + (1.0 - np.exp(kappa)) * mu
    return np.where(alpha > 0, nb, pois)


def _max_glr(
    xw: FloatArray,
    mw: FloatArray,
    aw: FloatArray,
    lo_len: npt.NDArray[np.int64],
    hi_len: npt.NDArray[np.int64],
    sign: int,
) -> FloatArray:
    """GLR over windows ending at the last column of ``xw``/``mw`` (shape (P, L)).

    For row p the window lengths ``lo_len[p] <= len <= hi_len[p]`` are allowed; returns the
    maximum over those windows of the profile log-likelihood ratio with kappa restricted to the
    ``sign`` side of 0 (``-inf`` when no window is allowed, as R's ``maxGLR = -1e99``).
    """
    P, L = xw.shape
    # reverse cumulative sums: column j = sums over the window of length L - j
    sx = np.cumsum(xw[:, ::-1], axis=1)[:, ::-1]
    lengths = L - np.arange(L)  # (L,)
    allowed = (lengths[None, :] >= lo_len[:, None]) & (lengths[None, :] <= hi_len[:, None])
    out = np.full(P, -np.inf)
    if not allowed.any():
        return out
    pois = aw == 0
    best = np.full(P, -np.inf)
    if pois.any():
        sm = np.cumsum(mw[pois][:, ::-1], axis=1)[:, ::-1]
        sxp = sx[pois]
        with np.errstate(divide="ignore", invalid="ignore"):
            k = np.log(sxp / sm)
        k = np.where(np.isnan(k), 0.0, k)
        k = sign * np.maximum(0.0, sign * k)
        # dir="dec", window without cases: R gets NaN (-inf * 0) and skips the window; we take
        # the limit kappa -> -18 (LR ~ sum mu0), so such windows can signal a decrease here
        k = np.maximum(k, _KAPPA_FLOOR) if sign < 0 else k
        val = k * sxp + (1.0 - np.exp(k)) * sm
        val = np.where(allowed[pois], val, -np.inf)
        best[pois] = val.max(axis=1)
    nb = ~pois
    if nb.any():
        best[nb] = _max_glr_nb(xw[nb], mw[nb], aw[nb], allowed[nb], sign)
    return best


def _max_glr_nb(
    xw: FloatArray, mw: FloatArray, aw: FloatArray, allowed: npt.NDArray[np.bool_], sign: int
) -> FloatArray:
    """NB branch of :func:`_max_glr`: a bracketed Newton solve per (row, window start)."""
    P, L = xw.shape
    a = aw[:, None]
    # score at kappa = 0 for every window start j (window = columns j..L-1)
    g0 = np.cumsum(((xw - mw) / (1 + a * mw))[:, ::-1], axis=1)[:, ::-1]
    need = allowed & (sign * g0 > 0)  # otherwise the restricted MLE is kappa = 0, LR = 0
    best = np.where(allowed.any(axis=1), 0.0, -np.inf)
    rows, starts = np.nonzero(need)
    if rows.size == 0:
        return best
    chunk = max(1, _WORK_ELEMENTS // L)
    vals = np.empty(rows.size)
    cols = np.arange(L)
    for c0 in range(0, rows.size, chunk):
        r = rows[c0 : c0 + chunk]
        s = starts[c0 : c0 + chunk]
        inwin = cols[None, :] >= s[:, None]
        x = np.where(inwin, xw[r], 0.0)  # zero x and mu contribute nothing to any sum
        m = np.where(inwin, mw[r], 0.0)
        al = aw[r][:, None]
        sx, sm = x.sum(axis=1), m.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(m > 0, x / m, 0.0)
            start = np.log(sx / sm)  # the Poisson MLE: a good first guess
        if sign > 0:
            lo = np.zeros(r.size)
            hi = np.log(np.max(ratio, axis=1))  # above this every score term is negative
        else:
            lo = np.full(r.size, _KAPPA_FLOOR)
            hi = np.zeros(r.size)
        kap = np.clip(np.where(np.isfinite(start), start, 0.5 * (lo + hi)), lo, hi)
        act = np.arange(r.size)  # rows still iterating: only these are recomputed
        for _ in range(100):
            k_a, x_a, m_a, al_a = kap[act], x[act], m[act], al[act]
            e = np.exp(k_a)[:, None] * m_a
            d = 1 + al_a * e
            g = np.sum((x_a - e) / d, axis=1)
            f = np.sum(e * (al_a * x_a + 1) / (d * d), axis=1)
            up = g > 0  # the score decreases in kappa: the root lies above
            lo[act] = np.where(up, k_a, lo[act])
            hi[act] = np.where(up, hi[act], k_a)
            with np.errstate(divide="ignore", invalid="ignore"):
                new = k_a + g / f
            bad = ~np.isfinite(new) | (new < lo[act]) | (new > hi[act])
            new = np.where(bad, 0.5 * (lo[act] + hi[act]), new)
            done = (np.abs(new - k_a) < 1e-10) | (hi[act] - lo[act] < 1e-12)
            kap[act] = new
            act = act[~done]
            if act.size == 0:
                break
        vals[c0 : c0 + chunk] = np.sum(_nb_loglr(kap[:, None], x, m, al), axis=1)
    np.maximum.at(best, rows, vals)
    return best


@dataclass(frozen=True)
class _Chart:
    """Window rules of the three R C routines behind ``algo.glrnb`` (intercept chart)."""

    first: int  # first position (0-based, relative to the segment start) with a statistic
    min_len: int  # shortest change window
    max_len: int  # longest change window (huge = unlimited)


def _chart(control: GlrnbControl, poisson: bool) -> _Chart:
    unlimited = 1 << 40
    if poisson and control.M > 0:  # glr_cusum_window: n >= Mtilde, k <= n - Mtilde
        return _Chart(control.Mtilde, control.Mtilde + 1, control.M + 1)
    if poisson:  # glr_cusum: n >= Mtilde - 1, every k <= n
        return _Chart(control.Mtilde - 1, 1, unlimited)
    # glr_nb_window: n >= Mtilde - 1, max(0, n - M) <= k <= n - Mtilde + 1
    return _Chart(
        control.Mtilde - 1, control.Mtilde, unlimited if control.M == -1 else control.M + 1
    )


def _glr_now(
    x: FloatArray,
    mu: FloatArray,
    alpha: FloatArray,
    seg: npt.NDArray[np.int64],
    n: int,
    chart: _Chart,
    sign: int,
) -> FloatArray:
    """GLR statistic at column ``n`` for every row, given each row's segment start."""
    rel = n - seg
    active = rel >= chart.first
    out = np.zeros(x.shape[0])
    if not active.any():
        return out
    idx = np.nonzero(active)[0]
    lo = int(seg[idx].min())
    lo = max(lo, n - chart.max_len + 1)
    xw, mw = x[idx, lo : n + 1], mu[idx, lo : n + 1]
    hi_len = np.minimum(rel[idx] + 1, chart.max_len)
    lo_len = np.full(idx.size, chart.min_len)
    val = _max_glr(xw, mw, alpha[idx], lo_len, hi_len, sign)
    out[idx] = val
    return out


def detect(
    series: CountSeries, control: GlrnbControl | None = None, *, t: Sequence[int] | None = None
) -> DetectionResult:
    """Run the GLR (or LR) CUSUM of ``surveillance::glrnb`` on every series.

    ``t`` (0-based, contiguous) overrides ``control.range``. Returns ``upperbound`` as R does
    (statistic or cases, per ``control.ret``), ``score`` = the statistic, ``expected`` = mu0.
    """
    control = control or GlrnbControl()
    obs = series.observed
    n_series, n_time = obs.shape
    cols = _monitored(t if t is not None else control.range, n_time, series.freq)
    x = obs[:, cols]
    if np.any(~np.isfinite(x)) or np.any(x < 0):
        raise ValueError("glrnb needs non-negative, finite counts in the monitored range")

    if control.mu0 is None:
        if cols[0] < 1:
            raise ValueError("glrnb needs at least one column before the range to estimate mu0")
        train = np.arange(cols[0])
        y_train = obs[:, train]
        if np.any(~np.isfinite(y_train)) or np.any(y_train < 0):
            raise ValueError("glrnb needs non-negative, finite counts before the range")
        mu0, alpha = fit_mu0(
            y_train,
            train,
            cols,
            freq=series.freq,
            S=control.mu0_S,
            trend=control.mu0_trend,
            alpha=control.alpha,
        )
    else:
        mu0 = np.broadcast_to(np.asarray(control.mu0, dtype=np.float64), x.shape).copy()
        if control.alpha is None:
            raise ValueError("with a given mu0, alpha must be given too (R fails the same way)")
        alpha = np.full(n_series, float(control.alpha))
    sign = 1 if control.dir == "inc" else -1

    if control.theta is not None:
        stat, alarm, cases = _lr_cusum(x, mu0, alpha, float(control.theta), control.c_ARL)
    else:
        stat, alarm, cases = _glr_cusum(x, mu0, alpha, control, sign)
    upper = stat if control.ret == "value" else cases
    upper = np.where(np.isnan(upper) | (upper < 0), 0.0, upper)  # as R: NA and < 0 become 0
    return DetectionResult(
        method="glrnb",
        t=cols,
        observed=x,
        alarm=alarm,
        upperbound=upper,
        expected=mu0,
        score=stat,
        pvalue=np.full(x.shape, np.nan),
        diagnostics={"alpha": np.repeat(alpha[:, None], cols.size, axis=1)},
    )


def _monitored(rng: Sequence[int] | None, n_time: int, freq: float) -> npt.NDArray[np.int64]:
    if rng is None:
        first = int(round(freq))
        if first >= n_time:
            raise ValueError(f"no columns to monitor: need more than {first} columns")
        return np.arange(first, n_time, dtype=np.int64)
    cols = np.asarray(rng, dtype=np.int64).ravel()
    if cols.size == 0:
        raise ValueError("the monitored range is empty")
    if np.any(np.diff(cols) != 1):
        raise ValueError("glrnb monitors a contiguous range of columns (a sequential chart)")
    if cols[0] < 0 or cols[-1] >= n_time:
        raise ValueError(f"monitored columns must lie in 0..{n_time - 1}")
    return cols


def _glr_cusum(
    x: FloatArray, mu0: FloatArray, alpha: FloatArray, control: GlrnbControl, sign: int
) -> tuple[FloatArray, npt.NDArray[np.bool_], FloatArray]:
    """Sequential GLR with restart after each alarm (``glr_cusum``/``glr_nb_window``)."""
    n_series, n_t = x.shape
    stat = np.zeros((n_series, n_t))
    alarm = np.zeros((n_series, n_t), dtype=bool)
    cases = np.full((n_series, n_t), np.nan)
    seg = np.zeros(n_series, dtype=np.int64)  # first column of each series' current segment
    pois_chart, nb_chart = _chart(control, True), _chart(control, False)
    pois = alpha == 0
    groups = [(g, c) for g, c in ((pois, pois_chart), (~pois, nb_chart)) if g.any()]
    for n in range(n_t):
        for rows, chart in groups:
            ridx = np.nonzero(rows)[0]
            val = _glr_now(x[ridx], mu0[ridx], alpha[ridx], seg[ridx], n, chart, sign)
            stat[ridx, n] = val
            if control.ret == "cases":
                cases[ridx, n] = _cases_now(
                    x[ridx], mu0[ridx], alpha[ridx], seg[ridx], n, chart, control
                )
        hit = stat[:, n] >= control.c_ARL
        alarm[:, n] = hit
        seg[hit] = n + 1
    return stat, alarm, cases


def _cases_now(
    x: FloatArray,
    mu: FloatArray,
    alpha: FloatArray,
    seg: npt.NDArray[np.int64],
    n: int,
    chart: _Chart,
    control: GlrnbControl,
) -> FloatArray:
    """Smallest count at column n that makes GLR(n) >= c_ARL (bisection; R searches linearly).

    ``inf`` when even ``xMax`` does not; 0 before the chart can signal (as R's zero-filled
    output). R's brute-force NB search reports 1e99 when the observed count is 0; we do not.
    """
    lo = np.full(x.shape[0], -1.0)  # known: no alarm at lo (GLR is increasing in x_n)
    hi = np.full(x.shape[0], float(control.xMax))
    xx = x.copy()
    xx[:, n] = hi
    reach = _glr_now(xx, mu, alpha, seg, n, chart, 1) >= control.c_ARL
    while np.any(hi - lo > 1):
        mid = np.floor((lo + hi) / 2)
        xx[:, n] = mid
        ok = _glr_now(xx, mu, alpha, seg, n, chart, 1) >= control.c_ARL
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    out = np.where(reach, hi, np.inf)
    return np.where(n - seg >= chart.first, out, 0.0)


def _lr_cusum(
    x: FloatArray, mu0: FloatArray, alpha: FloatArray, kappa: float, c: float
) -> tuple[FloatArray, npt.NDArray[np.bool_], FloatArray]:
    """LR CUSUM with known kappa (``lr_cusum`` / ``lr_cusum_nb``), restarting after alarms."""
    n_series, n_t = x.shape
    stat = np.zeros((n_series, n_t))
    cases = np.zeros((n_series, n_t))
    alarm = np.zeros((n_series, n_t), dtype=bool)
    prev = np.zeros(n_series)
    a = alpha
    for n in range(n_t):
        z = _nb_loglr(np.full(n_series, kappa), x[:, n], mu0[:, n], a)
        # count that brings the CUSUM to c: solve prev + kappa x + (x + 1/a) q = c for x
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.log1p(a * mu0[:, n]) - np.log1p(a * mu0[:, n] * np.exp(kappa))
            nb_cases = (c - prev - q / a) / (kappa + q)
        pois_cases = (c - prev + mu0[:, n] * (np.exp(kappa) - 1)) / kappa
        cases[:, n] = np.where(a > 0, nb_cases, pois_cases)
        stat[:, n] = np.maximum(0.0, prev + z)
        hit = stat[:, n] > c  # lr_cusum signals on a strict inequality
        alarm[:, n] = hit
        prev = np.where(hit, 0.0, stat[:, n])
    return stat, alarm, cases
