"""Batched quasi-Poisson IRLS for the Farrington design: a seasonal factor plus a linear trend.

This replays R's ``stats::glm.fit`` (``family = quasipoisson(link = "log")``, default
``glm.control(epsilon = 1e-8, maxit = 25)``) iteration by iteration for many series at once, so
that fitted values, convergence flags, dispersion, hat values and standard errors match what
``surveillance::algo.farrington.fitGLM.flexible`` obtains from ``glm``, ``summary.glm``,
``hatvalues`` and ``predict.glm``.

All series in a batch share one design: every observation row belongs to one level of the
seasonal factor and has a time value (``wtime``). The model
``log(mu) = offset + alpha[level] + beta * wtime`` spans the same column space as R's
``response ~ 1 + wtime + seasgroups`` (treatment contrasts), so fits and predictions are the same.
In this parametrisation the weighted least-squares step has a closed form: per-level weighted
means, then the within-level slope. With the design rows sorted by level, every sum is a sum over
a contiguous block of rows.

Layout: arrays are (rows x batch), i.e. one column per (series, monitored week), so per-level
sums are contiguous row blocks and everything vectorises along the batch. No BLAS call sits in
the iteration (multi-threaded BLAS on skinny products is slow on loaded machines), which also
keeps the arithmetic independent of the batch size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import special, stats

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

DBL_EPS = float(np.finfo(np.float64).eps)  # R's .Machine$double.eps, the floor of exp() in log link
GLM_EPSILON = 1e-8  # glm.control()$epsilon
GLM_MAXIT = 25  # glm.control()$maxit
_LOG_EPS = float(np.log(DBL_EPS))


class Levels:
    """Design rows grouped by seasonal level: row block ``starts[l]:stops[l]`` is level ``l``."""

    def __init__(self, level_of_row: IntArray) -> None:
        lev = np.asarray(level_of_row, dtype=np.int64)
        if lev.size and np.any(np.diff(lev) < 0):
            raise ValueError("design rows must be sorted by level")
        self.n_rows = int(lev.size)
        self.n_lev = int(lev.max()) + 1 if lev.size else 0
        self.index = lev
        self.starts = np.searchsorted(lev, np.arange(self.n_lev), side="left")
        self.stops = np.searchsorted(lev, np.arange(self.n_lev), side="right")
        self.counts = self.stops - self.starts

    def sums(self, a: FloatArray) -> FloatArray:
        """Per-level column sums of a (rows x batch) array: (levels x batch)."""
        out = np.empty((self.n_lev, a.shape[1]))
        for lv in range(self.n_lev):
            a[self.starts[lv] : self.stops[lv]].sum(axis=0, out=out[lv])
        return out

    def expand(self, per_level: FloatArray, out: FloatArray) -> FloatArray:
        """Broadcast (levels x batch) values to (rows x batch), written into ``out``."""
        for lv in range(self.n_lev):
            out[self.starts[lv] : self.stops[lv]] = per_level[lv]
        return out


class Response:
    """The responses of a batch, (rows x batch), and what every fit of them reuses."""

    def __init__(self, y: FloatArray, offset: FloatArray | None = None) -> None:
        self.valid = np.isfinite(y)
        self.y0 = np.where(self.valid, y, 0.0)  # missing responses get zero prior weight
        self.offset = offset
        self.all_valid = bool(self.valid.all())
        self.eta_start = np.log(self.y0 + 0.1)  # poisson()$initialize: mustart <- y + 0.1
        # y log y - y: the part of the Poisson deviance that does not depend on mu
        self.ylogy_m_y = special.xlogy(self.y0, self.y0) - self.y0
        self._y23: FloatArray | None = None

    @property
    def y23(self) -> FloatArray:
        """y^(2/3), for Anscombe residuals (computed once)."""
        if self._y23 is None:
            c = np.cbrt(self.y0)
            self._y23 = c * c
        return self._y23

    def take(self, cols: IntArray) -> Response:
        """The same responses for a subset of batch columns."""
        out = Response.__new__(Response)
        out.valid = self.valid[:, cols]
        out.y0 = self.y0[:, cols]
        out.offset = None if self.offset is None else self.offset[:, cols]
        out.all_valid = bool(out.valid.all())
        out.eta_start = self.eta_start[:, cols]
        out.ylogy_m_y = self.ylogy_m_y[:, cols]
        out._y23 = None if self._y23 is None else self._y23[:, cols]
        return out


@dataclass
class QuasiPoissonFit:
    """One fitted model per batch column, with what R's glm object would let us compute.

    ``w_work``, ``d``, ``tbar`` and ``s`` describe the last weighted least-squares step (R keeps
    the QR decomposition and working weights of that step, computed *before* the final
    coefficient update); ``mu`` is the fitted mean after it, as in ``fitted(model)``.
    """

    alpha: FloatArray  # (L, B) level effects (log scale), for the uncentred wtime
    beta: FloatArray | None  # (B,) trend coefficient, None for a model without trend
    mu: FloatArray  # (n, B) fitted means
    w_work: FloatArray  # (n, B) working weights of the last WLS step (0 where excluded)
    d: FloatArray  # (L, B) per-level sum of working weights
    tbar: FloatArray | None  # (L, B) per-level weighted mean of wtime
    s: FloatArray | None  # (B,) within-level weighted sum of squares of wtime
    converged: BoolArray  # (B,)
    df_residual: FloatArray  # (B,) n.ok - rank
    dispersion: FloatArray  # (B,) summary.glm()$dispersion (Pearson, not floored at 1)


class _Design:
    """Levels plus the trend column, centred on its unweighted level means.

    The centring is an exact reparametrisation that keeps the within-level sums of squares free
    of cancellation; results are translated back to the uncentred wtime at the end.
    """

    def __init__(self, levels: Levels, wtime: FloatArray | None) -> None:
        self.levels = levels
        self.trend = wtime is not None
        if wtime is None:
            self.tmean = np.zeros(levels.n_lev)
            self.tc = np.zeros(levels.n_rows)
            return
        sums = np.add.reduceat(wtime, levels.starts) if levels.n_rows else np.zeros(0)
        self.tmean = sums / np.where(levels.counts > 0, levels.counts, 1)
        self.tc = (wtime - self.tmean[levels.index])[:, None]  # (n, 1) for broadcasting

    def solve(
        self, w: FloatArray, wz: FloatArray, tmp: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
        """Closed-form WLS of z on (levels [+ centred wtime]) with weights w, per column.

        Returns alpha (L, B) for the centred time, beta (B,), and d, tbar, s for the standard
        errors. ``tmp`` is a (n, B) scratch array.
        """
        lv = self.levels
        d = lv.sums(w)
        sz = lv.sums(wz)
        inv_d = np.divide(1.0, d, out=np.zeros_like(d), where=d > 0)
        zbar = sz * inv_d
        if not self.trend:
            return zbar, np.zeros(w.shape[1]), d, np.zeros_like(d), np.zeros(w.shape[1])
        np.multiply(w, self.tc, out=tmp)
        st = lv.sums(tmp)
        tmp *= self.tc
        stt = lv.sums(tmp)
        np.multiply(wz, self.tc, out=tmp)
        stz = lv.sums(tmp)
        tb = st * inv_d  # weighted level means of the centred time
        s = np.sum(stt - st * tb, axis=0)  # within-level weighted sum of squares
        num = np.sum(stz - tb * sz, axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            beta = num / s
        alpha = zbar - tb * beta
        return alpha, beta, d, tb, s

    def linear_predictor(
        self, alpha: FloatArray, beta: FloatArray, out: FloatArray, tmp: FloatArray
    ) -> FloatArray:
        self.levels.expand(alpha, out)
        if self.trend:
            np.multiply(self.tc, beta, out=tmp)
            out += tmp
        return out


def fit_quasipoisson(
    resp: Response,
    prior: FloatArray | None,
    levels: Levels,
    wtime: FloatArray | None,
    *,
    maxit: int = GLM_MAXIT,
    epsilon: float = GLM_EPSILON,
) -> QuasiPoissonFit:
    """Fit ``glm(y ~ levels [+ wtime] + offset, quasipoisson, weights = prior)`` per column.

    ``prior`` (n, B) are prior weights; None means 1 for every non-missing response. Rows with
    zero weight are left out of the fit, which is how missing responses are handled (R drops
    them from the data frame). ``wtime`` (n,) or None for the model without trend. Mirrors
    ``glm.fit``: start at ``mu = y + 0.1``; stop when ``|dev - devold| / (|dev| + 0.1) <
    epsilon``; at most ``maxit`` iterations; columns that converge are frozen at that iteration,
    as R stops there.
    """
    y0 = resp.y0
    n, bsz = y0.shape
    des = _Design(levels, wtime)
    n_lev = levels.n_lev
    if prior is None and not resp.all_valid:
        prior = resp.valid.astype(np.float64)
    good = resp.valid if prior is None else prior > 0

    # outputs, filled as columns stop (converged, or at maxit); the big (n, B) arrays of the
    # final state are rebuilt at the end from the coefficients of the last two steps
    alpha_o = np.zeros((n_lev, bsz))
    beta_o = np.zeros(bsz)
    alpha_prev_o = np.zeros((n_lev, bsz))  # coefficients whose mu gave the last working weights
    beta_prev_o = np.zeros(bsz)
    first_o = np.zeros(bsz, dtype=bool)  # stopped after one step: weights from mustart
    d_o = np.zeros((n_lev, bsz))
    tb_o = np.zeros((n_lev, bsz))
    s_o = np.zeros(bsz)
    converged = np.zeros(bsz, dtype=bool)

    # working state of the columns still iterating (compacted when many have stopped)
    idx = np.arange(bsz)
    alive = np.ones(bsz, dtype=bool)
    pr = prior
    pry = y0 if prior is None else prior * y0
    off = resp.offset
    dev_const = (resp.ylogy_m_y if prior is None else prior * resp.ylogy_m_y).sum(axis=0)
    eta = resp.eta_start
    mu = y0 + 0.1
    w = mu if pr is None else pr * mu  # prior * mu.eta^2 / variance = prior * mu for the log link

    def buffers(
        m: int,
    ) -> tuple[FloatArray, FloatArray, list[FloatArray], list[FloatArray], list[FloatArray]]:
        # preallocated work arrays (fresh large temporaries cost page faults every iteration);
        # eta, mu and w alternate between two buffers, ``slot`` being the one written now
        etas = [np.empty((n, m)), np.empty((n, m))]
        mus = [np.empty((n, m)), np.empty((n, m))]
        ws = mus if pr is None else [np.empty((n, m)), np.empty((n, m))]
        return np.empty((n, m)), np.empty((n, m)), etas, mus, ws

    wz, tmp, eta_buf, mu_buf, w_buf = buffers(bsz)
    # glm.fit's deviance at mustart, in the same form as below: 2 (sum y log y - y - y eta + mu)
    np.multiply(pry, eta, out=tmp)
    dev = 2.0 * (dev_const - tmp.sum(axis=0) + w.sum(axis=0))
    slot = 0
    alpha_prev = np.zeros((n_lev, bsz))
    beta_prev = np.zeros(bsz)
    for it in range(maxit):
        # working response z = eta - offset + (y - mu) / mu, so w z = w (eta - offset - 1) + prior y
        np.subtract(eta, 1.0, out=wz)
        if off is not None:
            wz -= off
        wz *= w
        wz += pry
        alpha, beta, d, tb, s = des.solve(w, wz, tmp)
        eta_new = des.linear_predictor(alpha, beta, eta_buf[slot], tmp)
        if off is not None:
            eta_new += off
        mu_new = np.exp(eta_new, out=mu_buf[slot])
        np.maximum(mu_new, DBL_EPS, out=mu_new)  # make.link("log")$linkinv floors at eps
        w_new = mu_new if pr is None else np.multiply(pr, mu_new, out=w_buf[slot])
        # 2 sum prior (y log y - y - y log mu + mu), with log mu = max(eta, log eps)
        np.maximum(eta_new, _LOG_EPS, out=tmp)
        tmp *= pry
        dev_new = 2.0 * (dev_const - tmp.sum(axis=0) + w_new.sum(axis=0))
        with np.errstate(invalid="ignore"):
            conv = np.abs(dev_new - dev) / (np.abs(dev_new) + 0.1) < epsilon
        # R stops a series at convergence (or returns the maxit-th step unconverged); the QR and
        # working weights it keeps are those of this step, the fitted values those after it
        stop = (conv | ~np.isfinite(dev_new)) if it < maxit - 1 else np.ones_like(conv)
        stop &= alive
        if stop.any():
            cols = idx[stop]
            converged[cols] = conv[stop]
            alpha_o[:, cols] = alpha[:, stop]
            beta_o[cols] = beta[stop]
            d_o[:, cols] = d[:, stop]
            tb_o[:, cols] = tb[:, stop]
            s_o[cols] = s[stop]
            alpha_prev_o[:, cols] = alpha_prev[:, stop]
            beta_prev_o[cols] = beta_prev[stop]
            first_o[cols] = it == 0
            alive &= ~stop
        n_alive = int(alive.sum())
        if n_alive == 0:
            break
        eta, w, dev = eta_new, w_new, dev_new
        alpha_prev, beta_prev = alpha, beta
        slot ^= 1
        if n_alive < 0.6 * alive.size:  # compact: copying costs about one pass, skip if cheap
            idx, eta, w, dev = idx[alive], eta[:, alive], w[:, alive], dev[alive]
            alpha_prev, beta_prev = alpha_prev[:, alive], beta_prev[alive]
            pry, dev_const = pry[:, alive], dev_const[alive]
            pr = None if pr is None else pr[:, alive]
            off = None if off is None else off[:, alive]
            alive = np.ones(idx.size, dtype=bool)
            wz, tmp, eta_buf, mu_buf, w_buf = buffers(idx.size)
            slot = 0

    # fitted values after the last step and working weights of the last step, recomputed with
    # the very same operations as in the loop (so bit-identical)
    del wz, eta_buf, mu_buf, w_buf
    mu_o = des.linear_predictor(alpha_o, beta_o, np.empty((n, bsz)), tmp := np.empty((n, bsz)))
    w_o = des.linear_predictor(alpha_prev_o, beta_prev_o, tmp, np.empty((n, bsz)))
    if resp.offset is not None:
        mu_o += resp.offset
        w_o += resp.offset
    for a in (mu_o, w_o):
        np.exp(a, out=a)
        np.maximum(a, DBL_EPS, out=a)
    if first_o.any():
        w_o[:, first_o] = y0[:, first_o] + 0.1
    if prior is not None:
        w_o *= prior

    rank = (d_o > 0).sum(axis=0) + (1 if des.trend else 0)
    df_residual = (good.sum(axis=0) - rank).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = y0 - mu_o
        r /= mu_o
        r *= r
        if not resp.all_valid:
            r[~good] = 0.0
        r *= w_o
        dispersion = np.where(df_residual > 0, r.sum(axis=0) / df_residual, np.nan)
    if des.trend:
        alpha_o -= beta_o * des.tmean[:, None]  # back to the uncentred wtime
        tb_o += des.tmean[:, None]
    return QuasiPoissonFit(
        alpha=alpha_o,
        beta=beta_o if des.trend else None,
        mu=mu_o,
        w_work=w_o,
        d=d_o,
        tbar=tb_o if des.trend else None,
        s=s_o if des.trend else None,
        converged=converged,
        df_residual=df_residual,
        dispersion=dispersion,
    )


def hat_values(fit: QuasiPoissonFit, levels: Levels, wtime: FloatArray | None) -> FloatArray:
    """Diagonal of the weighted hat matrix, as ``hatvalues(model)`` for a glm: (n, B)."""
    h = np.empty_like(fit.w_work)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_d = np.where(fit.d > 0, 1.0 / fit.d, 0.0)
        levels.expand(inv_d, h)
        if wtime is not None and fit.tbar is not None and fit.s is not None:
            tc = levels.expand(fit.tbar, np.empty_like(h))
            np.subtract(wtime[:, None], tc, out=tc)
            tc *= tc
            tc /= fit.s
            h += tc
            del tc
        h *= fit.w_work
    # lm.influence sets hat values within 10 * eps of 1 to exactly 1
    h[h >= 1.0 - 10 * DBL_EPS] = 1.0
    return h


def predict_link(
    fit: QuasiPoissonFit, level: int, t0: float, offset0: FloatArray | None
) -> tuple[FloatArray, FloatArray]:
    """``predict.glm(..., se.fit = TRUE, type = "link")`` at one level / time for every column.

    The standard error uses ``summary.glm``'s dispersion (R's farringtonFlexible passes its
    floored ``phi`` inside ``newdata``, where predict.glm ignores it).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        dp = fit.d[level]
        eta0 = fit.alpha[level].copy()
        var = 1.0 / dp
        if fit.beta is not None and fit.tbar is not None and fit.s is not None:
            eta0 = eta0 + fit.beta * t0
            var = var + (fit.tbar[level] - t0) ** 2 / fit.s
        eta0 = np.where(dp > 0, eta0, np.nan)  # a level absent from the data cannot be predicted
        if offset0 is not None:
            eta0 = eta0 + offset0
        se = np.sqrt(var * fit.dispersion)
    return eta0, se


def trend_pvalue(fit: QuasiPoissonFit) -> FloatArray:
    """Two-sided t-test p-value of the trend coefficient, as ``summary.glm`` reports it."""
    if fit.beta is None or fit.s is None:
        raise ValueError("model has no trend")
    with np.errstate(divide="ignore", invalid="ignore"):
        tval = fit.beta / np.sqrt(fit.dispersion / fit.s)
        df = np.where(fit.df_residual > 0, fit.df_residual, np.nan)
        return 2.0 * stats.t.cdf(-np.abs(tval), df)  # R: 2 * pt(-abs(t), df)
