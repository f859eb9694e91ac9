"""accord.analytics.simulate: the Noufaily et al. (2013) design."""

from __future__ import annotations

import numpy as np
import pytest

from accord.analytics.simulate import SCENARIOS, Design, Scenario, simulate


def test_42_scenarios_cover_trend_and_harmonics() -> None:
    assert len(SCENARIOS) == 42
    assert [s.id for s in SCENARIOS] == list(range(1, 43))
    assert {s.m for s in SCENARIOS} == {0, 1, 2}
    assert sum(s.beta != 0 for s in SCENARIOS) == 21
    assert sum(s.phi == 1 for s in SCENARIOS) == 6  # one Poisson parameter set
    no_season = [s for s in SCENARIOS if s.m == 0]
    assert all(s.gamma1 == 0 and s.gamma2 == 0 for s in no_season)


def test_mean_formula() -> None:
    s = Scenario(id=0, theta=1.0, beta=0.01, gamma1=0.5, gamma2=-0.2, m=2, phi=2.0)
    t = np.array([1.0, 13.0, 40.0])
    expect = np.exp(
        1.0
        + 0.01 * t
        + sum(
            0.5 * np.cos(2 * np.pi * j * t / 52) - 0.2 * np.sin(2 * np.pi * j * t / 52)
            for j in (1, 2)
        )
    )
    np.testing.assert_allclose(s.mean(t), expect)


@pytest.mark.parametrize("phi", [1.0, 3.0])
def test_baseline_mean_and_variance_phi_mu(phi: float) -> None:
    # flat mean, many replicates: sample variance / mean estimates phi
    scen = Scenario(id=1, theta=np.log(20.0), beta=0.0, gamma1=0.0, gamma2=0.0, m=0, phi=phi)
    sim = simulate(
        [scen],
        n_reps=400,
        rng=np.random.default_rng(1),
        design=Design(n_weeks=100, past_weeks=(1, 50), current_weeks=(60, 100)),
    )
    b = sim.baseline
    assert b.mean() == pytest.approx(20.0, rel=0.01)
    assert b.var() / b.mean() == pytest.approx(phi, rel=0.05)
    assert np.all(b == np.round(b)) and b.min() >= 0


def test_seasonal_mean_is_followed() -> None:
    scen = SCENARIOS[2 * 6 + 2]  # theta 1.5, m = 2, Poisson
    sim = simulate([scen], n_reps=300, rng=7)
    np.testing.assert_allclose(
        sim.baseline.mean(axis=0)[:52], scen.mean(np.arange(1, 53)), rtol=0.15
    )


def test_twin_has_no_current_outbreak_and_differs_only_by_it() -> None:
    sim = simulate(SCENARIOS[:6], n_reps=20, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(sim.series.observed - sim.twin.observed, sim.current_cases)
    mon = sim.monitored
    # the twin's monitored weeks carry no current-outbreak cases; the series gets them all
    assert sim.current_cases[:, : mon[0]].sum() == 0
    assert sim.series.state is not None and sim.twin.state is not None
    # the twin flags exactly the weeks that carry past-outbreak cases
    np.testing.assert_array_equal(sim.twin.state, sim.twin.observed > sim.baseline)
    assert np.all(sim.series.state[sim.current_cases > 0])


def test_outbreak_sizes_follow_k_times_sd() -> None:
    sim = simulate(SCENARIOS[24:30], n_reps=200, rng=np.random.default_rng(11))  # theta = 2.5
    rows = np.arange(sim.mean.shape[0])
    phi = np.array([SCENARIOS[i - 1].phi for i in sim.scenario])
    lam = sim.current_k * np.sqrt(phi * sim.mean[rows, sim.current_start])
    # Poisson(lambda) sizes: standardised residuals have mean 0 and variance 1
    z = (sim.current_size - lam) / np.sqrt(lam)
    assert abs(z.mean()) < 0.1 and z.var() == pytest.approx(1.0, rel=0.15)
    assert set(np.unique(sim.current_k)) <= set(range(1, 11))
    # cases start at the outbreak start; delays floor(LogNormal(0, 0.5)) are mostly 0-2 weeks
    placed = sim.current_cases.sum(axis=1)
    assert np.all(placed <= sim.current_size)
    first = np.argmax(sim.current_cases > 0, axis=1)[placed > 0]
    assert np.all(first >= sim.current_start[placed > 0])
    share0 = sim.current_cases[rows, sim.current_start].sum() / placed.sum()
    assert share0 == pytest.approx(0.5, abs=0.05)  # P(LogNormal(0, .5) < 1) = 1/2


def test_seeded_and_reproducible() -> None:
    a = simulate(SCENARIOS[:2], n_reps=3, rng=5)
    b = simulate(SCENARIOS[:2], n_reps=3, rng=5)
    np.testing.assert_array_equal(a.series.observed, b.series.observed)
    assert a.series.observed.shape == (6, 624)
    assert list(a.monitored[[0, -1]]) == [575, 623]
