"""python -m accord.analytics detect: validation, atomic output, and correct results."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from accord.analytics import methods
from accord.analytics.cli import main, read_counts
from accord.analytics.series import CountSeries

RESULTS = Path(__file__).resolve().parents[1] / "results"


def _write(path: Path, rows: list[list[object]], header: str = "series,t,observed") -> Path:
    path.write_text(header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


def _long(obs: np.ndarray, names: list[str] | None = None) -> list[list[object]]:
    names = names or [f"s{i + 1}" for i in range(obs.shape[0])]
    return [
        [names[i], t + 1, int(obs[i, t])] for i in range(obs.shape[0]) for t in range(obs.shape[1])
    ]


def _run(
    tmp_path: Path, args: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, Path]:
    out = tmp_path / "alarms.csv"
    code = main(["detect", *args, "--out", str(out)])
    return code, capsys.readouterr().err, out


def _read(path: Path) -> list[dict[str, str]]:
    with open(path) as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def counts() -> np.ndarray:
    return np.random.default_rng(4).poisson(6, size=(2, 120)).astype(float)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda rows: [[r[0], r[1]] for r in rows], "missing column(s) observed"),
        (lambda rows: rows[:5] + [["s1", 6, -3]] + rows[6:], "is negative"),
        (lambda rows: rows[:5] + [["s1", 6, 2.5]] + rows[6:], "is not an integer"),
        (lambda rows: rows[:5] + [["s1", 6, "abc"]] + rows[6:], "is not a number"),
        (lambda rows: rows[:5] + [["s1", 6, "NA"]] + rows[6:], "missing count"),
        (lambda rows: rows[:5] + rows[6:], "gap: t=6 is missing"),
        (lambda rows: rows + [["s1", 6, 1]], "has t=6 twice"),
        (lambda rows: rows[:-1], "cover different periods"),
        (lambda rows: [[r[0], r[1] - 1, r[2]] for r in rows], "t '0' is below 1"),
        (lambda rows: [], "no data rows"),
    ],
    ids=[
        "missing-col",
        "negative",
        "non-integer",
        "text",
        "NA",
        "gap",
        "duplicate",
        "ragged",
        "t0",
        "empty",
    ],
)
def test_malformed_input(tmp_path, capsys, counts, mutate, message) -> None:
    rows = mutate(_long(counts))
    header = "series,t" if rows and len(rows[0]) == 2 else "series,t,observed"
    src = _write(tmp_path / "in.csv", rows, header)
    code, err, out = _run(
        tmp_path, ["--method", "glrnb", "--input", str(src), "--range", "100:120"], capsys
    )
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not out.exists()
    assert not list(tmp_path.glob(".alarms.csv.*"))  # no temp file left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "glrnb", "--range", "100"], "FIRST:LAST"),
        (["--method", "glrnb", "--range", "a:b"], "two integers"),
        (["--method", "glrnb", "--range", "110:100"], "FIRST <= LAST"),
        (["--method", "glrnb", "--range", "100:121"], "only has t up to 120"),
        (["--method", "glrnb", "--range", "3:120"], "needs more than 3"),
        (["--method", "glrnb", "--range", "100:120", "--b", "5"], "unknown parameter 'b'"),
        (["--method", "glrnb", "--range", "100:120", "--c_ARL", "x"], "c_ARL must be a number"),
        (["--method", "glrnb", "--range", "100:120", "--M"], "needs a value"),
        (["--method", "farrington", "--range", "100:120"], "needs 263 periods of history"),
        (["--method", "noufaily", "--range", "100:120", "--b", "1", "--w", "60"], "needs 112"),
    ],
)
def test_bad_arguments(tmp_path, capsys, counts, args, message) -> None:
    src = _write(tmp_path / "in.csv", _long(counts))
    code, err, out = _run(tmp_path, [*args, "--input", str(src)], capsys)
    assert code == 2, err
    assert message in err
    assert err.count("\n") == 1
    assert not out.exists()


def test_ears_too_little_history(tmp_path, capsys, counts) -> None:
    pytest.importorskip("accord.analytics.ears")
    src = _write(tmp_path / "in.csv", _long(counts))
    code, err, out = _run(
        tmp_path, ["--method", "ears-c3", "--input", str(src), "--range", "3:120"], capsys
    )
    assert code == 2 and err.count("\n") == 1 and not out.exists()


def test_missing_input_file(tmp_path, capsys) -> None:
    code, err, out = _run(
        tmp_path,
        ["--method", "glrnb", "--input", str(tmp_path / "nope.csv"), "--range", "2:3"],
        capsys,
    )
    assert code == 2 and "cannot read" in err and not out.exists()


def test_failed_run_keeps_previous_output(tmp_path, capsys, counts) -> None:
    out = tmp_path / "alarms.csv"
    out.write_text("previous\n")
    src = _write(tmp_path / "in.csv", _long(counts)[:-1])
    assert (
        main(
            [
                "detect",
                "--method",
                "glrnb",
                "--input",
                str(src),
                "--range",
                "100:119",
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert out.read_text() == "previous\n"


def test_glrnb_output_matches_r(tmp_path, capsys) -> None:
    # the R fixture input, monitored over R's range: alarms equal surveillance::glrnb's
    code, err, out = _run(
        tmp_path,
        [
            "--method",
            "glrnb",
            "--input",
            str(RESULTS / "glrnb_input.csv"),
            "--range",
            "105:156",
            "--c.ARL",
            "5",
        ],
        capsys,
    )
    assert code == 0, err
    rows = _read(out)
    assert list(rows[0]) == ["series", "t", "alarm", "upperbound", "expected"]
    assert len(rows) == 6 * 52
    with open(RESULTS / "glrnb_expected.csv") as fh:
        expected = [r for r in csv.DictReader(fh) if r["config"] == "default"]
    got = {(r["series"], r["t"]): r for r in rows}
    for e in expected:
        g = got[(e["series"], e["t"])]
        assert int(g["alarm"]) == int(e["alarm"])
        assert float(g["upperbound"]) == pytest.approx(float(e["upperbound"]), abs=1e-5)
        assert float(g["expected"]) == pytest.approx(float(e["mu0"]), rel=1e-6)


@pytest.mark.parametrize("method", ["noufaily", "farrington", "ears-c2"])
def test_output_equals_library_run(tmp_path, capsys, method) -> None:
    pytest.importorskip(
        "accord.analytics.farrington" if "ears" not in method else "accord.analytics.ears"
    )
    rng = np.random.default_rng(9)
    obs = rng.negative_binomial(3, 3 / (3 + 8), size=(3, 290)).astype(float)
    obs[1, 280:] += 25  # an outbreak: some alarms to compare
    names = ["north", "south", "east west"]
    src = _write(tmp_path / "in.csv", _long(obs, names))
    code, err, out = _run(
        tmp_path,
        ["--method", method, "--input", str(src), "--range", "270:290", "--alpha", "0.01"],
        capsys,
    )
    assert code == 0, err
    rows = _read(out)
    ref = methods.run(method, CountSeries(obs), t=np.arange(269, 290), alpha=0.01)
    assert [r["series"] for r in rows[::21]] == names
    assert [int(r["t"]) for r in rows[:21]] == list(range(270, 291))
    alarm = np.array([int(r["alarm"]) for r in rows]).reshape(3, 21)
    np.testing.assert_array_equal(alarm, ref.alarm.astype(int))
    ub = np.array([float(r["upperbound"] or "nan") for r in rows]).reshape(3, 21)
    np.testing.assert_allclose(ub, ref.upperbound, rtol=1e-8, equal_nan=True)
    assert alarm[1].sum() > 0


def test_read_counts_orders_and_extra_columns(tmp_path) -> None:
    src = _write(
        tmp_path / "in.csv",
        [["b", 2, 5, "x"], ["a", 1, 1, "y"], ["b", 1, 4, "z"], ["a", 2, 0, "w"]],
        "Series,T,Observed,note",
    )
    s = read_counts(src)
    assert s.names == ("b", "a")
    np.testing.assert_array_equal(s.observed, [[4, 5], [1, 0]])


def test_module_entry_point(tmp_path) -> None:
    src = _write(tmp_path / "in.csv", [["x", 1, 1]])
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "accord.analytics",
            "detect",
            "--method",
            "glrnb",
            "--input",
            str(src),
            "--range",
            "1:1",
            "--out",
            str(tmp_path / "o.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("python -m accord.analytics: error: glrnb estimates")
    assert "Traceback" not in proc.stderr


# ---- accord.analytics.methods: the registry the CLI and the Django side share ----


def test_registry_names() -> None:
    assert set(methods.METHODS) == {
        "farrington",
        "noufaily",
        "ears-c1",
        "ears-c2",
        "ears-c3",
        "glrnb",
    }


def test_run_maps_overrides_onto_control_fields() -> None:
    ctl = methods.make_control("glrnb", **{"c.ARL": "3", "alpha": "0.2", "M": "10", "dir": "dec"})
    assert (ctl.c_ARL, ctl.alpha, ctl.M, ctl.dir) == (3.0, 0.2, 10, "dec")
    obs = np.random.default_rng(0).poisson(4, size=(2, 80)).astype(float)
    res = methods.run("glrnb", CountSeries(obs), t=range(60, 80), alpha=0, c_ARL=4)
    assert res.method == "glrnb" and res.alarm.shape == (2, 20)


def test_run_rejects_unknown_override_and_method() -> None:
    obs = CountSeries(np.ones((1, 60)))
    with pytest.raises(ValueError, match="unknown parameter 'b' for method 'glrnb'"):
        methods.run("glrnb", obs, b=5)
    with pytest.raises(ValueError, match="unknown method 'cusum'"):
        methods.run("cusum", obs)
    with pytest.raises(ValueError, match="M must be an integer"):
        methods.make_control("glrnb", M="2.5")


def test_farrington_overrides() -> None:
    pytest.importorskip("accord.analytics.farrington")
    ctl = methods.make_control("noufaily", b="3", w=2, alpha="0.01", limit54="0,4", trend="false")
    assert (ctl.b, ctl.w, ctl.alpha, ctl.limit54, ctl.trend) == (3, 2, 0.01, (0, 4), False)
    assert ctl.thresholdMethod == "nbPlugin"  # the preset's other fields are kept
