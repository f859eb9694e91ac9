"""Detection results: one array per quantity, shape (n_series, n_monitored)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class DetectionResult:
    """What a detector says about each series at each monitored time point.

    ``t`` holds the 0-based column indices (into ``CountSeries.observed``) that were monitored;
    every other array has shape (n_series, len(t)). Values that a method does not define are NaN.
    """

    method: str
    t: npt.NDArray[np.int64]
    observed: npt.NDArray[np.float64]
    alarm: npt.NDArray[np.bool_]
    upperbound: npt.NDArray[np.float64]
    expected: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]
    pvalue: npt.NDArray[np.float64]
    # fitted diagnostics per (series, time), e.g. {"trend": bool array, "phi": float array}
    diagnostics: dict[str, npt.NDArray[Any]] = field(default_factory=dict)
