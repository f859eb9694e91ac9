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
from scipy import stats

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
        self.all_valid = bool(self.valid.all())
        # missing responses get zero prior weight
        self.y0 = (
            np.asarray(y, dtype=np.float64) if self.all_valid else np.where(self.valid, y, 0.0)
        )
        self.offset = offset
        self.mu_start = self.y0 + 0.1  # poisson()$initialize: mustart <- y + 0.1
        self.eta_start = np.log(self.mu_start)
        # y log y - y: the part of the Poisson deviance that does not depend on mu (xlogy)
        ylogy = np.add(self.y0, self.y0 == 0)  # log(1) = 0 where y = 0
        np.log(ylogy, out=ylogy)
        ylogy *= self.y0
        ylogy -= self.y0
        self.ylogy_m_y = ylogy
        self._wz_start: FloatArray | None = None

    @property
    def wz_start(self) -> FloatArray:
        """mu z at mustart, the first working response times its weight (computed once).

        With ``z = eta - offset + (y - mu) / mu`` and ``mu = mustart``:
        ``mu z = mu (eta - offset - 1) + y``; times the prior weights, it is ``w z``.
        """
        if self._wz_start is None:
            a = self.eta_start - 1.0
            if self.offset is not None:
                a -= self.offset
            a *= self.mu_start
            a += self.y0
            self._wz_start = a
        return self._wz_start

    def take(self, cols: IntArray) -> Response:
        """The same responses for a subset of batch columns."""
        out = Response.__new__(Response)
        out.valid = self.valid[:, cols]
        out.y0 = self.y0[:, cols]
        out.offset = None if self.offset is None else self.offset[:, cols]
        out.all_valid = bool(out.valid.all())
        out.mu_start = self.mu_start[:, cols]
        out.eta_start = self.eta_start[:, cols]
        out.ylogy_m_y = self.ylogy_m_y[:, cols]
        out._wz_start = None if self._wz_start is None else self._wz_start[:, cols]
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
    mu: FloatArray | None  # (n, B) fitted means (None if not kept)
    w_work: FloatArray | None  # (n, B) working weights of the last WLS step (0 where excluded)
    d: FloatArray  # (L, B) per-level sum of working weights
    tbar: FloatArray | None  # (L, B) per-level weighted mean of wtime
    s: FloatArray | None  # (B,) within-level weighted sum of squares of wtime
    converged: BoolArray  # (B,)
    df_residual: FloatArray  # (B,) n.ok - rank
    dispersion: FloatArray  # (B,) summary.glm()$dispersion (Pearson, not floored at 1)
    # (B,) the same with the prior instead of the working weights (None without prior weights)
    dispersion_prior: FloatArray | None = None


class _Design:
    """Levels plus the trend column, centred on its unweighted level means.

    The centring is an exact reparametrisation that keeps the within-level sums of squares free
    of cancellation; results are translated back to the uncentred wtime at the end. Everything
    the IRLS needs from a (rows x batch) array is, per level, its column sums weighted by 1,
    ``tc`` and ``tc^2``; these are taken one level block at a time (a block stays in cache).
    """

    def __init__(self, levels: Levels, wtime: FloatArray | None) -> None:
        self.levels = levels
        self.trend = wtime is not None
        self.segs = [(int(a), int(b)) for a, b in zip(levels.starts, levels.stops, strict=True)]
        self.max_rows = max((b - a for a, b in self.segs), default=0)
        n_lev = levels.n_lev
        if wtime is None:
            self.tmean = np.zeros(n_lev)
            self.tc = np.zeros(levels.n_rows)
        else:
            sums = np.add.reduceat(wtime, levels.starts) if levels.n_rows else np.zeros(0)
            self.tmean = sums / np.where(levels.counts > 0, levels.counts, 1)
            self.tc = wtime - self.tmean[levels.index]
        self.tc_one = np.stack([self.tc, np.ones(levels.n_rows)], axis=1)  # (n, 2): [tc, 1]
        # per level, the rows' (1, tc, tc^2), (3, n_l)
        powers = np.stack([np.ones(levels.n_rows), self.tc, self.tc * self.tc])
        self.powers = [np.ascontiguousarray(powers[:, a:b]) for a, b in self.segs]
        # per-level range of tc, to bound the linear predictor from below
        self.tcmin = np.array([self.tc[a:b].min() if b > a else 0.0 for a, b in self.segs])
        self.tcmax = np.array([self.tc[a:b].max() if b > a else 0.0 for a, b in self.segs])
        self.tcmin, self.tcmax = self.tcmin[:, None], self.tcmax[:, None]

    def moments(self, lv: int, a: FloatArray, out: FloatArray) -> None:
        """Column sums of the level-``lv`` block ``a`` weighted by 1, tc, tc^2: the first ``k``
        of them into ``out`` (k, B); only the plain sums without trend (the others stay).

        One contraction (einsum releases the GIL, ``ndarray.sum`` over rows does not).
        """
        k = out.shape[0] if self.trend else 1
        np.einsum("kr,rb->kb", self.powers[lv][:k], a, out=out[:k])

    def coefficients(self, alpha: FloatArray, beta: FloatArray) -> FloatArray:
        """``(beta, alpha[level])`` per level, (L, 2, B), the argument of :meth:`eta_level`."""
        ab = np.empty((alpha.shape[0], 2, alpha.shape[1]))
        ab[:, 0] = beta
        ab[:, 1] = alpha
        return ab

    def eta_level(
        self, lv: int, ab: FloatArray, offset: FloatArray | None, out: FloatArray
    ) -> FloatArray:
        """Linear predictor ``beta tc + alpha[lv] (+ offset)`` of level ``lv``'s rows.

        ``ab`` from :meth:`coefficients`; one contraction ``[tc, 1] @ [beta; alpha]`` (exactly
        ``tc * beta + alpha``, but without numpy's slow broadcasting loops).
        """
        lo, hi = self.segs[lv]
        if self.trend:
            np.einsum("rk,kb->rb", self.tc_one[lo:hi], ab[lv], out=out)
        else:
            out[...] = ab[lv, 1]
        if offset is not None:
            out += offset[lo:hi]
        return out

    def mean_level(
        self, lv: int, ab: FloatArray, offset: FloatArray | None, out: FloatArray
    ) -> FloatArray:
        """Fitted means ``max(exp(eta), eps)`` of level ``lv``'s rows, as the IRLS has them."""
        blk = self.eta_level(lv, ab, offset, out)
        np.exp(blk, out=blk)
        return np.maximum(blk, DBL_EPS, out=blk)  # make.link("log")$linkinv floors at eps


def fit_quasipoisson(
    resp: Response,
    prior: FloatArray | None,
    levels: Levels,
    wtime: FloatArray | None,
    *,
    maxit: int = GLM_MAXIT,
    epsilon: float = GLM_EPSILON,
    keep_fitted: bool = True,
) -> QuasiPoissonFit:
    """Fit ``glm(y ~ levels [+ wtime] + offset, quasipoisson, weights = prior)`` per column.

    ``prior`` (n, B) are prior weights; None means 1 for every non-missing response. Rows with
    zero weight are left out of the fit, which is how missing responses are handled (R drops
    them from the data frame). ``wtime`` (n,) or None for the model without trend. Mirrors
    ``glm.fit``: start at ``mu = y + 0.1``; stop when ``|dev - devold| / (|dev| + 0.1) <
    epsilon``; at most ``maxit`` iterations; columns that converge are frozen at that iteration,
    as R stops there. With ``keep_fitted=False`` the (n, B) ``mu`` and ``w_work`` are not kept
    (None in the result; the dispersions are computed all the same).

    How: the weighted least-squares step has a closed form in per-level sums. After the first
    step the linear predictor is ``alpha[level] + beta tc (+ offset)``, so the sums of ``w z``
    follow from those of ``w`` (``w z = w (alpha + beta tc - 1) + prior y``) and the step is
    ``beta += sum(Q - tbar P) / s``, ``alpha += P / d - 1 - tbar dbeta`` with the constant
    per-level sums ``P`` of ``prior y`` and ``Q`` of ``prior y tc``. Likewise the deviance's
    ``sum prior y log(mu)`` is ``sum alpha P + beta Q`` wherever ``eta >= log(eps)`` is
    guaranteed (else it is summed row by row). Each iteration thus makes one pass over the
    rows: ``w = prior exp(eta)`` and its sums weighted by 1, tc and tc^2.
    """
    y0 = resp.y0
    n, bsz = y0.shape
    des = _Design(levels, wtime)
    n_lev = levels.n_lev
    trend = des.trend
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

    pr = prior
    pry = y0 if prior is None else prior * y0
    off = resp.offset
    zeros = np.zeros(bsz)

    # first step, at mustart: w = prior (y + 0.1), w z = prior wz_start; and the constants P, Q
    mom, zmom, pq = np.zeros((n_lev, 3, bsz)), np.zeros((n_lev, 2, bsz)), np.zeros((n_lev, 2, bsz))
    d, st, stt = mom[:, 0], mom[:, 1], mom[:, 2]  # sums of w, w tc, w tc^2
    sz, stz = zmom[:, 0], zmom[:, 1]  # of w z, w z tc
    p_sum, q_sum = pq[:, 0], pq[:, 1]  # of prior y, prior y tc
    blk_buf = np.empty((des.max_rows, bsz))
    mu0, wz0 = resp.mu_start, resp.wz_start
    for lv, (lo, hi) in enumerate(des.segs):
        blk = blk_buf[: hi - lo]
        w_l = mu0[lo:hi] if pr is None else np.multiply(pr[lo:hi], mu0[lo:hi], out=blk)
        des.moments(lv, w_l, mom[lv])
        wz_l = wz0[lo:hi] if pr is None else np.multiply(pr[lo:hi], wz0[lo:hi], out=blk)
        des.moments(lv, wz_l, zmom[lv])
        des.moments(lv, pry[lo:hi], pq[lv])
    # glm.fit's deviance at mustart: 2 sum prior (y log y - y - y log mu + mu)
    if pr is None:
        dev_const = resp.ylogy_m_y.sum(axis=0)
    else:
        dev_const = np.einsum("rb,rb->b", pr, resp.ylogy_m_y)
    dev = 2.0 * (dev_const - np.einsum("rb,rb->b", pry, resp.eta_start) + d.sum(axis=0))
    inv_d = np.divide(1.0, d, out=np.zeros_like(d), where=d > 0)
    zbar = sz * inv_d
    if trend:
        tb = st * inv_d  # weighted level means of the centred time
        s = np.sum(stt - st * tb, axis=0)  # within-level weighted sum of squares
        num = np.sum(stz - tb * sz, axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            beta = num / s
        alpha = zbar - tb * beta
    else:
        tb, s, beta, alpha = np.zeros_like(d), zeros, zeros, zbar
    del sz, stz, zbar

    # working state of the columns still iterating (compacted when many have stopped)
    idx = np.arange(bsz)
    alive = np.ones(bsz, dtype=bool)
    alpha_prev = np.zeros((n_lev, bsz))
    beta_prev = np.zeros(bsz)
    blk2_buf = np.empty((des.max_rows, bsz))
    for it in range(maxit):
        # (alpha, beta) solve this step, with weights summarised by (d, tb, s); now the new
        # mu = exp(eta), w = prior mu, their per-level sums and the deviance
        mom = np.empty((n_lev, 3, idx.size)) if trend else np.zeros((n_lev, 3, idx.size))
        dn, stn, sttn = mom[:, 0], mom[:, 1], mom[:, 2]
        pe = np.empty_like(d)  # per level: sum prior y max(eta, log eps)
        if off is not None:
            exact = [True] * n_lev
        else:  # where eta >= log(eps) + 1 for sure, both floors are no-ops
            with np.errstate(invalid="ignore", over="ignore"):
                lb = alpha + np.minimum(des.tcmin * beta, des.tcmax * beta)
                exact = (~(lb >= _LOG_EPS + 1.0)).any(axis=1).tolist()
                np.multiply(alpha, p_sum, out=pe)
                if trend:
                    pe += q_sum * beta
        ab = des.coefficients(alpha, beta)
        for lv, (lo, hi) in enumerate(des.segs):
            blk = des.eta_level(lv, ab, off, blk_buf[: hi - lo])
            if exact[lv]:
                tmp = np.maximum(blk, _LOG_EPS, out=blk2_buf[: hi - lo])
                np.einsum("rb,rb->b", pry[lo:hi], tmp, out=pe[lv])
            np.exp(blk, out=blk)
            if exact[lv]:
                np.maximum(blk, DBL_EPS, out=blk)  # make.link("log")$linkinv floors at eps
            if pr is not None:
                blk *= pr[lo:hi]
            des.moments(lv, blk, mom[lv])
        # 2 sum prior (y log y - y - y log mu + mu)
        dev_new = 2.0 * (dev_const - pe.sum(axis=0) + dn.sum(axis=0))
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
        # the next step; eta - offset = alpha + beta tc, so w z sums to alpha d + beta st - d + P
        # per level, and to alpha st + beta stt - st + Q with tc
        alpha_prev, beta_prev, dev, d = alpha, beta, dev_new, dn
        inv_d = np.divide(1.0, d, out=np.zeros_like(d), where=d > 0)
        step = p_sum * inv_d
        step -= 1.0
        if trend:
            tb = stn * inv_d
            s = np.sum(sttn - stn * tb, axis=0)
            with np.errstate(divide="ignore", invalid="ignore"):
                dbeta = np.sum(q_sum - tb * p_sum, axis=0) / s
            beta = beta + dbeta
            step -= tb * dbeta
        alpha = np.where(d > 0, alpha + step, 0.0)
        if n_alive < 0.6 * alive.size:  # compact: copying costs about one pass, skip if cheap
            idx, dev, d, tb, s = idx[alive], dev[alive], d[:, alive], tb[:, alive], s[alive]
            alpha, beta = alpha[:, alive], beta[alive]
            alpha_prev, beta_prev = alpha_prev[:, alive], beta_prev[alive]
            p_sum, q_sum, dev_const = p_sum[:, alive], q_sum[:, alive], dev_const[alive]
            pry = pry[:, alive]
            pr = None if pr is None else pr[:, alive]
            off = None if off is None else off[:, alive]
            alive = np.ones(idx.size, dtype=bool)
            blk_buf = np.empty((des.max_rows, idx.size))
            blk2_buf = np.empty((des.max_rows, idx.size))

    # fitted values after the last step and working weights of the last step, recomputed with
    # the very same operations as in the loop (so bit-identical)
    del blk_buf, blk2_buf
    if keep_fitted:
        mu_o, w_o = np.empty((n, bsz)), np.empty((n, bsz))
    else:  # one level block at a time, overwritten
        mu_o, w_o = np.empty((des.max_rows, bsz)), np.empty((des.max_rows, bsz))
    rank = (d_o > 0).sum(axis=0) + (1 if des.trend else 0)
    df_residual = (good.sum(axis=0) - rank).astype(np.float64)
    # Pearson X^2 with working weights (and with the prior weights), one level block at a time
    x2 = np.zeros(bsz)
    x2_prior = None if prior is None else np.zeros(bsz)
    first = np.nonzero(first_o)[0] if first_o.any() else None
    r_buf = np.empty((des.max_rows, bsz))
    ab_o = des.coefficients(alpha_o, beta_o)
    ab_prev_o = des.coefficients(alpha_prev_o, beta_prev_o)
    with np.errstate(divide="ignore", invalid="ignore"):
        for lv, (lo, hi) in enumerate(des.segs):
            b_lo, b_hi = (lo, hi) if keep_fitted else (0, hi - lo)
            m = des.mean_level(lv, ab_o, resp.offset, mu_o[b_lo:b_hi])
            wv = des.mean_level(lv, ab_prev_o, resp.offset, w_o[b_lo:b_hi])
            if first is not None:
                wv[:, first] = y0[lo:hi, first] + 0.1
            r = np.subtract(y0[lo:hi], m, out=r_buf[: hi - lo])
            r /= m
            r *= r
            if not resp.all_valid:
                r[~good[lo:hi]] = 0.0
            if prior is not None and x2_prior is not None:
                wv *= prior[lo:hi]
                x2_prior += np.einsum("rb,rb->b", r, prior[lo:hi])
            x2 += np.einsum("rb,rb->b", r, wv)
        dispersion = np.where(df_residual > 0, x2 / df_residual, np.nan)
        dispersion_prior = (
            None if x2_prior is None else np.where(df_residual > 0, x2_prior / df_residual, np.nan)
        )
    if des.trend:
        alpha_o -= beta_o * des.tmean[:, None]  # back to the uncentred wtime
        tb_o += des.tmean[:, None]
    return QuasiPoissonFit(
        alpha=alpha_o,
        beta=beta_o if des.trend else None,
        mu=mu_o if keep_fitted else None,
        w_work=w_o if keep_fitted else None,
        d=d_o,
        tbar=tb_o if des.trend else None,
        s=s_o if des.trend else None,
        converged=converged,
        df_residual=df_residual,
        dispersion=dispersion,
        dispersion_prior=dispersion_prior,
    )


def hat_values_level(
    fit: QuasiPoissonFit,
    levels: Levels,
    wtime: FloatArray | None,
    lv: int,
    inv_d: FloatArray,
    out: FloatArray,
) -> FloatArray:
    """:func:`hat_values` of level ``lv``'s rows, written into ``out``; ``inv_d`` is ``1 / d``
    (0 where ``d = 0``)."""
    if fit.w_work is None:
        raise ValueError("the fit was made with keep_fitted=False")
    lo, hi = int(levels.starts[lv]), int(levels.stops[lv])
    with np.errstate(divide="ignore", invalid="ignore"):
        if wtime is not None and fit.tbar is not None and fit.s is not None:
            np.subtract(wtime[lo:hi, None], fit.tbar[lv], out=out)
            out *= out
            out /= fit.s
            out += inv_d[lv]
        else:
            out[...] = inv_d[lv]
        out *= fit.w_work[lo:hi]
    # lm.influence sets hat values within 10 * eps of 1 to exactly 1
    out[out >= 1.0 - 10 * DBL_EPS] = 1.0
    return out


def inverse_d(fit: QuasiPoissonFit) -> FloatArray:
    """``1 / d`` per level and column, 0 where a level has no weight."""
    with np.errstate(divide="ignore"):
        return np.where(fit.d > 0, 1.0 / fit.d, 0.0)


def hat_values(fit: QuasiPoissonFit, levels: Levels, wtime: FloatArray | None) -> FloatArray:
    """Diagonal of the weighted hat matrix, as ``hatvalues(model)`` for a glm: (n, B)."""
    if fit.w_work is None:
        raise ValueError("the fit was made with keep_fitted=False")
    h = np.empty_like(fit.w_work)
    inv_d = inverse_d(fit)
    for lv in range(levels.n_lev):
        hat_values_level(fit, levels, wtime, lv, inv_d, h[levels.starts[lv] : levels.stops[lv]])
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
