"""A hazard reported offline from the workbench: synced once through safety's one intake,
replayed without a second write, refused cleanly for an unknown sector."""

from __future__ import annotations

import uuid

import pytest

from accord.core.models import AuditEvent
from accord.grid import selectors, sync
from accord.grid.models import SyncItem
from accord.safety.models import Hazard, Sector
from accord.safety.sectors import SECTORS


@pytest.fixture
def worker(areas, make_user):
    # The sectors are seeded by a data migration; a transactional test elsewhere may flush them.
    for code, en, zh, dep_en, dep_zh in SECTORS:
        Sector.objects.get_or_create(
            code=code,
            defaults={"name_en": en, "name_zh": zh, "department_en": dep_en,
                      "department_zh": dep_zh},
        )  # fmt: skip
    return make_user("grid_worker", areas.t1c1g1, username="gw-hazard")


def hazard_item(sector: str) -> dict:
    return {
        "uuid": uuid.uuid4(),
        "seq": 1,
        "kind": "hazard",
        "payload": {
            "area": "T1C1G1",
            "sector": sector,
            "address": "Lane 3, behind the market",
            "description": "Gas cylinders stacked in the corridor of the restaurant.",
        },
    }


def test_hazard_syncs_once_as_the_worker(worker):
    sector = Sector.objects.filter(active=True).order_by("code").first().code
    item = hazard_item(sector)
    [first] = sync.sync_apply(actor=worker, items=[item])
    assert first["status"] == "applied" and not first["replayed"]
    assert first["reference"].startswith("HZ-")
    assert "secret" not in first
    hazard = Hazard.objects.get()
    assert hazard.reference == first["reference"]
    assert hazard.filed_by == worker
    assert hazard.source == "grid_worker"
    assert hazard.area.code == "T1C1G1" and hazard.sector.code == sector
    assert hazard.address == "Lane 3, behind the market"
    assert AuditEvent.objects.filter(action="hazard.report", object_id=hazard.reference).count()

    audits = AuditEvent.objects.count()
    [again] = sync.sync_apply(actor=worker, items=[item])
    assert again["replayed"] and again["status"] == "applied"
    assert again["reference"] == first["reference"]
    assert Hazard.objects.count() == 1
    assert AuditEvent.objects.count() == audits
    assert SyncItem.objects.get(client_uuid=item["uuid"]).result == {
        "reference": first["reference"]
    }


def test_unknown_sector_is_refused_and_writes_nothing(worker):
    audits = AuditEvent.objects.count()
    [result] = sync.sync_apply(actor=worker, items=[hazard_item("no-such-sector")])
    assert result["status"] == "refused"
    assert result["code"] == "unknown_sector"
    assert "no-such-sector" in result["detail"]
    assert not Hazard.objects.exists()
    assert AuditEvent.objects.count() == audits
    assert SyncItem.objects.get().status == "refused"


def test_hazard_outside_the_workers_grids_is_refused(worker):
    item = hazard_item(Sector.objects.first().code)
    item["payload"]["area"] = "T1C2G1"
    [result] = sync.sync_apply(actor=worker, items=[item])
    assert result["status"] == "refused" and result["code"] == "unknown_grid"
    assert not Hazard.objects.exists()


def test_bootstrap_caches_the_active_sectors(worker):
    Sector.objects.filter(code=Sector.objects.order_by("code").first().code).update(active=False)
    codes = [s["code"] for s in selectors.bootstrap_for(actor=worker)["sectors"]]
    assert codes == list(Sector.objects.filter(active=True).order_by("code").values_list(
        "code", flat=True))  # fmt: skip
    assert codes and len(codes) == Sector.objects.count() - 1
