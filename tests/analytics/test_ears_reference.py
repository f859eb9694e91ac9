"""accord.analytics.ears against R surveillance 1.20 earsC (fixtures in tests/results)."""

from __future__ import annotations

import numpy as np
import pytest
import rref

from accord.analytics import ears

RUNS = sorted(r for r, v in rref.runs().items() if v.method == "ears")


@pytest.mark.parametrize("run", RUNS)
def test_run_matches_r(run: str) -> None:
    spec = rref.runs()[run]
    ctrl = spec.control
    control = ears.EarsControl(
        method=ctrl["method"], baseline=int(ctrl["baseline"]), minSigma=float(ctrl["minSigma"])
    )
    # the fixture leaves alpha to R's per-method default; ours must resolve to the same value
    assert control.resolved_alpha == pytest.approx(float(ctrl["alpha"]))
    res = ears.detect(rref.series(spec.collection), control, t=range(spec.first_t, spec.last_t + 1))
    ref = rref.output(run)
    assert res.t.tolist() == ref["t"].astype(int).tolist()
    r_alarm = np.nan_to_num(ref["alarm"]).astype(bool)
    assert np.mean(r_alarm == res.alarm) >= 0.99
    rd = rref.relative_difference(res.upperbound, ref["upperbound"])
    assert np.median(rd) <= 1e-6
    assert np.mean(np.isnan(res.upperbound) == np.isnan(ref["upperbound"])) >= 0.99


@pytest.mark.parametrize("method", ["C1", "C2", "C3"])
def test_method_agreement_pooled(method: str) -> None:
    """Acceptance figures per EARS method over all collections."""
    agree: list[np.ndarray] = []
    rel: list[np.ndarray] = []
    for run in RUNS:
        spec = rref.runs()[run]
        if spec.control["method"] != method:
            continue
        res = ears.detect(
            rref.series(spec.collection),
            ears.EarsControl(method=method),
            t=range(spec.first_t, spec.last_t + 1),
        )
        ref = rref.output(run)
        agree.append((np.nan_to_num(ref["alarm"]).astype(bool) == res.alarm).ravel())
        rel.append(rref.relative_difference(res.upperbound, ref["upperbound"]))
    alarm = float(np.mean(np.concatenate(agree)))
    ub = float(np.median(np.concatenate(rel)))
    print(f"EARS {method}: alarm agreement {alarm:.4%}, median relative upper-bound diff {ub:.2e}")
    assert alarm >= 0.99
    assert ub <= 0.01
