"""Statutory clocks: due dates from a statute rule, suspension, extension and restart.

Pure given a BusinessCalendar and a rule (anything with the `StatuteRule` attributes or the
seed dicts of `statutes.py`). Conventions, stated once:

- A period starts the day after its start event (Civil Procedure Law art. 85: the day of the
  event does not count). N calendar days end on start + N; N working days end on the N-th
  working day after start; months and years end on the same day-of-month (clamped to the end
  of a shorter month).
- A period ending on a non-working day runs to the next working day when the rule says so
  (`roll_forward`); waiting periods after which a party gains a right do not roll forward.
- Suspension: the days from suspension to resumption do not count; the due date moves by as
  many calendar days (working days for a working-day rule).
- Extension: adds the approved amount (same unit) to the period; never more than the rule's
  `extension_max` (None = the approving authority decides).
- Restart: the period runs afresh from the restart date; earlier suspensions and extensions
  are cleared.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from typing import Any

from accord.cases.clock import GREEN, GREY, RED, YELLOW, warning_date
from accord.core.calendar import BusinessCalendar

__all__ = [
    "GREEN", "YELLOW", "RED", "GREY", "add_period", "due_date", "colour", "days_left",
    "warning_date",
]  # fmt: skip


def _get(rule: Any, name: str) -> Any:
    return rule[name] if isinstance(rule, dict) else getattr(rule, name)


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = _cal.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def add_period(
    cal: BusinessCalendar, start: dt.date, amount: int, unit: str, count: str
) -> dt.date:
    """The last day of `amount` `unit`s counted from the day after `start` (no roll-forward)."""
    if unit == "day":
        if count == "working":
            return cal.add_working_days(start, amount)
        return start + dt.timedelta(days=amount)
    if unit == "month":
        return add_months(start, amount)
    if unit == "year":
        return add_months(start, 12 * amount)
    raise ValueError(f"unknown unit {unit!r}")


def roll(cal: BusinessCalendar, day: dt.date) -> dt.date:
    while not cal.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def due_date(
    cal: BusinessCalendar,
    rule: Any,
    start: dt.date,
    *,
    extension: int = 0,
    suspended_days: int = 0,
) -> dt.date:
    """The due date of `rule` started on `start`, with an approved `extension` (rule units)
    and `suspended_days` (calendar days, or working days for a working-day rule) added."""
    unit, count = _get(rule, "unit"), _get(rule, "count")
    due = add_period(cal, start, int(_get(rule, "amount")) + int(extension), unit, count)
    if suspended_days:
        if count == "working":
            due = cal.add_working_days(due, suspended_days)
        else:
            due += dt.timedelta(days=suspended_days)
    if _get(rule, "roll_forward"):
        due = roll(cal, due)
    return due


def suspension_length(cal: BusinessCalendar, count: str, since: dt.date, until: dt.date) -> int:
    """Days that did not count while the clock was suspended from `since` to `until`."""
    if until <= since:
        return 0
    if count == "working":
        return cal.working_days_between(since, until)
    return (until - since).days


def colour(
    *, start: dt.date, due: dt.date | None, today: dt.date, stopped: bool, suspended: bool
) -> str:
    """green: done or on time; yellow: ≤ 20% of the time left; red: overdue; grey: suspended."""
    if stopped or due is None:
        return GREEN
    if suspended:
        return GREY
    if today > due:
        return RED
    warn = warning_date(start, due)
    return YELLOW if warn is not None and today >= warn else GREEN


def days_left(due: dt.date, today: dt.date) -> int:
    return (due - today).days
