"""Batched quasi-Poisson IRLS for the Farrington design: a seasonal factor plus a linear trend.

This replays R's ``stats::glm.fit`` (``family = quasipoisson(link = "log")``, default
``glm.control(epsilon = 1e-8, maxit = 25)``) iteration by iteration for many series at once, so
that fitted values, convergence flags, dispersion, hat values and standard errors match what
``surveillance::algo.farrington.fitGLM.flexible`` obtains from ``glm``, ``summary.glm``,
``hatvalues`` and ``predict.glm``.

All series in a batch share one design: every observation row belongs to one level of the
seasonal factor (``levels``) and has a time value (``wtime``). The model
``log(mu) = offset + alpha[level] + beta * wtime`` spans the same column space as R's
``response ~ 1 + wtime + seasgroups`` (treatment contrasts), so fits and predictions are the same;
in this parametrisation the weighted least-squares step has a closed form (per-level weighted
means, then the within-level slope), which makes one IRLS step a handful of
(batch x rows) @ (rows x levels) products instead of a batched linear solve.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DBL_EPS = float(np.finfo(np.float64).eps)  # R's .Machine$double.eps, the floor of exp() in log link
GLM_EPSILON = 1e-8  # glm.control()$epsilon
GLM_MAXIT = 25  # glm.control()$maxit


@dataclass
class QuasiPoissonFit:
    """One fitted model per batch row, with what R's glm object would let us compute.

    ``w_work``, ``d``, ``tbar`` and ``s`` describe the last weighted least-squares step (R keeps
    the QR decomposition and working weights of that step, computed *before* the final
    coefficient update); ``mu`` is the fitted mean after it, as in ``fitted(model)``.
    """

    alpha: FloatArray  # (B, L) level effects (log scale)
    beta: FloatArray | None  # (B,) trend coefficient, None for a model without trend
    mu: FloatArray  # (B, n) fitted means
    w_work: FloatArray  # (B, n) working weights of the last WLS step (0 where excluded)
    d: FloatArray  # (B, L) per-level sum of working weights
    tbar: FloatArray | None  # (B, L) per-level weighted mean of wtime
    s: FloatArray | None  # (B,) within-level weighted sum of squares of wtime
    converged: BoolArray  # (B,)
    rank: npt.NDArray[np.int64]  # (B,) number of estimable coefficients
    df_residual: FloatArray  # (B,) n.ok - rank
    dispersion: FloatArray  # (B,) summary.glm()$dispersion (Pearson, not floored at 1)


def _initial_deviance(y0: FloatArray, prior: FloatArray) -> FloatArray:
    """Deviance at glm.fit's start ``mu = y + 0.1``: sum 2 w (y log(y / mu) - (y - mu))."""
    mu = y0 + 0.1
    with np.errstate(divide="ignore", invalid="ignore"):
        ylog = np.where(y0 > 0, y0 * np.log(np.where(y0 > 0, y0, 1.0) / mu), 0.0)
    return np.sum(2.0 * prior * (ylog - (y0 - mu)), axis=1)


class _Design:
    """Per-level sums as matrix products: w @ m1 gives (sum w, sum w t, sum w t^2) per level."""

    def __init__(self, onehot: FloatArray, wtime: FloatArray | None) -> None:
        self.onehot = np.ascontiguousarray(onehot)
        self.onehot_t = np.ascontiguousarray(onehot.T)
        self.n_lev = onehot.shape[1]
        self.trend = wtime is not None
        if wtime is None:
            self.m1 = self.onehot
            self.m2 = self.onehot
            self.tc = None
            self.tmean = np.zeros(self.n_lev)
            return
        counts = onehot.sum(axis=0)
        # centre wtime on its unweighted level mean: an exact reparametrisation that keeps the
        # per-level sums of squares free of cancellation
        self.tmean = (wtime @ onehot) / np.where(counts > 0, counts, 1.0)
        tc = wtime - onehot @ self.tmean
        self.tc = tc
        g_t = onehot * tc[:, None]
        self.m1 = np.ascontiguousarray(np.hstack([onehot, g_t, onehot * (tc**2)[:, None]]))
        self.m2 = np.ascontiguousarray(np.hstack([onehot, g_t]))

    def solve(
        self, w: FloatArray, wz: FloatArray
    ) -> tuple[FloatArray, FloatArray | None, FloatArray, FloatArray | None, FloatArray | None]:
        """Closed-form WLS: level effects, slope, and the sums kept for standard errors."""
        n_lev = self.n_lev
        s1 = w @ self.m1
        s2 = wz @ self.m2
        d = s1[:, :n_lev]
        present = d > 0
        inv_d = np.divide(1.0, d, out=np.zeros_like(d), where=present)
        zbar = s2[:, :n_lev] * inv_d
        if not self.trend:
            return zbar, None, d, None, None
        st, stt, stz = s1[:, n_lev : 2 * n_lev], s1[:, 2 * n_lev :], s2[:, n_lev:]
        tb = st * inv_d  # weighted level means of the centred time
        s = np.sum(stt - st * tb, axis=1)  # within-level weighted sum of squares
        num = np.sum(stz - tb * s2[:, :n_lev], axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            beta = num / s
        alpha = zbar - tb * beta[:, None]  # level effects in the centred parametrisation
        return alpha, beta, d, tb, s

    def linear_predictor(self, alpha: FloatArray, beta: FloatArray | None) -> FloatArray:
        eta = alpha @ self.onehot_t
        if beta is not None and self.tc is not None:
            eta += beta[:, None] * self.tc[None, :]
        return eta


_LOG_EPS = float(np.log(DBL_EPS))


def fit_quasipoisson(
    y: FloatArray,
    prior: FloatArray,
    onehot: FloatArray,
    wtime: FloatArray | None,
    offset: FloatArray | None = None,
    *,
    maxit: int = GLM_MAXIT,
    epsilon: float = GLM_EPSILON,
) -> QuasiPoissonFit:
    """Fit ``glm(y ~ levels [+ wtime] + offset, quasipoisson, weights = prior)`` row by row.

    y, prior, offset: (B, n); rows with ``prior == 0`` are left out of the fit, which is how
    missing responses are handled (R drops them from the data frame). onehot: (n, L) 0/1 level
    membership. wtime: (n,) or None for the model without trend. Mirrors ``glm.fit``: start at
    ``mu = y + 0.1``; stop when ``|dev - devold| / (|dev| + 0.1) < epsilon``; at most ``maxit``
    iterations; series that converge are frozen at that iteration like R does.
    """
    bsz, n = y.shape
    des = _Design(onehot, wtime)
    n_lev = des.n_lev
    good_rows = prior > 0
    y0 = np.where(good_rows, y, 0.0)  # NaN responses carry zero weight; keep arithmetic finite

    # outputs, filled as rows converge (or at the end)
    alpha_o = np.zeros((bsz, n_lev))
    beta_o = np.zeros(bsz)
    w_o = np.zeros((bsz, n))
    mu_o = np.zeros((bsz, n))
    d_o = np.zeros((bsz, n_lev))
    tb_o = np.zeros((bsz, n_lev))
    s_o = np.zeros(bsz)
    converged = np.zeros(bsz, dtype=bool)

    # working copies for the rows still iterating
    idx = np.arange(bsz)
    pr = prior
    off = offset
    pry = prior * y0
    with np.errstate(divide="ignore", invalid="ignore"):
        ylogy = np.where(y0 > 0, y0 * np.log(np.where(y0 > 0, y0, 1.0)), 0.0)
    dev_const = np.sum(prior * (ylogy - y0), axis=1)  # deviance terms that do not depend on mu
    del ylogy
    dev = _initial_deviance(y0, prior)
    mu = y0 + 0.1  # poisson()$initialize: mustart <- y + 0.1
    eta = np.log(mu)
    w = pr * mu  # IRLS weight prior * mu.eta^2 / variance = prior * mu for the log link

    for it in range(maxit):
        if idx.size == 0:
            break
        # working response z = eta - offset + (y - mu) / mu, so w z = w (eta - offset - 1) + prior y
        wz = w * (eta - 1.0 if off is None else eta - off - 1.0)
        wz += pry
        alpha, beta, d, tb, s = des.solve(w, wz)
        eta_new = des.linear_predictor(alpha, beta)
        if off is not None:
            eta_new += off
        mu_new = np.maximum(np.exp(eta_new), DBL_EPS)  # make.link("log")$linkinv floors at eps
        w_new = pr * mu_new
        # 2 sum prior (y log y - y log mu - y + mu), log mu = max(eta, log eps)
        ylogmu = np.einsum("ij,ij->i", pry, np.maximum(eta_new, _LOG_EPS))
        dev_new = 2.0 * (dev_const - ylogmu + w_new.sum(axis=1))
        with np.errstate(invalid="ignore"):
            conv = np.abs(dev_new - dev) / (np.abs(dev_new) + 0.1) < epsilon
        # R stops a series at convergence (or returns the maxit-th step unconverged); the QR and
        # working weights it keeps are those of this step, the fitted values those after it
        stop = conv | ~np.isfinite(dev_new) if it < maxit - 1 else np.ones_like(conv)
        if stop.any():
            rows = idx[stop]
            converged[rows] = conv[stop]
            alpha_o[rows] = alpha[stop]
            d_o[rows] = d[stop]
            w_o[rows] = w[stop]
            mu_o[rows] = mu_new[stop]
            if beta is not None and tb is not None and s is not None:
                beta_o[rows] = beta[stop]
                tb_o[rows] = tb[stop]
                s_o[rows] = s[stop]
        if not stop.any():
            eta, w, dev = eta_new, w_new, dev_new
            continue
        keep = ~stop
        idx = idx[keep]
        eta, w, dev = eta_new[keep], w_new[keep], dev_new[keep]
        pr, pry, dev_const = pr[keep], pry[keep], dev_const[keep]
        off = None if off is None else off[keep]

    present = d_o > 0
    rank = present.sum(axis=1) + (1 if des.trend else 0)
    n_ok = good_rows.sum(axis=1)
    df_residual = (n_ok - rank).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(good_rows, ((y0 - mu_o) / mu_o) ** 2, 0.0)
        pearson = np.einsum("ij,ij->i", w_o, r2)
        dispersion = np.where(df_residual > 0, pearson / df_residual, np.nan)
    if des.trend:
        alpha_o -= beta_o[:, None] * des.tmean[None, :]  # back to the uncentred wtime
        tb_o += des.tmean[None, :]
    return QuasiPoissonFit(
        alpha=alpha_o,
        beta=beta_o if des.trend else None,
        mu=mu_o,
        w_work=w_o,
        d=d_o,
        tbar=tb_o if des.trend else None,
        s=s_o if des.trend else None,
        converged=converged,
        rank=rank,
        df_residual=df_residual,
        dispersion=dispersion,
    )


def hat_values(fit: QuasiPoissonFit, onehot: FloatArray, wtime: FloatArray | None) -> FloatArray:
    """Diagonal of the weighted hat matrix, as ``hatvalues(model)`` for a glm."""
    with np.errstate(divide="ignore", invalid="ignore"):
        inv_d = np.where(fit.d > 0, 1.0 / fit.d, 0.0)
        h = fit.w_work * (inv_d @ onehot.T)
        if wtime is not None and fit.tbar is not None and fit.s is not None:
            tc = wtime - fit.tbar @ onehot.T
            h = h + fit.w_work * tc**2 / fit.s[:, None]
    # lm.influence sets hat values within 10 * eps of 1 to exactly 1
    return np.where(h >= 1.0 - 10 * DBL_EPS, 1.0, h)


def predict_link(
    fit: QuasiPoissonFit, level: int, t0: float, offset0: FloatArray | None
) -> tuple[FloatArray, FloatArray]:
    """``predict.glm(..., se.fit = TRUE, type = "link")`` at one level / time for every row.

    The standard error uses ``summary.glm``'s dispersion (R's farringtonFlexible passes its
    floored ``phi`` inside ``newdata``, where predict.glm ignores it).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        dp = fit.d[:, level]
        eta0 = fit.alpha[:, level].copy()
        var = 1.0 / dp
        if fit.beta is not None and fit.tbar is not None and fit.s is not None:
            eta0 = eta0 + fit.beta * t0
            var = var + (fit.tbar[:, level] - t0) ** 2 / fit.s
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
        return 2.0 * stats.t.sf(np.abs(tval), df)
