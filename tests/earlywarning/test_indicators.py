"""Indicator counts: kept up to date case by case at intake, and rebuilt by the back-fill."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accord.earlywarning import indicators
from accord.earlywarning.models import Freq, IndicatorCount

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {
        (r.freq, r.area.code, r.category.code, r.period): r.count
        for r in IndicatorCount.objects.select_related("area", "category")
    }


def test_new_case_counts_in_its_area_and_every_ancestor_daily_and_weekly(areas, make_case):
    make_case(area=areas.t1c1g1, category="neighbour")
    today = timezone.localdate()
    week = today - dt.timedelta(days=today.weekday())
    got = counts()
    for code in ("C", "CO", "T1", "T1C1", "T1C1G1"):
        assert got[(Freq.DAILY, code, "neighbour", today)] == 1
        assert got[(Freq.WEEKLY, code, "neighbour", week)] == 1
    # nothing for areas outside the case's branch, nothing for other categories
    assert not any(k[1] in ("T2", "T1C2", "T1C1G2") for k in got)
    assert len(got) == 10


def test_counts_increment_without_recount(areas, make_case):
    make_case(area=areas.t1c1g1, category="labour")
    make_case(area=areas.t1c1g2, category="labour")
    make_case(area=areas.t2c1g1, category="labour")
    today = timezone.localdate()
    got = counts()
    assert got[(Freq.DAILY, "T1C1", "labour", today)] == 2
    assert got[(Freq.DAILY, "T1", "labour", today)] == 2
    assert got[(Freq.DAILY, "CO", "labour", today)] == 3
    assert got[(Freq.DAILY, "T1C1G1", "labour", today)] == 1


def test_rolled_back_intake_leaves_no_count(areas, make_case):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        make_case(area=areas.t1c1g1)
        assert IndicatorCount.objects.exists()  # counted inside the intake transaction
        raise Boom
    assert not IndicatorCount.objects.exists()


def test_backfill_rebuilds_what_intake_counted(areas, make_case):
    for area, cat in [
        (areas.t1c1g1, "neighbour"),
        (areas.t1c1g1, "neighbour"),
        (areas.t1c2g1, "labour"),
        (areas.t2c1, "property"),
    ]:
        make_case(area=area, category=cat)
    incremental = counts()
    IndicatorCount.objects.all().delete()
    out = indicators.backfill()
    assert counts() == incremental
    assert out["cases"] == 4


def test_backfill_uses_local_dates_and_monday_weeks(areas, make_case):
    case, _ = make_case(area=areas.t1c1g1)
    # Sunday 2026-03-08 23:30 local time belongs to the week of Monday 2026-03-02
    when = dt.datetime(2026, 3, 8, 23, 30, tzinfo=timezone.get_current_timezone())
    type(case).objects.filter(pk=case.pk).update(created_at=when)
    call_command("backfill-indicators", verbosity=0)
    got = counts()
    assert got[(Freq.WEEKLY, "T1C1G1", "neighbour", dt.date(2026, 3, 2))] == 1
    assert got[(Freq.DAILY, "T1C1G1", "neighbour", dt.date(2026, 3, 8))] == 1


def test_backfill_since_keeps_older_rows(areas, make_case, backdate):
    old, _ = make_case(area=areas.t1c1g1)
    backdate(old, dt.date(2025, 1, 6))
    make_case(area=areas.t1c1g1)
    IndicatorCount.objects.all().delete()
    indicators.backfill()
    before = counts()
    IndicatorCount.objects.filter(period__gte=dt.date(2026, 1, 1)).delete()
    indicators.backfill(since=dt.date(2026, 1, 1))
    assert counts() == before


def test_rollup_is_pure_and_sums_children():
    anc = {1: [1], 2: [1, 2], 3: [1, 2, 3], 4: [1, 2, 4]}
    day = dt.date(2026, 5, 6)  # a Wednesday
    out = indicators.rollup([(3, 7, day, 2), (4, 7, day, 3)], anc)
    assert out[(Freq.DAILY, 1, 7, day)] == 5
    assert out[(Freq.WEEKLY, 2, 7, dt.date(2026, 5, 4))] == 5
    assert out[(Freq.DAILY, 3, 7, day)] == 2


def test_backfill_command_rejects_bad_date(areas):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("backfill-indicators", since="yesterday", verbosity=0)
