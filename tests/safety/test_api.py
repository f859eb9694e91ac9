"""The safety API: reporting, tracking, acting, scoping, duty holders for staff only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_report_track_act_over_the_api(api, api_for, inspector, areas, make_user):
    r = api.post("safety/hazards", {"description": "Lift doors open between floors",
                                    "sector": "special_equipment", "area": areas.t1c1g1.code})  # fmt: skip
    assert r.status_code == 201, r.content
    body = r.json()
    ref, secret = body["reference"], body["tracking_secret"]
    assert body["department"] == "Market Regulation"
    r = api.post("safety/track", {"reference": ref, "secret": secret})
    assert r.status_code == 200 and r.json()["status"] == "reported"
    assert api.post("safety/track", {"reference": ref, "secret": "wrong"}).status_code == 404
    staff = api_for(inspector)
    r = staff.get(f"safety/hazards/{ref}")
    assert r.status_code == 200 and r.json()["allowed_actions"] == ["verify", "reject"]
    assert staff.post(f"safety/hazards/{ref}/actions", {"action": "grade"}).status_code == 409
    assert staff.post(f"safety/hazards/{ref}/actions", {"action": "fly"}).status_code == 422
    assert staff.post(f"safety/hazards/{ref}/actions",
                      {"action": "verify", "status": "closed"}).status_code == 422  # fmt: skip
    assert staff.post(f"safety/hazards/{ref}/actions", {"action": "verify"}).status_code == 200
    other = api_for(make_user("inspector", areas.t2, username="api_t2"))
    assert other.get(f"safety/hazards/{ref}").status_code == 404
    assert ref not in other.get("safety/hazards").content.decode()
    mediator = api_for(make_user("mediator", areas.t1, username="api_med"))
    assert mediator.get("safety/hazards").json() == []


def test_duty_holders_only_for_safety_staff_of_the_area(api_for, inspector, place, areas,
                                                        make_user):  # fmt: skip
    staff = api_for(inspector)
    r = staff.get(f"safety/places/{place.pk}")
    assert r.status_code == 200 and r.json()["responsible_phone"] == "139 0000 1234"
    listed = staff.get("safety/places").content.decode()
    assert "Hengda" in listed and "139 0000 1234" not in listed and "Wu Gang" not in listed
    other = api_for(make_user("inspector", areas.t2, username="api_t2b"))
    assert other.get(f"safety/places/{place.pk}").status_code == 404
    resident = api_for(make_user("resident", areas.t1c1g1, username="api_res"))
    assert resident.get("safety/places").status_code == 403
    assert resident.get(f"safety/places/{place.pk}").status_code == 404


def test_duty_holder_names_are_encrypted_at_rest(place):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT responsible_name, responsible_phone FROM safety_place WHERE id = %s",
                    [place.pk])  # fmt: skip
        name, phone = cur.fetchone()
    assert "Wu Gang" not in name and "1234" not in phone


def test_counts_are_aggregates_with_small_cells_suppressed(api_for, report, areas, make_user,
                                                           settings):  # fmt: skip
    settings.ACCORD_MIN_CELL = 3
    for _ in range(3):
        report(sector="fire")
    report(sector="gas")
    report(area=areas.t2c1g1.code, sector="fire")
    analyst = api_for(make_user("analyst", areas.t1, username="count_analyst"))
    rows = analyst.get("safety/counts").json()
    assert {(r["area"], r["sector"]): r["count"] for r in rows} == {("T1", "fire"): 3,
                                                                   ("T1", "gas"): None}  # fmt: skip
    assert all("description" not in r for r in rows)
    resident = api_for(make_user("resident", areas.t1c1g1, username="count_res"))
    assert resident.get("safety/counts").status_code == 403
