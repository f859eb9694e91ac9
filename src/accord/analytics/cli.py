"""Command line for analysts: run a detector on any CSV of counts (and, with ``opinion``, an
opinion map of a CSV of votes: see :mod:`accord.analytics.opinion_cli`).

    python -m accord.analytics detect --method noufaily --input counts.csv --range 300:312 \\
        [--b 5 --w 3 --alpha 0.01 ...] [--freq 52] --out alarms.csv

Input is long format with columns ``series,t,observed`` (other columns are ignored): ``t``
counts periods from 1 without gaps, every series covers the same ``1..T`` and counts are
non-negative integers. ``--range FIRST:LAST`` (1-based, inclusive) picks the periods to monitor.
Dates: ``--start 2016-01-04`` gives the date of ``t=1``, or a ``date`` column replaces ``t``
(see :mod:`accord.analytics.cli_dates`); the series then carries ``start`` exactly as
``CountSeries(start=...)`` does in the Python API, ``--range`` may be given as two dates and
the output gains a ``date`` column.
Any other ``--name value`` sets a field of the method's control (see ``accord.analytics.methods``;
``--help`` lists them, and the few that cannot be set with the reason).
Output: ``series,t,alarm,upperbound,expected[,date]``, one row per series and monitored period.

Bad input ends with a one-line message on stderr and exit status 2, never a traceback, and
never a partial output file: results go to a temporary file next to ``--out`` that is renamed
over it only when complete.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from accord.analytics import cli_dates, methods, opinion_cli
from accord.analytics.series import CountSeries

PROG = "python -m accord.analytics"
REQUIRED = ("series", "t", "observed")


class InputError(ValueError):
    """Something wrong with what the user gave us: reported as one line, exit status 2."""


#: control fields the API takes but the CSV input cannot feed, by method, with the reason
CLI_NOT_SETTABLE: dict[str, dict[str, str]] = {
    m: {
        "populationOffset": "the CSV input has no population column; use the Python API with "
        "CountSeries(population=...)"
    }
    for m in ("farrington", "noufaily")
}


def not_settable(method: str) -> dict[str, str]:
    """Every control field of ``method`` that has no command-line flag, with the reason."""
    return {**methods.not_settable(method), **CLI_NOT_SETTABLE.get(method, {})}


def _controls_epilog() -> str:
    lines = ["control flags by method (--name value; true/false, none, lists as 5,4):"]
    for m in sorted(methods.METHODS):
        refused = not_settable(m)
        flags = [f"--{n}" for n in methods.control_fields(m) if n not in refused]
        lines.append(f"  {m}: {' '.join(flags)}")
        if refused:
            lines.append(f"    not settable here: {', '.join(sorted(refused))}")
    return "\n".join(lines)


def control_from_args(method: str, extra: Sequence[str]) -> Any:
    """The method's control from the ``--name value`` pairs argparse left over."""
    overrides = _overrides(extra)
    refused = {methods._norm(n): (n, r) for n, r in CLI_NOT_SETTABLE.get(method, {}).items()}
    for key in overrides:
        if methods._norm(key) in refused:
            name, reason = refused[methods._norm(key)]
            raise InputError(f"--{key} cannot be set from the command line: {reason}")
    return methods.make_control(method, **overrides)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG, description="Aberration detection on count series; opinion maps of votes."
    )
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser(
        "detect",
        help="run a detector on a CSV of counts",
        description="Run a detector. Extra --name value pairs set control fields, e.g. "
        "--b 5 --w 3 --alpha 0.01 (Farrington/Noufaily/EARS: alpha = significance level; "
        "glrnb: alpha = negative-binomial dispersion, c_ARL = threshold).",
        epilog=_controls_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    d.add_argument("--method", required=True, choices=sorted(methods.METHODS))
    d.add_argument(
        "--input",
        required=True,
        help="CSV with columns series,t,observed (or series,date,observed)",
    )
    d.add_argument(
        "--range",
        required=True,
        dest="range_",
        metavar="FIRST:LAST",
        help="monitored periods, 1-based and inclusive (e.g. 313:324), or two dates when the "
        "series is dated (2022-01-03:2022-03-28)",
    )
    d.add_argument(
        "--out", required=True, help="output CSV (series,t,alarm,upperbound,expected[,date])"
    )
    d.add_argument("--freq", type=float, default=52.0, help="periods per year (default 52)")
    d.add_argument(
        "--start",
        metavar="YYYY-MM-DD",
        help="date of t=1: reference weeks are then found by calendar year, as the Python API "
        "does with CountSeries(start=...) (freq 52, 12 or 365). A 'date' column does the same.",
    )
    opinion_cli.add_parser(sub, InputError)
    return p


def _overrides(extra: Sequence[str]) -> dict[str, str]:
    """``--name value`` / ``--name=value`` pairs left over by argparse."""
    out: dict[str, str] = {}
    items = list(extra)
    i = 0
    while i < len(items):
        token = items[i]
        if not token.startswith("--") or len(token) <= 2:
            raise InputError(f"unexpected argument {token!r} (parameters look like --name value)")
        name = token[2:]
        if "=" in name:
            name, value = name.split("=", 1)
            i += 1
        elif i + 1 < len(items) and not items[i + 1].startswith("--"):
            value = items[i + 1]
            i += 2
        else:
            raise InputError(f"parameter --{name} needs a value")
        if name in out:
            raise InputError(f"parameter --{name} given twice")
        out[name] = value
    return out


def _range_end(text: str, series: CountSeries) -> int:
    """One end of --range: a 1-based period, or (for a dated series) a date on its grid."""
    if "-" in text.strip().lstrip("-"):
        if series.start is None:
            raise InputError(
                f"--range {text!r} is a date but the series has no dates (give --start or a "
                "date column)"
            )
        try:
            day = cli_dates.parse_date(text, "--range end")
        except ValueError as exc:
            raise InputError(str(exc)) from None
        k = cli_dates.period_index(series.start, day, series.freq)
        if k is None:
            raise InputError(f"--range date {day} is not one of the series' periods")
        return k + 1
    try:
        return int(text)
    except ValueError:
        raise InputError(
            f"--range must be two integers FIRST:LAST (periods from 1) or two dates, got {text!r}"
        ) from None


def _parse_range(text: str, series: CountSeries) -> tuple[int, int]:
    n_time = series.n_time
    parts = text.split(":")
    if len(parts) != 2:
        raise InputError(f"--range must look like FIRST:LAST, got {text!r}")
    first, last = _range_end(parts[0], series), _range_end(parts[1], series)
    if not 1 <= first <= last:
        raise InputError(f"--range needs 1 <= FIRST <= LAST, got {first}:{last}")
    if last > n_time:
        raise InputError(f"--range ends at {last} but the input only has t up to {n_time}")
    return first, last


def _int_field(text: str, what: str, line: int, *, minimum: int) -> int:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"line {line}: {what} {text!r} is not a number") from None
    if not math.isfinite(value) or not value.is_integer():
        raise InputError(f"line {line}: {what} {text!r} is not an integer")
    if value < minimum:
        kind = "negative" if minimum == 0 else f"below {minimum}"
        raise InputError(f"line {line}: {what} {text!r} is {kind}")
    return int(value)


def read_counts(
    path: str | os.PathLike[str], freq: float = 52.0, start: dt.date | None = None
) -> CountSeries:
    """Read and validate a long-format CSV of counts into a :class:`CountSeries`.

    Periods come from an integer ``t`` column (1, 2, ...; ``start`` is then the date of t=1, if
    known) or from a ``date`` column (ISO dates on the ``freq`` grid; the series starts at the
    earliest). With both columns, each ``t`` must match its date.
    """
    try:
        fh = open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    with fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{path} is empty") from None
        except csv.Error as exc:
            raise InputError(f"{path}: not a valid CSV ({exc})") from None
        cols = [h.strip().lower() for h in header]
        dated = "date" in cols
        need = [c for c in REQUIRED if not (c == "t" and dated)]
        missing = [c for c in need if c not in cols]
        if missing:
            raise InputError(
                f"{path} is missing column(s) {', '.join(missing)}; need {','.join(REQUIRED)} "
                "(or series,date,observed)"
            )
        if dated and start is not None:
            raise InputError("give --start or a date column, not both")
        if dated or start is not None:
            try:
                cli_dates.check_freq(freq)
            except ValueError as exc:
                raise InputError(str(exc)) from None
        i_s, i_o = cols.index("series"), cols.index("observed")
        i_t = cols.index("t") if "t" in cols else None
        i_d = cols.index("date") if dated else None
        rows: list[tuple[str, int | None, dt.date | None, int, int]] = []
        try:
            for row in reader:
                line = reader.line_num
                if not row or all(not c.strip() for c in row):
                    continue
                if len(row) < len(cols):
                    raise InputError(f"line {line}: expected {len(cols)} fields, got {len(row)}")
                name = row[i_s].strip()
                if not name:
                    raise InputError(f"line {line}: empty series name")
                t = None if i_t is None else _int_field(row[i_t].strip(), "t", line, minimum=1)
                day = None
                if i_d is not None:
                    try:
                        day = cli_dates.parse_date(row[i_d], f"line {line}: date")
                    except ValueError as exc:
                        raise InputError(str(exc)) from None
                at = f"t={t}" if day is None else f"date {day}"
                obs_text = row[i_o].strip()
                if not obs_text or obs_text.upper() in ("NA", "NAN"):
                    raise InputError(f"line {line}: missing count for series {name!r} at {at}")
                rows.append((name, t, day, _int_field(obs_text, "count", line, minimum=0), line))
        except csv.Error as exc:
            raise InputError(f"{path}: not a valid CSV ({exc})") from None
    if not rows:
        raise InputError(f"{path} has a header but no data rows")
    if dated:
        start = min(r[2] for r in rows if r[2] is not None)
    if start is not None:
        try:
            cli_dates.check_start(start, freq)
        except ValueError as exc:
            raise InputError(str(exc)) from None
    data: dict[str, dict[int, int]] = {}
    for name, t, day, obs, line in rows:
        if day is not None and start is not None:
            k = cli_dates.period_index(start, day, freq)
            if k is None:
                raise InputError(
                    f"line {line}: date {day} is not a whole number of periods after the first "
                    f"date {start} (with --freq {freq:g} periods are "
                    f"{cli_dates.describe_step(freq)} apart)"
                )
            if t is not None and t != k + 1:
                raise InputError(f"line {line}: t={t} but date {day} is period {k + 1}")
            t = k + 1
        assert t is not None
        seen = data.setdefault(name, {})
        if t in seen:
            what = f"t={t}" if day is None else f"date {day}"
            raise InputError(f"line {line}: series {name!r} has {what} twice")
        seen[t] = obs
    lengths = {}
    for name, by_t in data.items():
        n = max(by_t)
        if len(by_t) != n:
            gap = min(set(range(1, n + 1)) - set(by_t))
            if start is not None and dated:
                when = f"date {cli_dates.period_date(start, gap - 1, freq)}"
                raise InputError(f"series {name!r} has a gap: {when} is missing")
            raise InputError(f"series {name!r} has a gap: t={gap} is missing (t counts from 1)")
        lengths[name] = n
    if len(set(lengths.values())) > 1:
        short = min(lengths, key=lengths.__getitem__)
        raise InputError(
            f"series cover different periods: {short!r} has t=1..{lengths[short]} but others go "
            f"to t={max(lengths.values())}; every series must cover the same 1..T"
        )
    n_time = next(iter(lengths.values()))
    names = tuple(data)
    obs_arr = np.array([[data[n][t] for t in range(1, n_time + 1)] for n in names], dtype=float)
    return CountSeries(obs_arr, freq=freq, start=start, names=names)


def _check_history(method: str, control: Any, first: int, series: CountSeries) -> None:
    """Fail early, with the reason, when there are too few periods before FIRST.

    (EARS checks its own baseline length and raises ValueError, reported the same way.)
    """
    before = first - 1
    freq = series.freq
    if hasattr(control, "b") and hasattr(control, "w") and series.start is not None:
        from accord.analytics.farrington import _reference_columns

        oldest = min(_reference_columns(series, first - 1, control.b)) - control.w
        if oldest < 0:
            day = cli_dates.period_date(series.start, first - 1, freq)
            raise InputError(
                f"{method} with b={control.b}, w={control.w} needs the window {control.w} "
                f"periods around the same week {control.b} calendar years before {day} "
                f"(t={first}), which is {-oldest} period(s) before the series starts"
            )
    elif hasattr(control, "b") and hasattr(control, "w"):
        need = int(math.ceil(control.b * freq)) + int(control.w)
        if before < need:
            raise InputError(
                f"{method} with b={control.b}, w={control.w} needs {need} periods of history "
                f"before the first monitored one (b*freq + w), but --range starts at t={first} "
                f"({before} before it)"
            )
    elif method == "glrnb" and control.mu0 is None:
        n_par = 1 + int(control.mu0_trend) + 2 * int(control.mu0_S)
        if before <= n_par:
            raise InputError(
                f"glrnb estimates the in-control mean from the periods before --range: with "
                f"{n_par} GLM coefficients it needs more than {n_par}, but there are {before}"
            )


def _fmt(x: float) -> str:
    if not math.isfinite(x):
        return "" if math.isnan(x) else ("Inf" if x > 0 else "-Inf")
    return f"{x:.10g}"


def write_alarms(path: str, series: CountSeries, result: Any) -> None:
    """Write the output atomically: temp file in the same directory, then ``os.replace``."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"output directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            start = series.start
            w.writerow(
                ["series", "t", "alarm", "upperbound", "expected"] + (["date"] * bool(start))
            )
            names = series.names or tuple(str(i + 1) for i in range(series.n_series))
            ts = [int(c) + 1 for c in result.t]
            for i, name in enumerate(names):
                alarm, ub, ex = result.alarm[i], result.upperbound[i], result.expected[i]
                for j, t in enumerate(ts):
                    row = [name, t, int(bool(alarm[j])), _fmt(float(ub[j])), _fmt(float(ex[j]))]
                    if start is not None:
                        row.append(cli_dates.period_date(start, t - 1, series.freq).isoformat())
                    w.writerow(row)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def detect_command(args: argparse.Namespace, extra: Sequence[str]) -> None:
    control = control_from_args(args.method, extra)  # validate before reading data
    if not args.freq > 0:
        raise InputError("--freq must be positive")
    start = None
    if args.start is not None:
        try:
            start = cli_dates.parse_date(args.start, "--start")
        except ValueError as exc:
            raise InputError(str(exc)) from None
    series = read_counts(args.input, freq=args.freq, start=start)
    first, last = _parse_range(args.range_, series)
    _check_history(args.method, control, first, series)
    _, detect = methods.METHODS[args.method]
    result = detect(series, control, t=np.arange(first - 1, last))
    write_alarms(args.out, series, result)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    try:
        if args.command == "detect":
            detect_command(args, extra)
        elif args.command == "opinion":
            if extra:
                raise InputError(f"unexpected argument {extra[0]!r}")
            opinion_cli.opinion_command(args, InputError)
    except (InputError, ValueError, NotImplementedError, np.linalg.LinAlgError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 2
    except ImportError as exc:  # a method whose module is not installed in this build
        what = f"method {args.method!r}" if args.command == "detect" else args.command
        print(f"{PROG}: error: {what} is not available ({exc})", file=sys.stderr)
        return 2
    return 0
