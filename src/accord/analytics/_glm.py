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


def _dev_resids(y: FloatArray, mu: FloatArray, wt: FloatArray) -> FloatArray:
    """Row sums of poisson()$dev.resids: 2 * wt * (y log(y/mu) - (y - mu))."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ylogy = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    return np.sum(2.0 * wt * (ylogy - (y - mu)), axis=1)


def _wls(
    w: FloatArray,
    z: FloatArray,
    onehot: FloatArray,
    wtime: FloatArray | None,
) -> tuple[FloatArray, FloatArray | None, FloatArray, FloatArray | None, FloatArray | None]:
    """Closed-form weighted least squares of z on (level dummies [+ wtime]) for every row."""
    d = w @ onehot  # (B, L)
    present = d > 0
    inv_d = np.divide(1.0, d, out=np.zeros_like(d), where=present)
    zbar = ((w * z) @ onehot) * inv_d
    if wtime is None:
        return zbar, None, d, None, None
    tbar = ((w * wtime) @ onehot) * inv_d
    tc = wtime - tbar @ onehot.T  # wtime centred within its level (numerically stable Schur)
    wtc = w * tc
    s = np.sum(wtc * tc, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.sum(wtc * z, axis=1) / s
    alpha = zbar - tbar * beta[:, None]
    return alpha, beta, d, tbar, s


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
    n_lev = onehot.shape[1]
    off = np.zeros_like(y) if offset is None else offset
    good_rows = prior > 0
    y0 = np.where(good_rows, y, 0.0)  # NaN responses carry zero weight; keep arithmetic finite

    alpha = np.zeros((bsz, n_lev))
    beta = np.zeros(bsz) if wtime is not None else None
    w_work = np.zeros((bsz, n))
    d = np.zeros((bsz, n_lev))
    tbar = np.zeros((bsz, n_lev)) if wtime is not None else None
    s = np.zeros(bsz) if wtime is not None else None
    converged = np.zeros(bsz, dtype=bool)

    mu = y0 + 0.1  # poisson()$initialize: mustart <- y + 0.1
    eta = np.log(mu)
    devold = _dev_resids(y0, mu, prior)
    active = np.arange(bsz)
    e_act, mu_act, dev_act = eta, mu, devold
    for _ in range(maxit):
        if active.size == 0:
            break
        pr = prior[active]
        mu_eta = np.maximum(np.exp(e_act), DBL_EPS)
        z = e_act - off[active] + (y0[active] - mu_act) / mu_eta
        w = pr * mu_eta**2 / mu_act  # squared IRLS weights: prior * mu
        a, bt, dd, tb, ss = _wls(w, z, onehot, wtime)
        e_new = a @ onehot.T + off[active]
        if bt is not None:
            e_new = e_new + bt[:, None] * wtime
        mu_new = np.maximum(np.exp(e_new), DBL_EPS)
        dev = _dev_resids(y0[active], mu_new, pr)
        # store this step's state for every active row; converged ones are dropped below
        alpha[active] = a
        w_work[active] = w
        d[active] = dd
        if beta is not None and bt is not None and tbar is not None and s is not None:
            beta[active] = bt
            tbar[active] = tb
            s[active] = ss
        eta[active] = e_new
        mu[active] = mu_new
        with np.errstate(invalid="ignore"):
            conv = np.abs(dev - dev_act) / (np.abs(dev) + 0.1) < epsilon
        converged[active[conv]] = True
        keep = ~conv & np.isfinite(dev)
        active = active[keep]
        e_act, mu_act, dev_act = e_new[keep], mu_new[keep], dev[keep]

    present = d > 0
    rank = present.sum(axis=1) + (0 if wtime is None else 1)
    n_ok = good_rows.sum(axis=1)
    df_residual = (n_ok - rank).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        pearson = np.sum(np.where(good_rows, w_work * ((y0 - mu) / mu) ** 2, 0.0), axis=1)
        dispersion = np.where(df_residual > 0, pearson / df_residual, np.nan)
    return QuasiPoissonFit(
        alpha=alpha,
        beta=beta,
        mu=mu,
        w_work=w_work,
        d=d,
        tbar=tbar,
        s=s,
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
