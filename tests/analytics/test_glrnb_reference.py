"""accord.analytics.glrnb against surveillance::glrnb 1.20.3 (fixtures: scripts/r_reference_glrnb.R)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from accord.analytics.glrnb import GlrnbControl, detect
from accord.analytics.series import CountSeries

RESULTS = Path(__file__).resolve().parents[1] / "results"
FIRST, LAST = 105, 156  # R's range (1-based)

# the control lists of scripts/r_reference_glrnb.R, as GlrnbControl fields
CONFIGS: dict[str, dict[str, object]] = {
    "default": {"c_ARL": 5},
    "poisson": {"c_ARL": 5, "alpha": 0.0},
    "nb_fixed_M": {"c_ARL": 4, "alpha": 0.3, "M": 26, "Mtilde": 2},
    "poisson_M": {"c_ARL": 5, "alpha": 0.0, "M": 20},
    "poisson_cases": {"c_ARL": 5, "alpha": 0.0, "ret": "cases"},
    "nb_dec": {"c_ARL": 3, "alpha": 0.2, "dir": "dec"},
    "lr_theta": {"c_ARL": 5, "theta": math.log(2)},
    "trend_S2": {"c_ARL": 5, "mu0_S": 2, "mu0_trend": True},
}


def _input() -> CountSeries:
    with open(RESULTS / "glrnb_input.csv") as fh:
        rows = list(csv.DictReader(fh))
    n_series = max(int(r["series"]) for r in rows)
    n_time = max(int(r["t"]) for r in rows)
    obs = np.zeros((n_series, n_time))
    for r in rows:
        obs[int(r["series"]) - 1, int(r["t"]) - 1] = float(r["observed"])
    return CountSeries(obs, freq=52)


def _expected(config: str) -> dict[str, np.ndarray]:
    with open(RESULTS / "glrnb_expected.csv") as fh:
        rows = [r for r in csv.DictReader(fh) if r["config"] == config]
    n_series = max(int(r["series"]) for r in rows)
    out = {k: np.zeros((n_series, LAST - FIRST + 1)) for k in ("alarm", "upperbound", "mu0")}
    out["alpha"] = np.zeros(n_series)
    for r in rows:
        i, j = int(r["series"]) - 1, int(r["t"]) - FIRST
        for k in ("alarm", "upperbound", "mu0"):
            out[k][i, j] = float(r[k])
        out["alpha"][i] = float(r["alpha"])
    return out


@pytest.fixture(scope="module")
def series() -> CountSeries:
    return _input()


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_matches_r(series: CountSeries, config: str) -> None:
    exp = _expected(config)
    res = detect(series, GlrnbControl(**CONFIGS[config]), t=range(FIRST - 1, LAST))  # type: ignore[arg-type]
    # the phase-1 GLM (glm / glm.nb) gives the same in-control means and dispersion
    np.testing.assert_allclose(res.expected, exp["mu0"], rtol=1e-5)
    np.testing.assert_allclose(res.diagnostics["alpha"][:, 0], exp["alpha"], rtol=1e-4, atol=1e-9)
    agreement = np.mean(res.alarm == exp["alarm"].astype(bool))
    assert agreement >= 0.99, f"{config}: alarm agreement {agreement:.3f}"
    assert exp["alarm"].sum() > 0 or config == "nb_dec"  # the fixture exercises alarms
    # statistic (or cases) values: identical up to the Newton tolerance of R's C code
    np.testing.assert_allclose(res.upperbound, exp["upperbound"], rtol=1e-4, atol=1e-5)


def test_alarm_restarts_the_chart(series: CountSeries) -> None:
    res = detect(series, GlrnbControl(alpha=0.0), t=range(FIRST - 1, LAST))
    i, j = np.argwhere(res.alarm)[0]
    # after an alarm the CUSUM starts afresh: the next value only sees the next observation
    nxt = res.score[i, j + 1]
    x, mu = res.observed[i, j + 1], res.expected[i, j + 1]
    kappa = max(0.0, math.log(x / mu)) if x > 0 else 0.0
    assert nxt == pytest.approx(kappa * x + (1 - math.exp(kappa)) * mu)


def test_given_mu0_needs_alpha() -> None:
    s = CountSeries(np.ones((1, 10)))
    with pytest.raises(ValueError, match="alpha"):
        detect(s, GlrnbControl(mu0=np.ones(5)), t=range(5, 10))


def test_noncontiguous_range_rejected() -> None:
    s = CountSeries(np.ones((1, 10)))
    with pytest.raises(ValueError, match="contiguous"):
        detect(s, GlrnbControl(alpha=0.0), t=[5, 7])


def test_trigamma_matches_scipy() -> None:
    from scipy.special import polygamma

    from accord.analytics.glrnb import _trigamma

    x = np.concatenate([np.logspace(-6, 8, 500), np.linspace(0.05, 30, 500)])
    np.testing.assert_allclose(_trigamma(x), polygamma(1, x), rtol=1e-10)
