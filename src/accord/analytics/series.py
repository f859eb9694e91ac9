"""The series container: a 2-D array of counts, series x time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class CountSeries:
    """Counts for many series over the same time axis (like ``surveillance::sts``).

    ``observed`` has shape (n_series, n_time); row ``i`` is one series (e.g. an area x
    category), column ``t`` one period. Everything per series/time has that same shape.
    """

    observed: npt.NDArray[np.float64]
    freq: float = 52  # periods per year: 52 (weekly), 365.25/7, 365 (daily) or 12
    start: dt.date | None = None  # date of the first period, if known
    epoch_index: tuple[int, int] | None = None  # (year, period) of column 0, as sts@start
    population: npt.NDArray[np.float64] | None = None  # offset, same shape as observed
    state: npt.NDArray[np.bool_] | None = None  # outbreak labels, same shape as observed
    names: tuple[str, ...] = field(default=())  # one label per series (optional)

    def __post_init__(self) -> None:
        obs = np.asarray(self.observed, dtype=np.float64)
        if obs.ndim == 1:
            obs = obs[None, :]
        if obs.ndim != 2:
            raise ValueError("observed must be 1-D or 2-D (series x time)")
        object.__setattr__(self, "observed", obs)
        for name in ("population", "state"):
            arr = getattr(self, name)
            if arr is None:
                continue
            arr = np.asarray(arr, dtype=bool if name == "state" else np.float64)
            if arr.ndim == 1:
                arr = arr[None, :]
            if arr.shape != obs.shape:
                raise ValueError(f"{name} must have the shape of observed {obs.shape}")
            object.__setattr__(self, name, arr)
        if self.names and len(self.names) != obs.shape[0]:
            raise ValueError("names must have one entry per series")

    @property
    def n_series(self) -> int:
        return int(self.observed.shape[0])

    @property
    def n_time(self) -> int:
        return int(self.observed.shape[1])
