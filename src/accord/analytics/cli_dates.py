"""Calendar dates on the command line: ``--start``, a ``date`` column, dates in ``--range``.

A dated series is a :class:`~accord.analytics.series.CountSeries` with ``start`` set, exactly
what the Python API is given; Farrington/Noufaily then look the reference weeks up by calendar
year (R ``epochAsDate = TRUE``, see :func:`accord.analytics.farrington._reference_columns`).
Period ``k`` (0-based) falls on ``start + k`` weeks (freq 52), days (365) or months (12, same
day of the month).
"""

from __future__ import annotations

import datetime as dt

DATED_FREQS = (52.0, 12.0, 365.0)


def parse_date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{what} {text!r} is not a date like 2016-01-04") from None


def check_freq(freq: float) -> None:
    if freq not in DATED_FREQS:
        raise ValueError(
            f"with dates, --freq must be 52 (weekly), 12 (monthly) or 365 (daily), got {freq:g}"
        )


def check_start(start: dt.date, freq: float) -> None:
    """Monthly periods keep the day of the month, so it must exist in every month."""
    if freq == 12 and start.day > 28:
        raise ValueError(
            f"monthly periods keep the start's day of the month: {start} (day {start.day}) "
            "does not exist in every month; use a day from 1 to 28 (e.g. the 1st)"
        )


def period_date(start: dt.date, k: int, freq: float) -> dt.date:
    """The date of 0-based period ``k``."""
    if freq == 52:
        return start + dt.timedelta(days=7 * k)
    if freq == 365:
        return start + dt.timedelta(days=k)
    months = start.month - 1 + k
    return start.replace(year=start.year + months // 12, month=months % 12 + 1)


def period_index(start: dt.date, day: dt.date, freq: float) -> int | None:
    """0-based period of ``day`` counted from ``start``, or None if ``day`` is not on the grid."""
    if freq == 52:
        days = (day - start).days
        return days // 7 if days % 7 == 0 else None
    if freq == 365:
        return (day - start).days
    if day.day != start.day:
        return None
    return (day.year - start.year) * 12 + day.month - start.month


def describe_step(freq: float) -> str:
    return {52.0: "7 days", 365.0: "1 day", 12.0: "1 month (same day of the month)"}[freq]
