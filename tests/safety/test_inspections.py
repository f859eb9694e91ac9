"""Inspections: a checklist as data, findings become hazards (source "inspection") in one
transaction, the place's inspection history, the API's scope and the inspection page."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.core.errors import NotFound, ValidationFailed
from accord.core.models import AuditEvent
from accord.safety import inspections
from accord.safety.models import Checklist, Hazard, Inspection

pytestmark = pytest.mark.django_db


def _results(checklist, findings=None):
    out = {item["code"]: {"result": "ok"} for item in checklist.items}
    for code, note in (findings or {}).items():
        out[code] = {"result": "finding", "note": note}
    return out


def test_checklists_are_seeded_with_both_languages():
    fire = Checklist.objects.get(code="fire-basic")
    assert fire.sector.code == "fire"
    assert len(fire.items) == 5
    assert all(item["en"] and item["zh"] for item in fire.items)


def test_a_finding_becomes_a_hazard_and_the_history_shows_it(inspector, place):
    fire = Checklist.objects.get(code="fire-basic")
    i = inspections.inspection_record(actor=inspector, data=inspections.InspectionInput(
        place=place.pk, checklist="fire-basic",
        results=_results(fire, {"storage": "Paint tins under the stairs of building 2."})))  # fmt: skip
    assert i.findings == 1
    row = next(r for r in i.results if r["item"] == "storage")
    hazard = Hazard.objects.get(reference=row["hazard"])
    assert hazard.source == "inspection"
    assert hazard.place == place and hazard.sector.code == "fire"
    assert hazard.status == "reported" and hazard.filed_by == inspector
    assert "Paint tins" in hazard.description
    assert all(r["hazard"] == "" for r in i.results if r["item"] != "storage")
    assert AuditEvent.objects.filter(action="inspection.record", object_id=str(i.pk)).exists()
    c = Client()
    c.force_login(inspector)
    html = c.get(f"/safety/places/{place.pk}/").content.decode()
    assert "Inspection history" in html and hazard.reference in html


def test_a_refused_inspection_writes_nothing(inspector, place):
    fire = Checklist.objects.get(code="fire-basic")
    results = _results(fire, {"storage": "Boxes."})
    results["wiring"] = {"result": "finding", "note": ""}  # a finding without a note
    before = Hazard.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        inspections.inspection_record(actor=inspector, data=inspections.InspectionInput(
            place=place.pk, checklist="fire-basic", results=results))  # fmt: skip
    assert exc.value.code == "missing_note"
    del results["wiring"]
    with pytest.raises(ValidationFailed) as exc:
        inspections.inspection_record(actor=inspector, data=inspections.InspectionInput(
            place=place.pk, checklist="fire-basic", results=results))  # fmt: skip
    assert exc.value.code == "missing_item"
    assert Hazard.objects.count() == before and not Inspection.objects.exists()


def test_another_townships_inspector_cannot_inspect_or_see(areas, make_user, inspector, place):
    other = make_user("inspector", areas.t2, username="insp_t2")
    fire = Checklist.objects.get(code="fire-basic")
    with pytest.raises(NotFound):
        inspections.inspection_record(actor=other, data=inspections.InspectionInput(
            place=place.pk, checklist="fire-basic", results=_results(fire)))  # fmt: skip
    inspections.inspection_record(actor=inspector, data=inspections.InspectionInput(
        place=place.pk, checklist="fire-basic", results=_results(fire)))  # fmt: skip
    from accord.safety import selectors

    assert selectors.inspection_list_for(actor=other).count() == 0
    assert selectors.inspection_list_for(actor=inspector).count() == 1


def test_api_records_and_lists(api_for, inspector, place, areas, make_user):
    fire = Checklist.objects.get(code="fire-basic")
    api = api_for(inspector)
    body = {"place": place.pk, "checklist": "fire-basic",
            "results": _results(fire, {"exits": "Exit chained shut."})}  # fmt: skip
    r = api.post("/api/v1/safety/inspections", body)
    assert r.status_code == 201, r.content
    data = r.json()
    assert data["findings"] == 1
    ref = next(it["hazard"] for it in data["items"] if it["item"] == "exits")
    assert Hazard.objects.get(reference=ref).source == "inspection"
    listed = api.get(f"/api/v1/safety/inspections?place={place.pk}").json()
    assert [x["id"] for x in listed] == [data["id"]]
    bad = api.post("/api/v1/safety/inspections", {**body, "extra": 1})
    assert bad.status_code == 422
    unknown = api.post("/api/v1/safety/inspections", {**body, "checklist": "nope"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "unknown_checklist"
    future = api.post("/api/v1/safety/inspections", {**body, "inspected_on": "2199-01-01"})
    assert future.status_code == 422 and future.json()["code"] == "future_date"
    assert Inspection.objects.count() == 1
    resident = api_for(make_user("resident", areas.t1c1g1, username="res_i"))
    assert resident.get("/api/v1/safety/inspections").status_code == 403


def test_inspection_page_in_chinese(inspector, place):
    c = Client()
    c.force_login(inspector)
    c.cookies["django_language"] = "zh-hans"
    page = c.get(f"/safety/places/{place.pk}/inspect/?checklist=chem-storage")
    assert page.status_code == 200
    html = page.content.decode()
    assert "禁忌物料分开存放" in html and "记录检查结果" in html
    chem = Checklist.objects.get(code="chem-storage")
    data = {"checklist": "chem-storage"}
    for item in chem.items:
        data[f"r_{item['code']}"] = "ok"
    data["r_ledger"] = "finding"
    data["n_ledger"] = "台账缺三个月记录。"
    r = c.post(f"/safety/places/{place.pk}/inspect/", data)
    assert r.status_code == 302
    i = Inspection.objects.get()
    assert i.findings == 1 and i.checklist.code == "chem-storage"
    missing = c.post(f"/safety/places/{place.pk}/inspect/", {"checklist": "chem-storage"})
    assert missing.status_code == 422
