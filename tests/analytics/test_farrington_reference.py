"""accord.analytics.farrington against R surveillance 1.20 farringtonFlexible (tests/results)."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np
import pytest
import rref

from accord.analytics import farrington
from accord.analytics.result import DetectionResult

RUNS = sorted(r for r, v in rref.runs().items() if v.method == "farrington")
PRESET_RUNS = {
    "farrington": [r for r in RUNS if r.endswith("_farrington") and not r.startswith("opt")],
    "noufaily": [r for r in RUNS if r.endswith("_noufaily") and not r.startswith("opt")],
}


def control_from_r(ctrl: dict[str, Any]) -> farrington.FarringtonControl:
    """The R control list of a run (JSON) as a FarringtonControl (R defaults elsewhere)."""
    kwargs = dict(ctrl)
    if "limit54" in kwargs:
        kwargs["limit54"] = tuple(int(v) for v in kwargs["limit54"])
    for key in ("b", "w", "noPeriods", "pastWeeksNotIncluded"):
        if kwargs.get(key) is not None:
            kwargs[key] = int(kwargs[key])
    return farrington.FarringtonControl(**kwargs)


@cache
def run_engine(run: str) -> tuple[DetectionResult, dict[str, np.ndarray]]:
    spec = rref.runs()[run]
    series = rref.series(spec.collection, dates="dates" in run)
    res = farrington.detect(
        series, control_from_r(spec.control), t=range(spec.first_t, spec.last_t + 1)
    )
    return res, rref.output(run)


def agreement(res: DetectionResult, ref: dict[str, np.ndarray]) -> dict[str, float]:
    r_alarm = np.nan_to_num(ref["alarm"]).astype(bool)  # R's NA alarm (no model) is no alarm
    ub = rref.relative_difference(res.upperbound, ref["upperbound"])
    return {
        "alarm": float(np.mean(r_alarm == res.alarm)),
        "ub_median": float(np.median(ub)) if ub.size else 0.0,
        "ub_nan": float(np.mean(np.isnan(res.upperbound) == np.isnan(ref["upperbound"]))),
    }


@pytest.mark.parametrize("run", RUNS)
def test_run_matches_r(run: str) -> None:
    res, ref = run_engine(run)
    assert res.t.tolist() == ref["t"].astype(int).tolist()
    assert res.upperbound.shape == ref["upperbound"].shape
    fig = agreement(res, ref)
    assert fig["alarm"] >= 0.99, fig
    assert fig["ub_median"] <= 1e-6, fig
    assert fig["ub_nan"] >= 0.99, fig
    for ours, key in (
        (res.expected, "expected"),
        (res.score, "score"),
        (res.pvalue, "pvalue"),
        (res.diagnostics["phi"], "phi"),
    ):
        rd = rref.relative_difference(ours, ref[key])
        assert np.median(rd) <= 1e-6, (key, np.median(rd))
        assert np.mean(np.isnan(ours) == np.isnan(ref[key])) >= 0.99, key
    r_trend = np.nan_to_num(ref["trend"]).astype(bool)
    assert np.mean(r_trend == res.diagnostics["trend"]) >= 0.99


@pytest.mark.parametrize("preset", ["farrington", "noufaily"])
def test_preset_agreement_pooled(preset: str) -> None:
    """The acceptance figures: >= 99% identical alarms, upper bounds within 1% at the median."""
    agree: list[np.ndarray] = []
    rel: list[np.ndarray] = []
    for run in PRESET_RUNS[preset]:
        res, ref = run_engine(run)
        agree.append((np.nan_to_num(ref["alarm"]).astype(bool) == res.alarm).ravel())
        rel.append(rref.relative_difference(res.upperbound, ref["upperbound"]))
    alarm = float(np.mean(np.concatenate(agree)))
    ub = float(np.median(np.concatenate(rel)))
    print(f"{preset}: alarm agreement {alarm:.4%}, median relative upper-bound difference {ub:.2e}")
    assert alarm >= 0.99
    assert ub <= 0.01
