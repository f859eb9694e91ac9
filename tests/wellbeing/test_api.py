"""The API: public screening, danger button and requests; counsellors' alerts and queue."""

from __future__ import annotations

from accord.core.models import AccessEvent, AuditEvent
from accord.wellbeing.models import CounsellingRequest, CrisisAlert, Screening

PHQ_OK = [1, 1, 0, 0, 1, 0, 0, 0, 0]
PHQ_ITEM9 = [0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_screening_without_consent_stores_nothing(network, areas, api):
    before = AuditEvent.objects.count()
    r = api.post("wellbeing/screenings", {"instrument": "phq9", "answers": PHQ_OK, "area": "T1"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["total"], body["band"], body["stored"], body["alert"]) == (
        3,
        "minimal",
        False,
        None,
    )
    assert "not a diagnosis" in body["not_a_diagnosis"] and body["hotline"] == "12356"
    assert Screening.objects.count() == 0 and CrisisAlert.objects.count() == 0
    assert AuditEvent.objects.count() == before  # nothing at all was written


def test_item9_without_consent_raises_an_alert_with_nothing_of_the_answers(network, areas, api):
    r = api.post("wellbeing/screenings", {"instrument": "phq9", "answers": PHQ_ITEM9,
                                          "area": "T1C1", "submission_key": "abc"})  # fmt: skip
    body = r.json()
    assert body["crisis"] and body["level"] == "urgent" and body["alert"]
    assert Screening.objects.count() == 0
    alert = CrisisAlert.objects.get()
    assert (alert.area.code, alert.level, alert.contact) == ("T1C1", "urgent", "")
    # resending the same submission finds the same alert
    again = api.post("wellbeing/screenings", {"instrument": "phq9", "answers": PHQ_ITEM9,
                                              "area": "T1C1", "submission_key": "abc"})  # fmt: skip
    assert again.json()["alert"] == body["alert"] and CrisisAlert.objects.count() == 1


def test_consented_screening_is_stored_encrypted_and_withdrawal_deletes_it(network, areas, api):
    r = api.post("wellbeing/screenings", {"instrument": "gad7", "answers": [3, 3, 3, 3, 3, 0, 0],
                                          "consent": True, "area": "T1"})  # fmt: skip
    body = r.json()
    assert body["stored"] and body["band"] == "severe" and body["level"] == "high"
    s = Screening.objects.get()
    assert '"items": [3, 3, 3, 3, 3, 0, 0]' in s.answers
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT answers FROM wellbeing_screening")
        raw = cur.fetchone()[0]
    assert raw.startswith("ac1:") and "3, 3" not in raw
    assert api.post("wellbeing/screenings/withdraw", {"code": "WRONGCODE"}).status_code == 404
    w = api.post("wellbeing/screenings/withdraw", {"code": body["withdraw_code"]})
    assert w.status_code == 200 and w.json() == {"deleted": 1}
    assert Screening.objects.count() == 0


def test_bad_input_is_a_clear_4xx(network, api):
    for body in (
        {"instrument": "phq9", "answers": [0] * 8},
        {"instrument": "phq9", "answers": [0] * 8 + [4]},
        {"instrument": "phq9", "answers": [True] + [0] * 8},
        {"instrument": "phq9", "answers": [0] * 9, "diagnosis": "x"},
        {"instrument": "phq9", "answers": [0] * 9, "area": "NOPE"},
        {"instrument": "bdi", "answers": [0] * 9},
    ):
        r = api.post("wellbeing/screenings", body)
        assert r.status_code == 422, (body, r.content)
        assert set(r.json()) >= {"detail", "code"}


def test_danger_and_the_alert_board(network, areas, api, api_for):
    r = api.post("wellbeing/danger", {"area": "T1C1G1", "contact": "13800000000"})
    assert r.status_code == 201 and r.json()["emergency"] == "120"
    ref = r.json()["alert"]
    board = api_for(network.c1).get("wellbeing/alerts").json()
    assert [a["reference"] for a in board] == [ref]
    assert board[0]["contact"] == "13800000000" and board[0]["actions"] == ["acknowledge",
                                                                             "hand_over"]  # fmt: skip
    assert AccessEvent.objects.filter(action="wellbeing.alert.list", actor_id=network.c1.pk)
    assert api_for(network.c_t2).get("wellbeing/alerts").json() == []  # another township
    foreign = api_for(network.c_t2).post(f"wellbeing/alerts/{ref}/transitions",
                                         {"action": "acknowledge"})  # fmt: skip
    assert foreign.status_code == 404
    ok = api_for(network.c1).post(f"wellbeing/alerts/{ref}/transitions", {"action": "acknowledge"})
    assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"
    again = api_for(network.c1).post(f"wellbeing/alerts/{ref}/transitions",
                                     {"action": "acknowledge"})  # fmt: skip
    assert again.status_code == 409


def test_request_goes_to_the_nearest_unit_queue(network, areas, api, api_for, make_user):
    r = api.post("wellbeing/requests", {"area": "T1C1G1", "mode": "phone", "contact": "139"})
    assert r.status_code == 201 and r.json()["unit"] == "U-T1"
    bad = api.post("wellbeing/requests", {"area": "T2C1", "mode": "in_person", "contact": "1"})
    assert bad.status_code == 422 and bad.json()["code"] == "no_unit"
    queue = api_for(network.c2).get("wellbeing/requests").json()
    assert [q["reference"] for q in queue] == [r.json()["reference"]]
    assert api_for(network.c_t2).get("wellbeing/requests").json() == []
    mediator = make_user("mediator", areas.t1)
    assert api_for(mediator).get("wellbeing/requests").status_code == 403
    ref = r.json()["reference"]
    sched = api_for(network.c2).post(
        f"wellbeing/requests/{ref}/transitions",
        {"action": "schedule", "counsellor": "c2", "appointment_at": "2099-01-05T10:00:00+08:00"},
    )
    assert sched.status_code == 200, sched.content
    assert CounsellingRequest.objects.get().counsellor == network.c2


def test_requests_are_routed_to_a_station_before_a_school_office(network, areas, api):
    from accord.wellbeing.models import Unit

    Unit.objects.create(code="A-SCHOOL", kind="school", name_en="School", name_zh="学校",
                        area=areas.t1, hours={"always": True}, services=["in_person"])  # fmt: skip
    r = api.post("wellbeing/requests", {"area": "T1C1", "mode": "in_person", "contact": "1"})
    assert r.json()["unit"] == "U-T1"


def test_aggregates_suppress_small_cells_and_stay_in_jurisdiction(network, areas, api, api_for,
                                                                   make_user):  # fmt: skip
    for _ in range(12):
        api.post("wellbeing/danger", {"area": "T1C1"})
    for _ in range(3):
        api.post("wellbeing/danger", {"area": "T2C1"})
    analyst = make_user("analyst", areas.county)
    rows = api_for(analyst).get("wellbeing/aggregates").json()["rows"]
    alerts = {r["area"]: r for r in rows if r["measure"] == "crisis_alerts"}
    assert alerts["T1"]["count"] == 12 and not alerts["T1"]["suppressed"]
    assert alerts["T2"]["count"] is None and alerts["T2"]["suppressed"]
    t1_analyst = make_user("analyst", areas.t1, username="a_t1")
    mine = api_for(t1_analyst).get("wellbeing/aggregates").json()["rows"]
    assert {r["area"] for r in mine} == {"T1"}
    assert api_for(make_user("mediator", areas.t1)).get("wellbeing/aggregates").status_code == 403
    assert "contact" not in str(rows) and "reference" not in str(rows)


def test_fhir_export_of_ones_own_screening(network, api):
    r = api.post("wellbeing/screenings", {"instrument": "phq9", "answers": [1, 2, 0, 0, 1, 0, 0, 0, 0],
                                          "difficulty": 1, "consent": True})  # fmt: skip
    code = r.json()["withdraw_code"]
    fhir = api.post("wellbeing/screenings/export", {"code": code}).json()
    assert fhir["resourceType"] == "QuestionnaireResponse" and fhir["status"] == "completed"
    assert fhir["questionnaire"].endswith("44249-1")
    values = {i["linkId"]: i["answer"][0]["valueInteger"] for i in fhir["item"]}
    assert values["phq9-2"] == 2 and values["phq9-difficulty"] == 1 and values["phq9-total"] == 4
    assert api.post("wellbeing/screenings/export", {"code": "NOTACODE"}).status_code == 404
    assert AccessEvent.objects.filter(action="wellbeing.screening.export").count() == 1
