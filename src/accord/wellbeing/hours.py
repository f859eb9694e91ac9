"""Opening hours as data (pure): {"mon": [["09:00", "17:00"]], ..., "always": true}."""

from __future__ import annotations

import datetime as dt

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def is_open(hours: dict, at: dt.datetime) -> bool:
    """Is a unit with these hours open at local time `at`? Ranges may pass midnight
    (["20:00", "08:00"])."""
    if hours.get("always"):
        return True
    now = at.hour * 60 + at.minute
    today, yesterday = DAYS[at.weekday()], DAYS[(at.weekday() - 1) % 7]
    for start, end in hours.get(today, []):
        s, e = _minutes(start), _minutes(end)
        if (s <= now < e) if s < e else now >= s:
            return True
    for start, end in hours.get(yesterday, []):
        s, e = _minutes(start), _minutes(end)
        if s > e and now < e:  # the part after midnight of yesterday's overnight range
            return True
    return False


def valid(hours: object) -> bool:
    if not isinstance(hours, dict):
        return False
    for key, ranges in hours.items():
        if key == "always":
            continue
        if key not in DAYS or not isinstance(ranges, list):
            return False
        for r in ranges:
            try:
                s, e = r
                if not (0 <= _minutes(s) < 1440 and 0 <= _minutes(e) <= 1440):
                    return False
            except (ValueError, TypeError):
                return False
    return True
