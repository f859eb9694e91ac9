"""python -m accord.analytics detect with dates: --start, a date column, dates in --range.

There are no R outputs for date-based series in the project, so these tests compare the CLI
with the Python API given the same start date (CountSeries(start=...)), whose calendar
reference-week rule is what the R reference tests check for the undated case.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from accord.analytics import methods
from accord.analytics.cli import main, read_counts
from accord.analytics.series import CountSeries

START = dt.date(2016, 1, 4)
N = 7 * 52 + 10  # about seven years of weeks


@pytest.fixture(scope="module")
def obs() -> np.ndarray:
    rng = np.random.default_rng(21)
    t = np.arange(N)
    mu = 6 * np.exp(0.4 * np.sin(2 * np.pi * t / 52.18))
    out = rng.poisson(mu, size=(2, N)).astype(float)
    out[0, N - 8 : N - 5] += 12  # an outbreak near the end
    return out


def _csv(path: Path, obs: np.ndarray, *, dated: bool, with_t: bool = True) -> Path:
    with open(path, "w") as fh:
        fh.write(",".join(["series"] + ["t"] * with_t + ["date"] * dated + ["observed"]) + "\n")
        for i in range(obs.shape[0]):
            for k in range(obs.shape[1]):
                row = [f"s{i + 1}"] + [str(k + 1)] * with_t
                if dated:
                    row.append((START + dt.timedelta(weeks=k)).isoformat())
                fh.write(",".join(row + [str(int(obs[i, k]))]) + "\n")
    return path


def _out(path: Path) -> tuple[np.ndarray, np.ndarray, list[dict[str, str]]]:
    rows = list(csv.DictReader(open(path)))
    names = sorted({r["series"] for r in rows})
    alarm = np.array([[int(r["alarm"]) for r in rows if r["series"] == n] for n in names])
    ub = np.array([[float(r["upperbound"]) for r in rows if r["series"] == n] for n in names])
    return alarm, ub, rows


FIRST, LAST = N - 30, N


@pytest.mark.parametrize("method", ["farrington", "noufaily"])
def test_cli_start_matches_the_api_with_the_same_start(tmp_path, capsys, obs, method) -> None:
    src = _csv(tmp_path / "in.csv", obs, dated=False)
    out = tmp_path / "o.csv"
    argv = ["detect", "--method", method, "--input", str(src), "--range", f"{FIRST}:{LAST}"]
    assert main([*argv, "--start", START.isoformat(), "--out", str(out)]) == 0, capsys.readouterr()
    alarm, ub, rows = _out(out)
    api = methods.run(method, CountSeries(obs, freq=52, start=START), t=np.arange(FIRST - 1, LAST))
    np.testing.assert_array_equal(alarm, api.alarm.astype(int))
    np.testing.assert_allclose(ub, api.upperbound, rtol=1e-9)
    assert rows[0]["date"] == (START + dt.timedelta(weeks=FIRST - 1)).isoformat()
    assert alarm.any()  # the outbreak is found
    # the calendar rule really is used: the undated run differs somewhere
    undated = methods.run(method, CountSeries(obs, freq=52), t=np.arange(FIRST - 1, LAST))
    assert not np.allclose(undated.upperbound, api.upperbound)


def test_date_column_and_date_range_equal_start(tmp_path, capsys, obs) -> None:
    by_t = _csv(tmp_path / "t.csv", obs, dated=False)
    by_date = _csv(tmp_path / "d.csv", obs, dated=True, with_t=False)
    o1, o2 = tmp_path / "o1.csv", tmp_path / "o2.csv"
    first_day = (START + dt.timedelta(weeks=FIRST - 1)).isoformat()
    last_day = (START + dt.timedelta(weeks=LAST - 1)).isoformat()
    base = ["detect", "--method", "noufaily"]
    rng = ["--range", f"{FIRST}:{LAST}"]
    assert main([*base, "--input", str(by_t), *rng, "--start", str(START), "--out", str(o1)]) == 0
    code = main(
        [*base, "--input", str(by_date), "--range", f"{first_day}:{last_day}"] + ["--out", str(o2)]
    )
    assert code == 0, capsys.readouterr().err
    assert o1.read_text() == o2.read_text()
    s = read_counts(by_date)
    assert s.start == START and s.n_time == N


@pytest.mark.parametrize(
    ("edit", "extra", "message"),
    [
        (lambda rows: rows, ["--start", "2016-13-01"], "--start '2016-13-01' is not a date"),
        (lambda rows: rows, ["--start", "2016-01-04", "--freq", "7"], "--freq must be 52"),
        (lambda rows: rows, ["--start", "2016-01-31", "--freq", "12"], "use a day from 1 to 28"),
        (
            lambda rows: [rows[0], [rows[1][0], "2016-01-05", rows[1][2]]] + rows[2:],
            [],
            "not a whole number of periods",
        ),
        (lambda rows: rows[:1] + rows[2:], [], "gap: date 2016-01-11 is missing"),
        (lambda rows: rows, ["--range", "2016-01-04:2016-02-01"], "needs the window"),
    ],
    ids=["bad-start", "bad-freq", "day-31-monthly", "off-grid", "gap", "too-early"],
)
def test_date_errors_are_one_line(tmp_path, capsys, obs, edit, extra, message) -> None:
    rows = [["s1", (START + dt.timedelta(weeks=k)).isoformat(), int(obs[0, k])] for k in range(N)]
    rows = edit(rows)
    src = tmp_path / "in.csv"
    src.write_text("series,date,observed\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    if any(a == "--start" for a in extra):  # --start goes with integer t
        src.write_text(
            "series,t,observed\n" + "".join(f"s1,{k + 1},{int(obs[0, k])}\n" for k in range(N))
        )
    args = ["--range", f"{FIRST}:{LAST}"] if "--range" not in extra else []
    out = tmp_path / "o.csv"
    code = main(
        ["detect", "--method", "farrington", "--input", str(src), *args, *extra]
        + ["--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and message in err, err
    assert not out.exists()


def test_start_and_date_column_together_refused(tmp_path, capsys, obs) -> None:
    src = _csv(tmp_path / "in.csv", obs, dated=True)
    code = main(
        ["detect", "--method", "farrington", "--input", str(src), "--range", "400:410"]
        + ["--start", "2016-01-04", "--out", str(tmp_path / "o.csv")]
    )
    assert code == 2 and "not both" in capsys.readouterr().err


def test_monthly_start_matches_the_api(tmp_path, capsys) -> None:
    obs = np.random.default_rng(5).poisson(20, size=(1, 96)).astype(float)
    src = tmp_path / "m.csv"
    src.write_text(
        "series,t,observed\n" + "".join(f"a,{k + 1},{int(obs[0, k])}\n" for k in range(96))
    )
    out = tmp_path / "o.csv"
    argv = ["detect", "--method", "farrington", "--input", str(src), "--freq", "12"]
    argv += ["--start", "2016-01-01", "--range", "70:96", "--out", str(out)]
    assert main(argv) == 0, capsys.readouterr().err
    alarm, ub, rows = _out(out)
    start = dt.date(2016, 1, 1)
    api = methods.run("farrington", CountSeries(obs, freq=12, start=start), t=np.arange(69, 96))
    np.testing.assert_array_equal(alarm, api.alarm.astype(int))
    np.testing.assert_allclose(ub, api.upperbound, rtol=1e-9)
    assert rows[0]["date"] == "2021-10-01" and rows[-1]["date"] == "2023-12-01"
