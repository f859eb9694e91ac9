"""The incidents register (Order 493 grading, the serious flag) and the annual
responsibility assessment on planted data: figures, suppression, the one-vote veto."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accord.core.errors import Forbidden, ValidationFailed
from accord.core.models import AuditEvent
from accord.safety import assessment, incidents
from accord.safety.models import Hazard, Incident

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("deaths", "serious", "loss", "grade"),
    [
        (0, 0, 0, "general"), (2, 9, 9_999_999, "general"), (3, 0, 0, "larger"),
        (0, 10, 0, "larger"), (0, 0, 10_000_000, "larger"), (9, 49, 0, "larger"),
        (10, 0, 0, "major"), (0, 50, 0, "major"), (29, 99, 99_999_999, "major"),
        (30, 0, 0, "grave"), (0, 100, 0, "grave"), (0, 0, 100_000_000, "grave"),
    ],
)  # fmt: skip
def test_order_493_grading(deaths, serious, loss, grade):
    assert incidents.grade_for(deaths, serious, loss) == grade


def _incident(actor, area, *, on=None, deaths=0, serious=0, sector="fire"):
    return incidents.incident_record(actor=actor, data=incidents.IncidentInput(
        occurred_on=on or timezone.localdate(), area=area.code, sector=sector, cause="fire",
        deaths=deaths, serious_injuries=serious))  # fmt: skip


def test_record_an_incident(inspector, areas, make_user):
    i = _incident(inspector, areas.t1c1g1, deaths=3)
    assert i.grade == "larger" and i.serious and i.handling_area == areas.t1
    assert not _incident(inspector, areas.t1c1g1, deaths=2, serious=9).serious
    assert AuditEvent.objects.filter(action="incident.record", object_id=str(i.pk)).exists()
    with pytest.raises(Forbidden):
        _incident(make_user("inspector", areas.t2, username="insp_t2"), areas.t1c1g1)
    with pytest.raises(ValidationFailed):
        _incident(inspector, areas.t1c1g1, on=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(Forbidden):
        _incident(make_user("resident", areas.t1c1g1, username="res_x"), areas.t1c1g1)
    assert Incident.objects.count() == 2


def test_incidents_page_records_and_lists(inspector, areas):
    c = Client()
    c.force_login(inspector)
    r = c.post("/safety/incidents/", {
        "occurred_on": timezone.localdate().isoformat(), "area": areas.t1c1g1.code,
        "sector": "construction", "cause": "fall", "deaths": "0", "serious_injuries": "12",
        "direct_loss": "0", "summary": "Scaffold collapse at the east site."})  # fmt: skip
    assert r.status_code == 302
    assert Incident.objects.get().grade == "larger"
    html = c.get("/safety/incidents/").content.decode()
    assert "Larger accident" in html and "Fall from height" in html
    bad = c.post("/safety/incidents/", {"occurred_on": "", "area": areas.t1c1g1.code})
    assert bad.status_code == 422 and Incident.objects.count() == 1


def _plant(report, inspector, areas):
    """T1C1: 5 hazards with deadlines (1 closed on time, 3 major overdue), 1 rejected;
    T1C2: 1 hazard; T2: 1 hazard (outside). A larger accident in T1C1 this year, a general
    one in T1C2, and a larger one in T1C2 last year."""
    today = timezone.localdate()
    now = timezone.now()
    ahead, past = today + dt.timedelta(days=5), today - dt.timedelta(days=10)
    plan = [
        (areas.t1c1g1, {"status": "closed", "deadline": ahead, "closed_at": now}),
        (areas.t1c1g1, {"status": "closed", "deadline": past, "closed_at": now, "grade": "major"}),
        (areas.t1c1g1, {"status": "rectifying", "deadline": ahead}),
        (areas.t1c1g1, {"status": "rectifying", "deadline": past, "grade": "major"}),
        (areas.t1c1g2, {"status": "rectification_ordered", "deadline": past, "grade": "major"}),
        (areas.t1c1g1, {"status": "rejected"}),
        (areas.t1c2g1, {"status": "reported"}),
        (areas.t2c1g1, {"status": "reported"}),
    ]
    for area, fields in plan:
        h, _ = report(area=area.code)
        Hazard.objects.filter(pk=h.pk).update(**fields)
    _incident(inspector, areas.t1c1g1, deaths=3)
    _incident(inspector, areas.t1c2g1, deaths=1)
    _incident(inspector, areas.t1c2g1, deaths=5, on=dt.date(today.year - 1, 6, 1))


def test_assessment_figures_suppression_and_veto(report, inspector, areas, settings):
    settings.ACCORD_MIN_CELL = 3
    _plant(report, inspector, areas)
    today = timezone.localdate()
    out = assessment.assessment(actor=inspector, year=today.year, today=today)
    by = {r["code"]: r for r in out["areas"]}
    assert set(by) == {areas.t1c1.code, areas.t1c2.code}
    c1, c2 = by[areas.t1c1.code], by[areas.t1c2.code]
    assert c1 == {"code": areas.t1c1.code, "name": areas.t1c1.name(), "hazards": 5,
                  "on_time_pct": 20, "incidents": None, "overdue_majors": 3, "veto": True}  # fmt: skip
    # One hazard, one incident: below the floor, not shown; last year's accident is not this year's.
    assert c2["hazards"] is None and c2["on_time_pct"] is None and c2["incidents"] is None
    assert c2["veto"] is False
    units = {r["code"]: r for r in out["units"]}
    assert set(units) == {areas.t1.code}
    assert units[areas.t1.code]["hazards"] == 6 and units[areas.t1.code]["veto"] is True
    last = assessment.assessment(actor=inspector, year=today.year - 1, today=today)
    assert {r["code"]: r["veto"] for r in last["areas"]}[areas.t1c2.code] is True
    settings.ACCORD_MIN_CELL = 1
    out = assessment.assessment(actor=inspector, year=today.year, today=today)
    assert {r["code"]: r["incidents"] for r in out["areas"]} == {areas.t1c1.code: 1,
                                                                 areas.t1c2.code: 1}  # fmt: skip


def test_assessment_page_in_both_languages(report, inspector, areas, make_user, settings):
    settings.ACCORD_MIN_CELL = 3
    _plant(report, inspector, areas)
    c = Client()
    c.force_login(inspector)
    html = c.get("/safety/assessment/").content.decode()
    assert "Vetoed" in html and "20%" in html
    c.cookies["django_language"] = "zh-hans"
    html = c.get("/safety/assessment/?year=abc").content.decode()
    assert "一票否决" in html and "年度安全生产责任制考核" in html
    resident = Client()
    resident.force_login(make_user("resident", areas.t1c1g1, username="res_y"))
    assert resident.get("/safety/assessment/").status_code == 403
