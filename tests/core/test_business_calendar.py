"""The business calendar: weekends, public holidays and swapped working days (调休)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from accord.core.calendar import BusinessCalendar
from accord.core.models import Holiday, HolidayVersion

D = dt.date
# Spring Festival 2025 as the State Council published it: off Tue 28 Jan – Tue 4 Feb,
# worked Sun 26 Jan and Sat 8 Feb.
SPRING_2025 = BusinessCalendar(
    holidays=frozenset(D(2025, 1, 28) + dt.timedelta(days=i) for i in range(8)),
    workdays=frozenset({D(2025, 1, 26), D(2025, 2, 8)}),
)
PLAIN = BusinessCalendar()


def test_fixture_dates_are_what_we_think():
    assert D(2025, 1, 3).strftime("%a") == "Fri"
    assert D(2025, 1, 26).strftime("%a") == "Sun"
    assert D(2025, 2, 8).strftime("%a") == "Sat"


@pytest.mark.parametrize(
    "day,working",
    [
        (D(2025, 1, 6), True),  # Monday
        (D(2025, 1, 10), True),  # Friday
        (D(2025, 1, 11), False),  # Saturday
        (D(2025, 1, 12), False),  # Sunday
    ],
)
def test_monday_to_friday(day, working):
    assert PLAIN.is_working_day(day) is working


def test_holidays_and_swapped_workdays():
    assert SPRING_2025.is_working_day(D(2025, 1, 29)) is False  # a Wednesday off
    assert SPRING_2025.is_working_day(D(2025, 1, 26)) is True  # a Sunday worked
    assert SPRING_2025.is_working_day(D(2025, 2, 8)) is True  # a Saturday worked
    assert SPRING_2025.is_working_day(D(2025, 2, 9)) is False  # an ordinary Sunday


@pytest.mark.parametrize(
    "start,n,expected",
    [
        (D(2025, 1, 3), 0, D(2025, 1, 3)),  # n = 0 is the start day
        (D(2025, 1, 3), 1, D(2025, 1, 6)),  # Fri + 1 -> Mon
        (D(2025, 1, 3), 5, D(2025, 1, 10)),
        (D(2025, 1, 4), 1, D(2025, 1, 6)),  # from a Saturday
        (D(2025, 1, 6), 10, D(2025, 1, 20)),  # two weeks
    ],
)
def test_add_working_days_skips_weekends(start, n, expected):
    assert PLAIN.add_working_days(start, n) == expected


def test_add_working_days_across_spring_festival():
    assert SPRING_2025.add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 26)  # worked Sunday
    assert SPRING_2025.add_working_days(D(2025, 1, 27), 1) == D(2025, 2, 5)  # after 8 days off
    # Mon 27 Jan + 5 working days: 5, 6, 7, 8 (worked Sat), 10 Feb
    assert SPRING_2025.add_working_days(D(2025, 1, 27), 5) == D(2025, 2, 10)
    # the same span without the holiday table would end much earlier
    assert PLAIN.add_working_days(D(2025, 1, 27), 5) == D(2025, 2, 3)


def test_negative_working_days_refused():
    with pytest.raises(ValueError):
        PLAIN.add_working_days(D(2025, 1, 3), -1)


def test_working_days_between():
    assert PLAIN.working_days_between(D(2025, 1, 3), D(2025, 1, 3)) == 0
    assert PLAIN.working_days_between(D(2025, 1, 3), D(2025, 1, 6)) == 1  # (Fri, Mon]
    assert PLAIN.working_days_between(D(2025, 1, 6), D(2025, 1, 3)) == -1
    assert SPRING_2025.working_days_between(D(2025, 1, 24), D(2025, 2, 9)) == 6
    assert PLAIN.working_days_between(D(2025, 1, 24), D(2025, 2, 9)) == 10


@pytest.mark.parametrize("start", [D(2025, 1, 20) + dt.timedelta(days=i) for i in range(21)])
@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 15])
def test_add_and_between_are_inverse(start, n):
    due = SPRING_2025.add_working_days(start, n)
    assert SPRING_2025.is_working_day(due)
    assert SPRING_2025.working_days_between(start, due) == n
    # and no earlier day would do
    assert SPRING_2025.working_days_between(start, due - dt.timedelta(days=1)) == n - 1


@pytest.mark.parametrize(
    "start,days,expected",
    [
        (D(2025, 1, 6), 4, D(2025, 1, 10)),  # ends on a Friday: stays
        (D(2025, 1, 6), 5, D(2025, 1, 13)),  # ends on a Saturday: next Monday
        (D(2025, 1, 6), 6, D(2025, 1, 13)),  # ends on a Sunday: next Monday
        (D(2024, 12, 31), 30, D(2025, 1, 30)),  # plain calendar: a Thursday
    ],
)
def test_calendar_periods_move_off_weekends(start, days, expected):
    assert PLAIN.due_date(start, days, "calendar") == expected


def test_calendar_periods_move_off_holidays_but_not_off_worked_weekends():
    # 30 days after 31 Dec is Thu 30 Jan, inside the festival: runs to Wed 5 Feb
    assert SPRING_2025.due_date(D(2024, 12, 31), 30, "calendar") == D(2025, 2, 5)
    # ending on the worked Saturday 8 Feb stays there
    assert SPRING_2025.due_date(D(2025, 1, 29), 10, "calendar") == D(2025, 2, 8)


def test_working_day_periods_use_add_working_days():
    assert SPRING_2025.due_date(D(2025, 1, 27), 5, "working") == D(2025, 2, 10)


@pytest.mark.django_db
def test_load_reads_the_holiday_table():
    Holiday.objects.create(date=D(2025, 10, 1), kind=Holiday.Kind.HOLIDAY, name="National Day")
    Holiday.objects.create(date=D(2025, 9, 28), kind=Holiday.Kind.WORKDAY, name="swap")
    cal = BusinessCalendar.load()
    assert cal.holidays == frozenset({D(2025, 10, 1)})
    assert cal.workdays == frozenset({D(2025, 9, 28)})
    assert cal.is_working_day(D(2025, 10, 1)) is False  # a Wednesday off
    assert cal.is_working_day(D(2025, 9, 28)) is True  # a Sunday worked


@pytest.mark.django_db
def test_load_sees_every_change_at_once_and_reuses_an_unchanged_calendar():
    HolidayVersion.objects.get_or_create(pk=1)  # (a flushed test database lacks the row)
    day = Holiday.objects.create(date=D(2025, 10, 1), kind=Holiday.Kind.HOLIDAY)
    first = BusinessCalendar.load()
    assert BusinessCalendar.load() is first  # same rows: built once
    with connection.cursor() as cur:  # a writer that bypasses the ORM moves the version too
        cur.execute("UPDATE core_holiday SET name = 'National Day' WHERE id = %s", [day.pk])
    assert BusinessCalendar.load() is not first
    Holiday.objects.filter(pk=day.pk).update(date=D(2025, 10, 2))  # edited in place
    assert BusinessCalendar.load().holidays == frozenset({D(2025, 10, 2)})
    Holiday.objects.filter(pk=day.pk).update(kind=Holiday.Kind.WORKDAY)
    cal = BusinessCalendar.load()
    assert cal.holidays == frozenset() and cal.workdays == frozenset({D(2025, 10, 2)})
    Holiday.objects.all().delete()
    assert BusinessCalendar.load() == BusinessCalendar()


@pytest.mark.django_db
def test_without_the_version_row_every_load_reads_the_rows():
    HolidayVersion.objects.all().delete()
    Holiday.objects.create(date=D(2025, 10, 1), kind=Holiday.Kind.HOLIDAY)
    assert BusinessCalendar.load().holidays == frozenset({D(2025, 10, 1)})
    Holiday.objects.all().update(date=D(2025, 10, 3))
    assert BusinessCalendar.load().holidays == frozenset({D(2025, 10, 3)})
