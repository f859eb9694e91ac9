"""Fengqiao indicators: shares per tier, small cells suppressed without giving them back."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accord.analytics.fengqiao import tier_row
from accord.grid import indicators, mediations


def test_shares_when_every_cell_is_large():
    row = tier_row({"grid": 10, "community": 20, "township": 10}, handed_up=6, min_cell=5)
    assert row.total == 40 and row.handed_up == 6
    assert row.shares == {"grid": 0.25, "community": 0.5, "township": 0.25, "county": 0.0}


def test_one_small_cell_hides_total_and_shares():
    row = tier_row({"grid": 10, "community": 16, "township": 2}, handed_up=3, min_cell=5)
    assert row.counts == {"grid": 10, "community": 16, "township": None, "county": 0}
    assert row.total is None and set(row.shares.values()) == {None}
    assert row.handed_up is None


def test_small_total_hides_shares():
    row = tier_row({"community": 3}, handed_up=0, min_cell=5)
    assert row.total is None and row.shares["community"] is None and row.handed_up == 0


def test_grid_mediations_count_at_grid_level(areas, make_user, settings):
    settings.ACCORD_MIN_CELL = 1
    worker = make_user("grid_worker", areas.t1c1g1)
    for i in range(3):
        mediations.mediation_record(
            actor=worker, area="T1C1G1", category="neighbour", parties=f"A{i} and B{i}",
            issue="Parking.", outcome="resolved", agreement="Settled.", notice_acknowledged=True,
        )  # fmt: skip
    mediations.mediation_record(
        actor=worker, area="T1C1G1", category="neighbour", parties="C and D",
        issue="Noise.", outcome="unresolved", notice_acknowledged=True,
    )  # fmt: skip
    month = timezone.localdate().replace(day=1)
    [(m, row)] = indicators.area_rows(areas.t1c1, [month])
    assert m == month and row.counts["grid"] == 3 and row.handed_up == 1
    assert indicators.area_rows(areas.t2c1, [month])[0][1].counts["grid"] == 0
    assert indicators.months_back(3, dt.date(2026, 1, 15)) == [
        dt.date(2025, 11, 1), dt.date(2025, 12, 1), dt.date(2026, 1, 1)
    ]  # fmt: skip


def test_page_is_for_staff_only(client, areas, make_user):
    assert client.get("/grid/fengqiao/").status_code == 302
    client.force_login(make_user("resident", areas.t1c1g1))
    assert client.get("/grid/fengqiao/").status_code == 403
    client.force_login(make_user("township_coordinator", areas.t1))
    r = client.get("/grid/fengqiao/")
    assert r.status_code == 200 and b"Township T1" in r.content
