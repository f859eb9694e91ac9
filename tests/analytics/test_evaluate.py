"""accord.analytics.evaluate on hand-built cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from accord.analytics.evaluate import evaluate, evaluate_simulation, metrics
from accord.analytics.glrnb import GlrnbControl, detect
from accord.analytics.simulate import SCENARIOS, Design, simulate


def test_hand_built_case() -> None:
    state = np.array(
        [
            [0, 1, 1, 1, 0, 0],  # outbreak weeks 1-3, alarmed at 2 and 5 -> detected, delay 1
            [0, 0, 0, 1, 1, 0],  # outbreak 3-4, alarmed at 3 -> detected in first week
            [1, 1, 0, 0, 0, 0],  # outbreak 0-1, never alarmed
            [0, 0, 0, 0, 0, 0],  # no outbreak, one false alarm
        ],
        dtype=bool,
    )
    alarm = np.array(
        [
            [0, 0, 1, 0, 0, 1],
            [0, 0, 0, 1, 0, 0],
            [0, 0, 0, 0, 0, 0],
            [0, 1, 0, 0, 0, 0],
        ],
        dtype=bool,
    )
    twin = np.zeros((4, 6), dtype=bool)
    twin[0, 0] = twin[2, 5] = twin[3, 3] = True
    m = metrics(alarm, state, twin)
    assert m.n_series == 4 and m.n_outbreaks == 3
    assert m.fpr == pytest.approx(3 / 24)
    assert m.pod == pytest.approx(2 / 3)
    assert m.pod_first_week == pytest.approx(1 / 3)
    assert m.sensitivity == pytest.approx(2 / 7)  # 2 of 7 outbreak weeks alarmed
    assert m.specificity == pytest.approx(15 / 17)  # 17 quiet weeks, 2 false alarms
    assert m.ppv == pytest.approx(2 / 4)
    assert m.delay == pytest.approx((1 + 0) / 2)


def test_empty_denominators_are_nan() -> None:
    m = metrics(np.zeros((2, 3), bool), np.zeros((2, 3), bool))
    assert math.isnan(m.pod) and math.isnan(m.ppv) and math.isnan(m.fpr) and math.isnan(m.delay)
    assert m.specificity == 1.0


def test_groups_and_overall() -> None:
    state = np.array([[1, 0], [1, 0], [0, 1]], bool)
    alarm = np.array([[1, 0], [0, 0], [0, 1]], bool)
    out = evaluate(alarm, state, np.zeros((3, 2), bool), groups=["a", "a", "b"])
    assert list(out) == ["a", "b", "overall"]
    assert (
        out["a"].pod == 0.5 and out["b"].pod == 1.0 and out["overall"].pod == pytest.approx(2 / 3)
    )
    assert out["overall"].fpr == 0.0


def test_shape_mismatch_rejected() -> None:
    with pytest.raises(ValueError, match="shape"):
        metrics(np.zeros((2, 3), bool), np.zeros((2, 4), bool))


def test_glrnb_on_simulation_detects_big_outbreaks() -> None:
    design = Design(n_weeks=260, past_weeks=(60, 200), current_weeks=(209, 260), current_k=(10,))
    sim = simulate(
        [SCENARIOS[24], SCENARIOS[36]], n_reps=30, rng=np.random.default_rng(2), design=design
    )
    ctl = GlrnbControl(alpha=None, c_ARL=5, M=8)
    res = detect(sim.series, ctl, t=sim.monitored)
    twin = detect(sim.twin, ctl, t=sim.monitored)
    out = evaluate_simulation(sim, res, twin)
    assert set(out) == {25, 37, "overall"}
    overall = out["overall"]
    assert overall.pod > 0.8  # k = 10 SDs is a large outbreak
    assert overall.fpr < 0.1
    assert overall.pod_first_week <= overall.pod
