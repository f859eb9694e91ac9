"""The /api/v1/ case endpoints end to end: filing, the workflow, scoping, filters, tracking."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.cases.models import Case
from accord.core.models import AuditEvent
from factories import ApiClient

pytestmark = pytest.mark.django_db

WALK = [
    ("accept", {}),
    ("assign", {}),
    ("start", {}),
    ("record_attempt", {"note": "first meeting, no agreement"}),
    ("resolve", {"note": "agreement signed"}),
    ("follow_up", {"satisfaction": 5, "agreement_performed": True}),
    ("close", {}),
]


def payload(**kw):
    body = {
        "category": "neighbour",
        "area": "T1C1G1",
        "description": "Water leaks from the flat upstairs into my kitchen.",
        "parties": [
            {"role": "applicant", "kind": "person", "name": "Li Wei", "contact": "13800000000"},
            {"role": "respondent", "kind": "person", "name": "Zhang Min"},
        ],
    }
    body.update(kw)
    return body


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    if code:
        assert body["code"] == code
    return body


@pytest.fixture
def coord_api(coordinator, api_for):
    return api_for(coordinator)


# --- reference data and health -----------------------------------------------------------------


def test_areas_are_public(areas, api):
    r = api.get("areas")
    assert r.status_code == 200
    rows = {a["code"]: a for a in r.json()}
    assert set(rows) == {a.code for a in areas.all()}
    assert rows["T1C1G1"]["level"] == "grid" and rows["T1C1G1"]["parent"] == "T1C1"
    assert rows["C"]["parent"] is None
    assert [a["code"] for a in api.get("areas", level="township").json()] == ["T1", "T2"]
    assert {a["code"] for a in api.get("areas", parent="T1").json()} == {"T1C1", "T1C2"}


def test_categories_are_public(db, api):
    r = api.get("categories")
    assert r.status_code == 200
    cats = {c["code"]: c for c in r.json()}
    assert len(cats) == 12
    assert cats["labour"]["default_tier"] == "township"
    assert cats["family"]["allow_anonymous"] is False
    zh = api.get("categories", headers={"Accept-Language": "zh-hans"}).json()
    assert {c["code"]: c["name"] for c in zh}["neighbour"] == "邻里纠纷"


def test_health_and_schema(db, api):
    for path in ("/healthz", "healthz"):
        r = api.get(path)
        assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = api.get("openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/cases" in paths and "/api/v1/cases/{reference}/transitions" in paths


# --- filing ------------------------------------------------------------------------------------


def test_anonymous_filing(areas, api):
    r = api.post("cases", payload())
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["reference"].startswith("AC-")
    assert body["status"] == "registered"
    assert body["tier"] == "community"
    assert body["handling_area"] == "T1C1"
    assert body["routing_explanation"] and "Neighbour" in body["routing_explanation"][0]
    assert len(body["tracking_secret"]) >= 12
    assert body["channel"] == "api"
    case = Case.objects.get(reference=body["reference"])
    assert case.filed_by is None
    assert case.tracking_secret_hash != body["tracking_secret"]
    assert case.parties.count() == 2


def test_token_filing_links_the_resident(areas, resident, api_for):
    r = api_for(resident).post("cases", payload(people_count=12))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["tier"] == "township"
    assert len(body["routing_explanation"]) == 2
    assert Case.objects.get(reference=body["reference"]).filed_by == resident
    assert set(body["allowed_actions"]) == {"escalate", "withdraw"}


def test_routing_explanation_in_chinese(areas, api):
    r = api.post("cases", payload(), headers={"Accept-Language": "zh-hans"})
    assert r.status_code == 201
    assert "邻里纠纷" in r.json()["routing_explanation"][0]


# --- the whole walk ---------------------------------------------------------------------------


def test_full_walk_to_closed_and_events(areas, api, coordinator, coord_api):
    ref = api.post("cases", payload()).json()["reference"]
    for action, extra in WALK:
        r = coord_api.transition(ref, action, **extra)
        assert r.status_code == 200, (action, r.content)
    body = coord_api.get(f"cases/{ref}").json()
    assert body["status"] == "closed"
    assert body["satisfaction"] == 5 and body["closed_at"]
    assert body["allowed_actions"] == ["archive", "reopen"]

    events = coord_api.get(f"cases/{ref}/events").json()
    assert [e["action"] for e in events] == ["register"] + [a for a, _ in WALK]
    assert [e["to_status"] for e in events] == [
        "registered", "accepted", "assigned", "in_progress", "in_progress", "resolved",
        "follow_up", "closed",
    ]  # fmt: skip
    assert all(e["actor"] == coordinator.username for e in events[1:])
    assert events[0]["actor"] is None
    assert events[4]["note"] == "first meeting, no agreement"
    assert AuditEvent.objects.filter(object_id=ref).count() == len(WALK) + 1


def test_refused_transitions_are_json_errors(areas, api, make_user, api_for, coord_api):
    ref = api.post("cases", payload()).json()["reference"]
    plain = api_for(make_user("mediator", areas.t1))
    before = AuditEvent.objects.count()
    assert_error(coord_api.transition(ref, "close"), 409, "transition_state")
    assert_error(coord_api.transition(ref, "reject"), 422, "transition_guard")  # no note
    assert_error(coord_api.transition(ref, "teleport"), 422, "transition_unknown")
    coord_api.transition(ref, "accept")
    coord_api.transition(ref, "assign")
    assert "start" not in plain.get(f"cases/{ref}").json()["allowed_actions"]
    assert_error(plain.transition(ref, "start"), 403, "transition_role")
    assert AuditEvent.objects.count() == before + 2
    assert Case.objects.get(reference=ref).status == "assigned"


def test_allowed_actions_differ_by_role(areas, make_user, api_for, coordinator, resident):
    r = api_for(resident).post("cases", payload())
    ref = r.json()["reference"]
    seen = {
        "coordinator": api_for(coordinator),
        "mediator": api_for(make_user("mediator", areas.t1c1)),
        "resident": api_for(resident),
    }
    actions = {k: set(c.get(f"cases/{ref}").json()["allowed_actions"]) for k, c in seen.items()}
    assert actions["resident"] == {"escalate", "withdraw"}
    assert actions["coordinator"] == {"accept", "reject", "redirect", "escalate", "withdraw"}
    assert actions["mediator"] == actions["coordinator"]
    seen["coordinator"].transition(ref, "accept")
    seen["coordinator"].transition(ref, "assign", assignee=None)
    after = {k: set(c.get(f"cases/{ref}").json()["allowed_actions"]) for k, c in seen.items()}
    assert "start" in after["coordinator"]  # coordinator (and assignee)
    assert "start" not in after["mediator"]
    assert after["resident"] == {"escalate", "withdraw"}


def test_resident_escalation_through_the_api(areas, resident, api_for):
    client = api_for(resident)
    ref = client.post("cases", payload()).json()["reference"]
    r = client.transition(ref, "escalate")
    assert r.status_code == 200, r.content
    assert r.json()["tier"] == "township" and r.json()["handling_area"] == "T1"
    assert "asked for escalation" in r.json()["routing_explanation"][-1]


# --- scoping -----------------------------------------------------------------------------------


def test_other_townships_cannot_see_the_case(areas, api, make_user, api_for):
    ref = api.post("cases", payload()).json()["reference"]
    other = api_for(make_user("mediator", areas.t2))
    r = other.get("cases")
    assert r.status_code == 200 and r.json() == {"items": [], "count": 0}
    before = (Case.objects.get(reference=ref).status, AuditEvent.objects.count())
    assert_error(other.get(f"cases/{ref}"), 404, "not_found")
    assert_error(other.get(f"cases/{ref}/events"), 404, "not_found")
    assert_error(other.transition(ref, "accept"), 404, "not_found")
    assert (Case.objects.get(reference=ref).status, AuditEvent.objects.count()) == before


def test_county_sees_all_townships(areas, api, make_user, api_for):
    api.post("cases", payload(area="T1C1G1"))
    api.post("cases", payload(area="T2C1G1"))
    county = api_for(make_user("county_supervisor", areas.county))
    assert county.get("cases").json()["count"] == 2
    t1 = api_for(make_user("township_coordinator", areas.t1))
    assert [c["area"] for c in t1.get("cases").json()["items"]] == ["T1C1G1"]


def test_residents_see_only_their_own_cases(areas, api, make_user, api_for, resident):
    mine = api_for(resident)
    ref = mine.post("cases", payload()).json()["reference"]
    api.post("cases", payload())  # someone else's, same grid
    other_resident = api_for(make_user("resident", areas.t1c1g1))
    other_resident.post("cases", payload())
    r = mine.get("cases").json()
    assert r["count"] == 1 and r["items"][0]["reference"] == ref
    assert mine.get(f"cases/{ref}/events").status_code == 200
    assert_error(other_resident.get(f"cases/{ref}"), 404)
    assert other_resident.get("cases").json()["count"] == 1


def test_analysts_see_no_cases(areas, api, make_user, api_for):
    ref = api.post("cases", payload()).json()["reference"]
    analyst = api_for(make_user("analyst", areas.city))
    assert analyst.get("cases").json()["count"] == 0
    assert_error(analyst.get(f"cases/{ref}"), 404)


# --- filters and pagination -------------------------------------------------------------------


@pytest.fixture
def spread(areas, api, coord_api):
    """Five cases: 2 neighbour community (T1C1G1), 1 labour township (T1C2G1),
    1 violent neighbour (T1C1G2), 1 neighbour in T2 (outside T1)."""
    refs = {
        "a": api.post("cases", payload()).json()["reference"],
        "b": api.post("cases", payload()).json()["reference"],
        "labour": api.post("cases", payload(category="labour", area="T1C2G1")).json()["reference"],
        "violent": api.post("cases", payload(area="T1C1G2", risk_of_violence=True)).json()[
            "reference"
        ],
        "t2": api.post("cases", payload(area="T2C1G1")).json()["reference"],
    }
    coord_api.transition(refs["b"], "accept")
    return refs


def refs_of(client, **params) -> set[str]:
    r = client.get("cases", **params)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["count"] == len(body["items"])
    return {c["reference"] for c in body["items"]}


def test_filters(spread, coord_api):
    s = spread
    assert refs_of(coord_api) == {s["a"], s["b"], s["labour"], s["violent"]}
    assert refs_of(coord_api, status="accepted") == {s["b"]}
    assert refs_of(coord_api, status="registered") == {s["a"], s["labour"], s["violent"]}
    assert refs_of(coord_api, tier="township") == {s["labour"], s["violent"]}
    assert refs_of(coord_api, category="labour") == {s["labour"]}
    assert refs_of(coord_api, area="T1C1") == {s["a"], s["b"], s["violent"]}
    assert refs_of(coord_api, area="T1C1G2") == {s["violent"]}
    assert refs_of(coord_api, area="T2") == set()  # outside the jurisdiction
    assert refs_of(coord_api, category="labour", status="accepted") == set()


def test_overdue_filter(spread, coord_api):
    past = dt.date.today() - dt.timedelta(days=3)
    Case.objects.filter(reference=spread["a"]).update(deadline=past)
    Case.objects.filter(reference=spread["labour"]).update(deadline=past, clock_suspended=True)
    assert refs_of(coord_api, overdue="true") == {spread["a"]}
    assert spread["a"] not in refs_of(coord_api, overdue="false")
    item = next(c for c in coord_api.get("cases").json()["items"] if c["reference"] == spread["a"])
    assert item["colour"] == "red"


def test_pagination(spread, coord_api):
    full = coord_api.get("cases").json()
    order = [c["reference"] for c in full["items"]]
    assert full["count"] == 4
    page1 = coord_api.get("cases", limit=2, offset=0).json()
    page2 = coord_api.get("cases", limit=2, offset=2).json()
    page3 = coord_api.get("cases", limit=2, offset=4).json()
    assert set(page1) == {"items", "count"}
    assert (page1["count"], page2["count"], page3["count"]) == (4, 4, 4)
    assert [c["reference"] for c in page1["items"] + page2["items"]] == order
    assert page3["items"] == []
    for bad in (dict(limit=0), dict(limit=501), dict(offset=-1), dict(limit="many")):
        assert_error(coord_api.get("cases", **bad), 422)


# --- public tracking ----------------------------------------------------------------------------


def test_track_with_the_secret(areas, api, coord_api):
    created = api.post("cases", payload()).json()
    ref, secret = created["reference"], created["tracking_secret"]
    coord_api.transition(ref, "accept")
    coord_api.transition(ref, "assign")
    coord_api.transition(ref, "start")
    coord_api.transition(ref, "record_attempt", note="SECRET-NOTE spoke to Zhang Min")
    r = api.post("track", {"reference": ref, "secret": secret})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "in_progress"
    assert [e["action"] for e in body["timeline"]] == [
        "register", "accept", "assign", "start", "record_attempt",
    ]  # fmt: skip
    text = r.content.decode()
    for private in ("SECRET-NOTE", "Zhang Min", "Li Wei", "13800000000", "coord_t1", "Water leaks"):
        assert private not in text, private


def test_track_with_a_wrong_secret_or_reference(areas, api):
    created = api.post("cases", payload()).json()
    ref, secret = created["reference"], created["tracking_secret"]
    wrong_secret = assert_error(api.post("track", {"reference": ref, "secret": "nope"}), 404)
    wrong_ref = assert_error(
        api.post("track", {"reference": "AC-1999-0000001", "secret": secret}), 404
    )
    assert wrong_secret == wrong_ref  # no hint which part was wrong
    assert_error(api.post("track", {"reference": ref}), 422)


# --- authentication -----------------------------------------------------------------------------


PROTECTED = [
    ("get", "cases"),
    ("get", "cases/{ref}"),
    ("get", "cases/{ref}/events"),
    ("post", "cases/{ref}/transitions"),
]


@pytest.mark.parametrize("method,path", PROTECTED)
def test_protected_endpoints_need_a_valid_token(areas, api, coordinator, method, path):
    from django.utils import timezone

    from accord.accounts.models import ApiToken
    from accord.accounts.services import token_create

    ref = api.post("cases", payload()).json()["reference"]
    url = path.format(ref=ref)
    token = token_create(actor=None, user=coordinator)

    def call(client):
        if method == "get":
            return client.get(url)
        return client.post(url, {"action": "accept"})

    assert_error(call(ApiClient()), 401, "unauthenticated")
    assert_error(call(ApiClient("acc_not-a-real-token")), 401, "unauthenticated")
    assert_error(call(ApiClient(token + "x")), 401)
    assert call(ApiClient(token)).status_code == 200
    ApiToken.objects.update(revoked_at=timezone.now())
    assert_error(call(ApiClient(token)), 401, "unauthenticated")


def test_bad_token_on_public_filing_is_401_not_anonymous(areas):
    r = ApiClient("acc_forged").post("cases", payload())
    assert_error(r, 401)
    assert Case.objects.count() == 0
