"""The business calendar: Monday–Friday, minus public holidays, plus swapped working days.

Deadlines are always computed here, never with ad-hoc date arithmetic elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

DayCount = Literal["calendar", "working"]

# The Holiday table's version last read and the calendar built from its rows (per process).
_LOADED: tuple[int, BusinessCalendar] | None = None


@dataclass(frozen=True)
class BusinessCalendar:
    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()  # weekend days that are worked (调休)

    @classmethod
    def load(cls) -> BusinessCalendar:
        """The calendar as the Holiday table has it now. Every call reads the table's version
        (one row, raised by triggers at every change by any writer), so a change is seen at
        once; the calendar is rebuilt from the rows only when the version has moved. Without
        the version row (a flushed test database) every call reads the rows."""
        global _LOADED
        from django.db import connection

        from accord.core.models import Holiday, HolidayVersion

        table = connection.ops.quote_name(HolidayVersion._meta.db_table)
        with connection.cursor() as cur:
            cur.execute(f"SELECT value FROM {table} WHERE id = 1")  # noqa: S608
            row = cur.fetchone()
            version = row[0] if row else None
        cached = _LOADED
        if version is not None and cached is not None and cached[0] == version:
            return cached[1]
        days = list(Holiday.objects.values_list("date", "kind"))
        calendar = cls(
            holidays=frozenset(d for d, k in days if k == Holiday.Kind.HOLIDAY),
            workdays=frozenset(d for d, k in days if k == Holiday.Kind.WORKDAY),
        )
        _LOADED = (version, calendar) if version is not None else None
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
