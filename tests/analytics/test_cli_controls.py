"""Engine round 2: near-Poisson Noufaily thresholds, and every control settable or refused."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from accord.analytics import cli, farrington, methods
from accord.analytics.cli import main, read_counts

# a non-default value (as typed on a command line) and what it must become, per field name
SAMPLES: dict[str, tuple[str, object]] = {
    "b": ("4", 4),
    "w": ("2", 2),
    "reweight": ("false", False),
    "weightsThreshold": ("1.5", 1.5),
    "alpha": ("0.02", 0.02),
    "trend": ("false", False),
    "pThresholdTrend": ("0.1", 0.1),
    "limit54": ("3,2", (3, 2)),
    "powertrans": ("none", "none"),
    "noPeriods": ("4", 4),
    "pastWeeksNotIncluded": ("none", None),
    "thresholdMethod": ("muan", "muan"),
    "baseline": ("5", 5),
    "minSigma": ("0.5", 0.5),
    "c_ARL": ("4", 4.0),
    "mu0_S": ("2", 2),
    "mu0_trend": ("true", True),
    "Mtilde": ("2", 2),
    "M": ("10", 10),
    "change": ("intercept", "intercept"),
    "theta": ("1.5", 1.5),
    "dir": ("dec", "dec"),
    "ret": ("cases", "cases"),
    "xMax": ("500", 500.0),
}

FIELDS = [
    (m, f.name)
    for m, (factory, _) in sorted(methods.METHODS.items())
    for f in dataclasses.fields(factory())
]


@pytest.mark.parametrize(("method", "field"), FIELDS, ids=[f"{m}-{f}" for m, f in FIELDS])
def test_every_control_field_has_a_flag_or_a_reason(method, field, tmp_path, capsys) -> None:
    refused = cli.not_settable(method)
    if field in refused:
        assert len(refused[field]) > 20  # a reason a person can act on
        if field in ("method", "range"):  # the name is the CLI's own --method / --range flag
            with pytest.raises(ValueError, match="cannot be set"):
                methods.make_control(method, **{field: "1"})
            return
        code = main(
            ["detect", "--method", method, "--input", str(tmp_path / "none.csv")]
            + ["--range", "1:2", "--out", str(tmp_path / "o.csv"), f"--{field}", "1"]
        )
        err = capsys.readouterr().err
        assert code == 2
        assert err.count("\n") == 1 and "cannot be set" in err and refused[field][:20] in err
        assert not (tmp_path / "o.csv").exists()
        return
    assert field in SAMPLES, f"{method}.{field}: no CLI sample value (add one, or refuse it)"
    text, expected = SAMPLES[field]
    default = getattr(methods.METHODS[method][0](), field)
    control = cli.control_from_args(method, [f"--{field}", text])
    assert getattr(control, field) == expected
    assert expected != default or field == "change"  # change has a single legal value
    assert f"--{field}" in cli._controls_epilog()


def _series_csv(path: Path, obs: np.ndarray) -> Path:
    with open(path, "w") as fh:
        fh.write("series,t,observed\n")
        for i in range(obs.shape[0]):
            for t in range(obs.shape[1]):
                fh.write(f"s{i + 1},{t + 1},{int(obs[i, t])}\n")
    return path


def test_powertrans_none_runs_from_the_cli(tmp_path, capsys) -> None:
    obs = np.random.default_rng(7).poisson(6, size=(1, 320)).astype(float)
    src = _series_csv(tmp_path / "in.csv", obs)
    out = tmp_path / "o.csv"
    args = ["detect", "--method", "farrington", "--input", str(src), "--range", "300:320"]
    assert main([*args, "--out", str(out), "--powertrans", "none"]) == 0, capsys.readouterr()
    got = [float(r["upperbound"]) for r in csv.DictReader(open(out))]
    series = read_counts(src)
    api = methods.run("farrington", series, t=np.arange(299, 320), powertrans="none")
    np.testing.assert_allclose(got, api.upperbound[0], rtol=1e-9)
    two_thirds = methods.run("farrington", series, t=np.arange(299, 320))
    assert not np.allclose(api.upperbound[0], two_thirds.upperbound[0])


# ------------------------------------------------------------------ near-Poisson muan/nbPlugin

PHI_EPS = float(np.nextafter(1.0, 2.0))  # phi = 1 + 2.2e-16: NB size = mu / 2.2e-16 ~ 4e16


@pytest.fixture
def nbinom_aborts(monkeypatch):
    """What some scipy builds do with size ~ 4e16 (an uncaught Boost error: SIGABRT, exit 134;
    this scipy happens to survive it): fail loudly if the engine asks for such a quantile."""
    real_ppf, real_sf = stats.nbinom.ppf, stats.nbinom.sf

    def guard(real):
        def call(q, size, prob, *a, **k):
            if np.any(np.asarray(size) > 1e12):
                raise AssertionError("nbinom called with a near-Poisson size")
            return real(q, size, prob, *a, **k)

        return call

    monkeypatch.setattr(stats.nbinom, "ppf", guard(real_ppf))
    monkeypatch.setattr(stats.nbinom, "sf", guard(real_sf))


@pytest.mark.parametrize("method", ["muan", "nbPlugin"])
def test_near_poisson_threshold_is_the_poisson_quantile(method, nbinom_aborts) -> None:
    eta0 = np.log(np.array([1.0, 5.0, 9.0, 30.0]))
    se = np.full(4, 0.1)
    phi = np.full(4, PHI_EPS)
    y = np.array([2.0, 9.0, 14.0, 45.0])
    control = farrington.FarringtonControl(thresholdMethod=method, alpha=0.05)
    upper, pvalue, _ = farrington._threshold_noufaily(eta0, se, phi, y, control)
    mu = np.exp(eta0) if method == "nbPlugin" else np.exp(stats.norm.ppf(0.95, eta0, se))
    np.testing.assert_array_equal(upper, stats.poisson.ppf(0.95, mu))
    np.testing.assert_allclose(pvalue, stats.poisson.sf(y - 1, mu), rtol=1e-12)
    # a genuinely over-dispersed fit still uses the negative binomial
    phi2 = np.full(4, 1.5)
    upper2, _, _ = farrington._threshold_noufaily(eta0, se, phi2, y, control)
    size = mu / 0.5
    np.testing.assert_array_equal(upper2, stats.nbinom.ppf(0.95, size, 1 / 1.5))


def test_near_poisson_fit_cli_and_api_finite(tmp_path, capsys, monkeypatch, nbinom_aborts) -> None:
    """Near-Poisson counts whose fits end with phi = 1 + 2.2e-16 (forced: constructing data
    whose IRLS dispersion lands exactly one ulp above 1 is not reproducible across BLAS)."""
    real_phi = farrington._phi
    monkeypatch.setattr(
        farrington, "_phi", lambda fit: np.where(np.isnan(real_phi(fit)), np.nan, PHI_EPS)
    )
    obs = np.random.default_rng(11).poisson(9, size=(3, 400)).astype(float)
    src = _series_csv(tmp_path / "in.csv", obs)
    out = tmp_path / "o.csv"
    code = main(
        ["detect", "--method", "noufaily", "--thresholdMethod", "muan", "--input", str(src)]
        + ["--range", "300:400", "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    rows = list(csv.DictReader(open(out)))
    ub = np.array([float(r["upperbound"]) for r in rows]).reshape(3, -1)
    assert np.isfinite(ub).all()
    api = methods.run("noufaily", read_counts(src), t=np.arange(299, 400), thresholdMethod="muan")
    np.testing.assert_array_equal(ub, api.upperbound)
    assert np.isfinite(api.upperbound).all()
    # with phi forced to 1 + eps every threshold is a Poisson quantile: an integer, and at
    # least the Poisson quantile of the plug-in mean (muan's mean is above it)
    assert (ub == np.round(ub)).all()
    assert (ub >= stats.poisson.ppf(0.95, api.expected)).all()


@pytest.mark.parametrize(
    "extra",
    [
        ["--method", "noufaily", "--thresholdMethod", "muan"],
        ["--method", "farrington"] + ["--powertrans", "none", "--start", "2016-01-04"],
    ],
    ids=["muan", "powertrans-none-dated"],
)
def test_real_process_exits_0_with_finite_thresholds(tmp_path, extra) -> None:
    import subprocess
    import sys

    obs = np.random.default_rng(3).poisson(9, size=(2, 330)).astype(float)
    src = _series_csv(tmp_path / "in.csv", obs)
    out = tmp_path / "o.csv"
    proc = subprocess.run(
        [sys.executable, "-m", "accord.analytics", "detect", *extra, "--input", str(src)]
        + ["--range", "310:330", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    ub = [float(r["upperbound"]) for r in csv.DictReader(open(out))]
    assert len(ub) == 42 and np.isfinite(ub).all()
