"""The early-warning engine: batched aberration detection over many count series.

Pure numpy/scipy: nothing here imports Django. The shape follows R ``surveillance``:
a :class:`~accord.analytics.series.CountSeries` container, one frozen control dataclass per
algorithm with documented defaults, and ``detect(series, control) -> DetectionResult``.
"""

from accord.analytics.result import DetectionResult
from accord.analytics.series import CountSeries

__all__ = ["CountSeries", "DetectionResult"]
