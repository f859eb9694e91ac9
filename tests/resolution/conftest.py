"""Fixtures for the resolution tests: the 2025 National Day and 2026 New Year calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.core.models import Holiday

D = dt.date

# 2025: National Day / Mid-Autumn Oct 1-8 off; Sun Sep 28 and Sat Oct 11 are worked (调休).
# 2026: New Year Jan 1-3 off; Sun Jan 4 worked.
HOLIDAYS = [D(2025, 10, d) for d in range(1, 9)] + [D(2026, 1, 1), D(2026, 1, 2), D(2026, 1, 3)]
WORKDAYS = [D(2025, 9, 28), D(2025, 10, 11), D(2026, 1, 4)]


@pytest.fixture
def calendar_2025(db):
    Holiday.objects.bulk_create(
        [Holiday(date=d, kind=Holiday.Kind.HOLIDAY, name="holiday") for d in HOLIDAYS]
        + [Holiday(date=d, kind=Holiday.Kind.WORKDAY, name="swapped") for d in WORKDAYS]
    )


@pytest.fixture
def county_supervisor(areas, make_user):
    return make_user("county_supervisor", areas.county, username="supervisor_co")
