"""Behaviour of accord.analytics.ears (R-independent unit tests)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from accord.analytics.ears import EarsControl, detect
from accord.analytics.series import CountSeries


def test_defaults_and_alpha_resolution() -> None:
    c = EarsControl()
    assert (c.method, c.baseline, c.minSigma) == ("C1", 7, 0.0)
    assert c.resolved_alpha == 0.001
    assert EarsControl(method="C2").resolved_alpha == 0.001
    assert EarsControl(method="C3").resolved_alpha == 0.025
    assert EarsControl(method="C3", alpha=0.01).resolved_alpha == 0.01


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "C4"}, "method"),
        ({"baseline": 2}, "Minimum baseline"),
        ({"minSigma": -1.0}, "minSigma"),
        ({"alpha": 0.0}, "alpha"),
    ],
)
def test_control_validation(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        EarsControl(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("method", "first"), [("C1", 7), ("C2", 9), ("C3", 11)])
def test_default_range(method: str, first: int) -> None:
    s = CountSeries(observed=np.arange(30.0)[None, :] % 5)
    res = detect(s, EarsControl(method=method))
    assert res.t.tolist() == list(range(first, 30))
    assert res.upperbound.shape == (1, 30 - first)
    assert res.method == f"ears:{method}"


def test_c1_and_c2_by_hand() -> None:
    rng = np.random.default_rng(0)
    y = rng.poisson(5, 20).astype(float)
    s = CountSeries(observed=y)
    z = stats.norm.ppf(1 - 0.001)
    c1 = detect(s, EarsControl(method="C1"), t=[15])
    ref = y[8:15]
    assert c1.upperbound[0, 0] == pytest.approx(ref.mean() + z * ref.std(ddof=1))
    assert c1.expected[0, 0] == pytest.approx(ref.mean())
    c2 = detect(s, EarsControl(method="C2"), t=[15])
    ref2 = y[6:13]
    assert c2.upperbound[0, 0] == pytest.approx(ref2.mean() + z * ref2.std(ddof=1))


def test_c3_uses_lagged_c2() -> None:
    y = np.array([5, 6, 5, 4, 6, 5, 5, 4, 6, 5, 5, 20, 22, 6], dtype=float)
    s = CountSeries(observed=y)
    z = stats.norm.ppf(1 - 0.025)
    res = detect(s, EarsControl(method="C3"), t=[13])

    def c2(t: int) -> tuple[float, float]:
        ref = y[t - 9 : t - 2]
        return (y[t] - ref.mean()) / ref.std(ddof=1), ref.std(ddof=1)

    lag2, lag1 = c2(11)[0], c2(12)[0]
    sd = c2(13)[1]
    expect = max(0.0, y[13] + sd * (z - (max(0, lag2 - 1) + max(0, lag1 - 1))))
    assert res.upperbound[0, 0] == pytest.approx(expect)
    assert res.alarm[0, 0] == (y[13] > expect)


def test_spike_alarms_and_min_sigma() -> None:
    y = np.full(20, 4.0)
    y[-1] = 9.0
    s = CountSeries(observed=y)
    flat = detect(s, EarsControl(), t=[19])  # sd = 0: bound = mean
    assert flat.upperbound[0, 0] == 4.0 and flat.alarm[0, 0]
    floor = detect(s, EarsControl(minSigma=2.0), t=[19])
    assert floor.upperbound[0, 0] == pytest.approx(4.0 + stats.norm.ppf(0.999) * 2.0)
    assert not floor.alarm[0, 0]


def test_missing_values_give_no_bound() -> None:
    y = np.arange(25.0)
    y[12] = np.nan
    res = detect(CountSeries(observed=y), EarsControl(), t=[20, 13])
    assert res.t.tolist() == [13, 20]  # sorted, as R's earsC sorts its range
    assert np.isnan(res.upperbound[0, 0])
    assert not res.alarm[0, 0]
    assert np.isfinite(res.upperbound[0, 1])


def test_many_series_vectorised() -> None:
    rng = np.random.default_rng(1)
    obs = rng.poisson(3, size=(500, 60)).astype(float)
    res = detect(CountSeries(observed=obs), EarsControl(method="C2"))
    one = detect(CountSeries(observed=obs[[123]]), EarsControl(method="C2"))
    np.testing.assert_array_equal(res.upperbound[123], one.upperbound[0])
    for method in ("C1", "C3"):
        whole = detect(CountSeries(observed=obs), EarsControl(method=method))
        blocks = detect(CountSeries(observed=obs), EarsControl(method=method), max_chunk_bytes=1)
        np.testing.assert_array_equal(whole.upperbound, blocks.upperbound)
        np.testing.assert_array_equal(whole.score, blocks.score)


def test_input_validation() -> None:
    s = CountSeries(observed=np.ones((2, 20)))
    with pytest.raises(ValueError, match="too short"):
        detect(s, EarsControl(method="C3"), t=[5])
    with pytest.raises(ValueError, match="within"):
        detect(s, EarsControl(), t=[25])
    with pytest.raises(ValueError, match="too short"):
        detect(CountSeries(observed=np.ones((1, 6))), EarsControl())
    with pytest.raises(ValueError, match="EarsControl"):
        detect(s, {"method": "C1"})  # type: ignore[arg-type]
