"""The business calendar: Monday–Friday, minus public holidays, plus swapped working days.

Deadlines are always computed here, never with ad-hoc date arithmetic elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

DayCount = Literal["calendar", "working"]

# The Holiday rows last read and the calendar built from them (per process).
_LOADED: tuple[list, BusinessCalendar] | None = None


@dataclass(frozen=True)
class BusinessCalendar:
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()  # weekend days that are worked (调休)

    @classmethod
    def load(cls) -> BusinessCalendar:
        """The calendar as the Holiday table has it now. Every call reads the table (one plain
        query), so a change is seen at once; the calendar built from the rows is reused while
        they are unchanged (every filing computes a deadline)."""
        global _LOADED
        from django.db import connection

        from accord.core.models import Holiday

        with connection.cursor() as cur:
            table = connection.ops.quote_name(Holiday._meta.db_table)
            cur.execute(f"SELECT date, kind FROM {table} ORDER BY date, kind")  # noqa: S608
            rows = cur.fetchall()
        cached = _LOADED
        if cached is not None and cached[0] == rows:
            return cached[1]
        days = [(d if isinstance(d, dt.date) else dt.date.fromisoformat(d), k) for d, k in rows]
        calendar = cls(
            holidays=frozenset(d for d, k in days if k == Holiday.Kind.HOLIDAY),
            workdays=frozenset(d for d, k in days if k == Holiday.Kind.WORKDAY),
        )
        _LOADED = (rows, calendar)
        return calendar

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (the start day itself does not count)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        while n > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]; negative when end is before start."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1
            for i in range(1, (end - start).days + 1)
            if self.is_working_day(start + dt.timedelta(days=i))
        )

    def due_date(self, start: dt.date, days: int, count: DayCount) -> dt.date:
        """The last day of a period of `days` counted from the day after `start`.

        Calendar periods that end on a non-working day run to the next working day, as
        Chinese procedural law does for the last day of a period (Civil Procedure Law art. 85).
        """
        if count == "working":
            return self.add_working_days(start, days)
        due = start + dt.timedelta(days=days)
        while not self.is_working_day(due):
            due += dt.timedelta(days=1)
        return due
