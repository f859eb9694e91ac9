"""accord.analytics._glm against a plain dense replay of R's glm.fit (R-independent)."""

from __future__ import annotations

import numpy as np
import pytest

from accord.analytics._glm import (
    DBL_EPS,
    Levels,
    Response,
    fit_quasipoisson,
    hat_values,
)

LEVEL_OF_ROW = np.repeat(np.arange(4), [7, 5, 9, 6])  # rows sorted by level
N = LEVEL_OF_ROW.size


def glm_fit_dense(
    y: np.ndarray,
    prior: np.ndarray,
    wtime: np.ndarray | None,
    offset: np.ndarray,
    maxit: int = 25,
    epsilon: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray, bool, float]:
    """One column: stats::glm.fit(quasipoisson) with an explicit design and least squares.

    Returns fitted mu, the working weights of the last step, converged, Pearson dispersion.
    """
    x = np.eye(4)[LEVEL_OF_ROW]
    if wtime is not None:
        x = np.column_stack([x, wtime])
    good = prior > 0

    def deviance(mu: np.ndarray) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            ylogy = np.where(y > 0, y * np.log(y / mu), 0.0)
        return float(2.0 * np.sum(prior * (ylogy - (y - mu))))

    mu = y + 0.1
    eta = np.log(mu)
    dev_old = deviance(mu)
    converged = False
    w = prior * mu
    for _ in range(maxit):
        z = eta - offset + (y - mu) / mu
        w = prior * mu
        sw = np.sqrt(w[good])
        coef = np.linalg.lstsq(x[good] * sw[:, None], z[good] * sw, rcond=None)[0]
        eta = x @ coef + offset
        mu = np.maximum(np.exp(eta), DBL_EPS)
        dev = deviance(mu)
        if abs(dev - dev_old) / (abs(dev) + 0.1) < epsilon:
            converged = True
            break
        dev_old = dev
    rank = np.linalg.matrix_rank(x[good])
    r = (y - mu) / mu
    disp = float(np.sum((w * r * r)[good]) / (good.sum() - rank))
    return mu, w, converged, disp


def batch(seed: int, n_cols: int = 12) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    lam = rng.uniform(0.5, 40.0, size=(1, n_cols)) * np.exp(
        rng.normal(0, 0.3, size=(4, n_cols))[LEVEL_OF_ROW]
    )
    y = rng.poisson(lam).astype(float)
    y[7:12, 0] = 0.0  # a level without cases: its mean goes to 0
    prior = rng.uniform(0.2, 2.0, size=(N, n_cols))
    prior[rng.random((N, n_cols)) < 0.1] = 0.0
    offset = rng.normal(0, 0.5, size=(N, n_cols))
    return y, prior, offset


@pytest.mark.parametrize("trend", [True, False])
@pytest.mark.parametrize("with_prior", [True, False])
@pytest.mark.parametrize("with_offset", [True, False])
def test_matches_dense_glm_fit(trend: bool, with_prior: bool, with_offset: bool) -> None:
    y, prior, offset = batch(seed=3)
    wtime = np.arange(N, dtype=float) - 9.0 if trend else None
    resp = Response(y, offset if with_offset else None)
    fit = fit_quasipoisson(resp, prior if with_prior else None, Levels(LEVEL_OF_ROW), wtime)
    assert fit.mu is not None and fit.w_work is not None
    for j in range(y.shape[1]):
        mu, w, conv, disp = glm_fit_dense(
            y[:, j],
            prior[:, j] if with_prior else np.ones(N),
            wtime,
            offset[:, j] if with_offset else np.zeros(N),
        )
        assert fit.converged[j] == conv
        good = prior[:, j] > 0 if with_prior else np.ones(N, dtype=bool)
        np.testing.assert_allclose(fit.mu[good, j], mu[good], rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(fit.w_work[good, j], w[good], rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(fit.dispersion[j], disp, rtol=1e-7)


def test_keep_fitted_false_changes_nothing_else() -> None:
    y, prior, offset = batch(seed=5)
    wtime = np.arange(N, dtype=float)
    resp = Response(y, offset)
    a = fit_quasipoisson(resp, prior, Levels(LEVEL_OF_ROW), wtime)
    b = fit_quasipoisson(resp, prior, Levels(LEVEL_OF_ROW), wtime, keep_fitted=False)
    assert b.mu is None and b.w_work is None
    for key in ("alpha", "beta", "d", "tbar", "s", "converged", "dispersion", "dispersion_prior"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))


def test_hat_values_sum_to_rank() -> None:
    y, _, _ = batch(seed=7)
    y[7:12, 0] = 1.0  # keep every level clear of hat values clamped to 1
    wtime = np.arange(N, dtype=float)
    levels = Levels(LEVEL_OF_ROW)
    fit = fit_quasipoisson(Response(y), None, levels, wtime)
    h = hat_values(fit, levels, wtime)
    np.testing.assert_allclose(h.sum(axis=0), 5.0, rtol=1e-10)  # 4 levels + trend
