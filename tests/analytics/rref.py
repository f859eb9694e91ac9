"""Loader for the R surveillance reference fixtures in tests/results (see its README.md)."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from accord.analytics.series import CountSeries

RESULTS = Path(__file__).resolve().parents[1] / "results"


@dataclass(frozen=True)
class Run:
    run: str
    collection: str
    method: str
    control: dict[str, Any]
    first_t: int
    last_t: int


def _read_gz(name: str, directory: Path = RESULTS) -> tuple[list[str], list[list[str]]]:
    with gzip.open(directory / name, "rt", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _to_float(values: list[str]) -> npt.NDArray[np.float64]:
    return np.array([np.nan if v in ("NA", "NaN", "") else float(v) for v in values])


def _matrix(name: str, directory: Path) -> npt.NDArray[np.float64]:
    _, rows = _read_gz(name, directory)
    return np.vstack([_to_float(r[1:]) for r in rows])


@cache
def collections(directory: Path = RESULTS) -> dict[str, dict[str, str]]:
    with open(directory / "collections.csv", newline="") as fh:
        return {r["collection"]: r for r in csv.DictReader(fh)}


@cache
def runs(directory: Path = RESULTS) -> dict[str, Run]:
    with open(directory / "runs.csv", newline="") as fh:
        return {
            r["run"]: Run(
                r["run"],
                r["collection"],
                r["method"],
                json.loads(r["control"]),
                int(r["first_t"]),
                int(r["last_t"]),
            )
            for r in csv.DictReader(fh)
        }


@cache
def series(collection: str, *, dates: bool = False, directory: Path = RESULTS) -> CountSeries:
    meta = collections(directory)[collection]
    obs = _matrix(f"counts_{collection}.csv.gz", directory)
    pop = None
    if meta["has_population"] == "TRUE":
        pop = _matrix(f"population_{collection}.csv.gz", directory)
    start = None
    if dates:
        start = dt.date.fromisoformat(meta["start_date"])
    return CountSeries(observed=obs, freq=float(meta["freq"]), population=pop, start=start)


@cache
def output(run: str, directory: Path = RESULTS) -> dict[str, npt.NDArray[np.float64]]:
    """R's outputs of one run as (series x monitored) arrays (NaN where R gave NA)."""
    header, rows = _read_gz(f"out_{run}.csv.gz", directory)
    cols = {h: _to_float([r[i] for r in rows]) for i, h in enumerate(header)}
    s = cols["series"].astype(int)
    t = cols["t"].astype(int)
    ts = np.unique(t)
    n_s = int(s.max()) + 1
    pos = np.searchsorted(ts, t)
    out: dict[str, npt.NDArray[np.float64]] = {"t": ts.astype(np.float64)}
    for h, v in cols.items():
        if h in ("series", "t"):
            continue
        m = np.full((n_s, ts.size), np.nan)
        m[s, pos] = v
        out[h] = m
    return out


def relative_difference(
    ours: npt.NDArray[np.float64], ref: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """|ours - ref| / |ref| where both are finite (0 where both are 0)."""
    both = np.isfinite(ours) & np.isfinite(ref)
    a, b = ours[both], ref[both]
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.abs(a - b) / np.abs(b)
    return np.where(a == b, 0.0, rel)
