"""Behaviour of accord.analytics.farrington (R-independent unit tests)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

from accord.analytics import farrington
from accord.analytics.farrington import FARRINGTON, NOUFAILY, PRESETS, FarringtonControl, detect
from accord.analytics.series import CountSeries

N_TIME = 5 * 52 + 3 + 20  # b = 5 years + w + 20 monitored weeks


def poisson_series(n_series: int = 4, mean: float = 10.0, seed: int = 1) -> CountSeries:
    rng = np.random.default_rng(seed)
    return CountSeries(observed=rng.poisson(mean, size=(n_series, N_TIME)).astype(float), freq=52)


def test_defaults_match_r_1_20() -> None:
    c = FarringtonControl()
    assert (c.b, c.w, c.reweight, c.weightsThreshold, c.alpha, c.trend) == (
        5,
        3,
        True,
        2.58,
        0.05,
        True,
    )
    assert (c.pThresholdTrend, c.limit54, c.powertrans, c.populationOffset) == (
        0.05,
        (5, 4),
        "2/3",
        False,
    )
    assert (c.noPeriods, c.pastWeeksNotIncluded, c.thresholdMethod) == (1, None, "delta")
    assert c.past_weeks_not_included == c.w


def test_presets() -> None:
    assert PRESETS == {"farrington": FARRINGTON, "noufaily": NOUFAILY}
    assert (FARRINGTON.noPeriods, FARRINGTON.weightsThreshold, FARRINGTON.pastWeeksNotIncluded) == (
        1,
        1.0,
        3,
    )
    assert (FARRINGTON.pThresholdTrend, FARRINGTON.thresholdMethod) == (0.05, "delta")
    assert (NOUFAILY.noPeriods, NOUFAILY.weightsThreshold, NOUFAILY.pastWeeksNotIncluded) == (
        10,
        2.58,
        26,
    )
    assert (NOUFAILY.pThresholdTrend, NOUFAILY.thresholdMethod) == (1.0, "nbPlugin")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"b": 0}, "b must be"),
        ({"w": -1}, "w must be"),
        ({"alpha": 1.5}, "alpha"),
        ({"limit54": (-1, 4)}, "limit54"),
        ({"limit54": (5, 0)}, "limit54"),
        ({"powertrans": "3/4"}, "powertrans"),
        ({"thresholdMethod": "exact"}, "thresholdMethod"),
        ({"noPeriods": 0}, "noPeriods"),
        ({"pastWeeksNotIncluded": -2}, "pastWeeksNotIncluded"),
    ],
)
def test_control_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FarringtonControl(**kwargs)  # type: ignore[arg-type]


def test_shapes_and_default_columns() -> None:
    s = poisson_series()
    res = detect(s, FARRINGTON)
    assert res.t.tolist() == list(range(52 * 5 + 3, N_TIME))  # R: (freq * b + w + 1):n
    for arr in (res.alarm, res.upperbound, res.expected, res.score, res.pvalue, res.observed):
        assert arr.shape == (4, 20)
    assert res.alarm.dtype == bool
    assert res.diagnostics["trend"].shape == (4, 20)
    assert res.diagnostics["phi"].shape == (4, 20)
    assert np.all(res.diagnostics["phi"] >= 1.0)
    assert np.array_equal(res.observed, s.observed[:, res.t])
    assert res.method == "farrington:delta"


def test_explicit_columns_keep_order() -> None:
    s = poisson_series()
    res = detect(s, NOUFAILY, t=[N_TIME - 1, N_TIME - 5])
    assert res.t.tolist() == [N_TIME - 1, N_TIME - 5]
    full = detect(s, NOUFAILY, t=range(N_TIME - 5, N_TIME))
    np.testing.assert_allclose(res.upperbound[:, 0], full.upperbound[:, 4])
    np.testing.assert_allclose(res.upperbound[:, 1], full.upperbound[:, 0])


def test_outbreak_raises_alarm_and_series_are_independent() -> None:
    s = poisson_series(n_series=3)
    obs = s.observed.copy()
    obs[1, -1] = 60.0  # a clear outbreak in series 1 only
    res = detect(CountSeries(observed=obs, freq=52), FARRINGTON, t=[N_TIME - 1])
    assert res.alarm[1, 0]
    assert res.score[1, 0] > 1
    assert res.pvalue[1, 0] < 1e-6
    alone = detect(CountSeries(observed=obs[[1]], freq=52), FARRINGTON, t=[N_TIME - 1])
    np.testing.assert_allclose(alone.upperbound[0], res.upperbound[1], rtol=1e-12)


def test_limit54_suppresses_alarms() -> None:
    obs = np.zeros((1, N_TIME))
    obs[0, -1] = 4.0  # fewer than 5 cases in the last 4 weeks
    s = CountSeries(observed=obs, freq=52)
    res = detect(s, FARRINGTON, t=[N_TIME - 1])
    assert not res.alarm[0, 0]
    assert np.isnan(res.upperbound[0, 0]) and np.isnan(res.expected[0, 0])
    assert res.score[0, 0] > 1  # R still reports the score
    relaxed = detect(s, dataclasses.replace(FARRINGTON, limit54=(0, 4)), t=[N_TIME - 1])
    assert relaxed.alarm[0, 0]
    assert relaxed.upperbound[0, 0] < 0.01


def test_trend_kept_only_when_significant() -> None:
    weeks = np.arange(N_TIME)
    rng = np.random.default_rng(3)
    falling = rng.poisson(200.0 * np.exp(-0.006 * weeks)).astype(float)
    flat = rng.poisson(50.0, N_TIME).astype(float)
    s = CountSeries(observed=np.vstack([falling, flat]), freq=52)
    plain = dataclasses.replace(FARRINGTON, reweight=False)
    res = detect(s, plain)
    assert res.diagnostics["trend"][0].all()  # strong decline: kept
    assert res.diagnostics["trend"][1].mean() < 0.5  # no trend: mostly dropped
    no_trend = detect(s, dataclasses.replace(FARRINGTON, trend=False))
    assert not no_trend.diagnostics["trend"].any()


def test_reweighted_trend_test_uses_prior_weights_like_r() -> None:
    """R sets model$weights <- omega after the reweighted fit, so summary.glm's dispersion is
    sum(omega * ((y - mu) / mu)^2) / df: for large counts it is tiny and the trend nearly always
    'significant'. Reproduced on purpose (see the R fixtures); phi itself is the proper one."""
    rng = np.random.default_rng(3)
    flat = rng.poisson(50.0, (1, N_TIME)).astype(float)
    res = detect(CountSeries(observed=flat, freq=52), FARRINGTON)
    assert res.diagnostics["trend"].mean() > 0.5
    assert np.all(res.diagnostics["phi"] >= 1.0)


def test_trend_dropped_when_extrapolating() -> None:
    weeks = np.arange(N_TIME)
    rising = np.round(5.0 * np.exp(0.01 * weeks))  # prediction would exceed every past count
    res = detect(CountSeries(observed=rising, freq=52), FARRINGTON, t=[N_TIME - 1])
    assert not res.diagnostics["trend"][0, 0]


def test_missing_values() -> None:
    s = poisson_series(n_series=2)
    obs = s.observed.copy()
    obs[0, [10, 60, 120, 170]] = np.nan  # in the reference data: dropped from the fit
    obs[1, -1] = np.nan  # current week missing: no bound, no alarm
    res = detect(CountSeries(observed=obs, freq=52), FARRINGTON, t=[N_TIME - 1])
    assert np.isfinite(res.upperbound[0, 0])
    assert np.isnan(res.upperbound[1, 0]) and not res.alarm[1, 0]


def test_no_convergence_gives_nan_like_r() -> None:
    # all-zero history with 10 periods: glm.fit does not converge in 25 iterations (R: NULL)
    obs = np.zeros((1, N_TIME))
    res = detect(CountSeries(observed=obs, freq=52), NOUFAILY, t=[N_TIME - 1])
    assert not res.diagnostics["converged"][0, 0]
    assert not res.alarm[0, 0] and np.isnan(res.upperbound[0, 0]) and np.isnan(res.score[0, 0])


def test_chunking_and_threads_do_not_change_results() -> None:
    s = poisson_series(n_series=7, mean=3.0)
    ref = detect(s, NOUFAILY, t=range(N_TIME - 4, N_TIME), workers=1)
    small = detect(s, NOUFAILY, t=range(N_TIME - 4, N_TIME), max_chunk_bytes=1, workers=3)
    np.testing.assert_array_equal(ref.alarm, small.alarm)
    np.testing.assert_allclose(ref.upperbound, small.upperbound, rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(ref.score, small.score, rtol=1e-10, equal_nan=True)


def test_population_offset_scales_expected() -> None:
    s = poisson_series(n_series=1, mean=20.0)
    pop = np.full(s.observed.shape, 1000.0)
    pop[:, -1] = 2000.0  # twice the population in the monitored week
    with_pop = CountSeries(observed=s.observed, freq=52, population=pop)
    ctrl = dataclasses.replace(FARRINGTON, populationOffset=True, trend=False)
    a = detect(with_pop, ctrl, t=[N_TIME - 1])
    b = detect(with_pop, dataclasses.replace(ctrl, populationOffset=False), t=[N_TIME - 1])
    np.testing.assert_allclose(a.expected, 2 * b.expected, rtol=1e-9)


@pytest.mark.parametrize("method", ["delta", "nbPlugin", "muan"])
@pytest.mark.parametrize("power", ["2/3", "1/2", "none"])
def test_threshold_methods_run(method: str, power: str) -> None:
    ctrl = dataclasses.replace(FARRINGTON, thresholdMethod=method, powertrans=power)
    res = detect(poisson_series(), ctrl)
    assert np.all(np.isfinite(res.upperbound))
    assert np.all(res.upperbound >= 0)
    assert res.method == f"farrington:{method}"


def test_blocks_follow_r() -> None:
    refs = [300, 248, 196]
    lev = farrington._blocks(refs, b=2, w=3, p=10)
    assert all(lev[c] == 10 for c in range(297, 301))  # current window (k - w):k
    assert all(lev[c] == 10 for c in range(245, 252))  # reference window +- w
    # the 45 weeks between windows form 9 blocks of 5 weeks
    assert [lev[c] for c in range(252, 297)] == [j for j in range(1, 10) for _ in range(5)]
    with pytest.raises(ValueError, match="Number of factors too big"):
        farrington._blocks(refs, b=2, w=3, p=60)


def test_reference_weeks_with_dates() -> None:
    start = dt.date(2014, 1, 6)
    s = CountSeries(observed=np.zeros((1, 400)), freq=52, start=start)
    refs = farrington._reference_columns(s, 300, 5)
    day = start + dt.timedelta(weeks=300)
    for j, col in enumerate(refs[1:], start=1):
        target = day.replace(year=day.year - j)
        got = start + dt.timedelta(weeks=col)
        assert abs((got - target).days) <= 3  # nearest same weekday, one calendar year back
    no_dates = farrington._reference_columns(CountSeries(observed=np.zeros((1, 400))), 300, 5)
    assert no_dates == [300, 248, 196, 144, 92, 40]


def test_input_validation() -> None:
    s = poisson_series()
    with pytest.raises(ValueError, match="not enough history"):
        detect(s, FARRINGTON, t=[10])
    with pytest.raises(ValueError, match="within"):
        detect(s, FARRINGTON, t=[N_TIME])
    with pytest.raises(ValueError, match="duplicates"):
        detect(s, FARRINGTON, t=[N_TIME - 1, N_TIME - 1])
    with pytest.raises(ValueError, match="integer"):
        detect(s, FARRINGTON, t=[N_TIME - 1.5])
    with pytest.raises(ValueError, match="non-negative"):
        detect(CountSeries(observed=-s.observed), FARRINGTON)
    with pytest.raises(ValueError, match="freq must be a positive integer"):
        detect(CountSeries(observed=s.observed, freq=365.25 / 7), FARRINGTON)
    with pytest.raises(ValueError, match="FarringtonControl"):
        detect(s, {"b": 5})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="workers"):
        detect(s, FARRINGTON, workers=0)


def test_default_control_is_r_default() -> None:
    s = poisson_series(n_series=2)
    a = detect(s, t=[N_TIME - 1])
    b = detect(s, FarringtonControl(), t=[N_TIME - 1])
    np.testing.assert_array_equal(a.upperbound, b.upperbound)
