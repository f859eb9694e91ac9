"""Helpers for the early-warning tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.cases.models import Case
from accord.earlywarning import indicators
from accord.earlywarning.models import Freq, IndicatorCount


def _backdate(case: Case, day: dt.date, hour: int = 10) -> Case:
    """Move a case's filing time to `day` (local), as if it had been filed then."""
    when = dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())
    Case.objects.filter(pk=case.pk).update(created_at=when, status_changed_at=when)
    case.refresh_from_db()
    return case


def _put_weekly(area, category, counts: list[int], end: dt.date) -> list[dt.date]:
    """Write a weekly indicator series for (area, category) ending with the week of `end`."""
    last = indicators.week_start(end)
    weeks = [last - dt.timedelta(days=7 * (len(counts) - 1 - i)) for i in range(len(counts))]
    IndicatorCount.objects.bulk_create(
        IndicatorCount(freq=Freq.WEEKLY, area=area, category=category, period=w, count=n)
        for w, n in zip(weeks, counts, strict=True)
        if n
    )
    return weeks


@pytest.fixture
def supervisor(areas, make_user):
    """A county supervisor over CO (covers everything below)."""
    return make_user("county_supervisor", areas.county, username="supervisor_co")


@pytest.fixture
def analyst(areas, make_user):
    return make_user("analyst", areas.county, username="analyst_co")


@pytest.fixture
def backdate(db):
    """backdate(case, day, hour=10): move a case's filing time to `day` (local)."""
    return _backdate


@pytest.fixture
def put_weekly(db):
    """put_weekly(area, category, counts, end): write a weekly indicator series."""
    return _put_weekly
