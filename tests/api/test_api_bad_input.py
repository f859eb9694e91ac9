"""Bad input, each kind: a 4xx JSON {"detail", "code"} and nothing written. Plus a seeded
fuzz over random JSON bodies: never a 500."""

from __future__ import annotations

import json
import random

import pytest

from accord.cases.models import Case, CaseEvent, Party
from accord.core.models import AuditEvent
from factories import ApiClient

pytestmark = pytest.mark.django_db


def valid(**kw):
    body = {
        "category": "neighbour",
        "area": "T1C1G1",
        "description": "A dog barks all night next door.",
        "parties": [{"role": "applicant", "kind": "person", "name": "Li Wei"}],
    }
    body.update(kw)
    return body


def without(key):
    body = valid()
    del body[key]
    return body


def counts():
    return (
        Case.objects.count(),
        Party.objects.count(),
        CaseEvent.objects.count(),
        AuditEvent.objects.count(),
    )


def assert_refused(response, before, status=None):
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    if status:
        assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code"}, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["code"], str) and body["code"]
    assert counts() == before, "a refused request writes nothing"
    return body


PARTY = {"role": "respondent", "kind": "person", "name": "X"}

BAD_CASES = {
    "unknown category": (valid(category="aliens"), 422, "unknown_category"),
    "unknown area": (valid(area="ATLANTIS"), 422, "unknown_area"),
    "missing category": (without("category"), 422, None),
    "missing area": (without("area"), 422, None),
    "missing description": (without("description"), 422, None),
    "empty body": ({}, 422, None),
    "blank description": (valid(description="   \n "), 422, "missing_description"),
    "people_count as text": (valid(people_count="many"), 422, None),
    "people_count zero": (valid(people_count=0), 422, None),
    "people_count huge": (valid(people_count=10**30), 422, None),
    "description as object": (valid(description={"text": "hi"}), 422, None),
    "parties as string": (valid(parties="Li Wei"), 422, None),
    "party without name": (valid(parties=[{"role": "applicant"}]), 422, None),
    "party with unknown role": (valid(parties=[dict(PARTY, role="judge")]), 422, None),
    "flag as list": (valid(risk_of_violence=[1]), 422, None),
    "amount as text": (valid(amount="a lot"), 422, None),
    "extra field status": (valid(status="closed"), 422, None),
    "extra field tier": (valid(tier="county"), 422, None),
    "extra field filed_by": (valid(filed_by=1), 422, None),
    "extra field in a party": (valid(parties=[dict(PARTY, id=3)]), 422, None),
    "description too long": (valid(description="x" * 5001), 422, None),
    "too many parties": (valid(parties=[PARTY] * 51), 422, None),
    "negative amount": (valid(amount=-1), 422, None),
    "amount with 3 decimals": (valid(amount="10.005"), 422, None),
    "amount too big": (valid(amount=10**15), 422, None),
    "unknown channel": (valid(channel="telepathy"), 422, None),
    "NUL in description": (valid(description="noise\x00at night"), 422, None),
    "NUL in party name": (valid(parties=[dict(PARTY, name="Li\x00")]), 422, None),
    "JSON array": ([valid()], 422, None),
    "JSON string": ("neighbour", 422, None),
    "JSON null": (None, 422, None),
}


@pytest.mark.parametrize("name", list(BAD_CASES))
def test_bad_case_bodies_are_refused(areas, api, name):
    body, status, code = BAD_CASES[name]
    before = counts()
    raw = json.dumps(body)
    out = assert_refused(api.post("cases", raw=raw), before, status)
    if code:
        assert out["code"] == code


@pytest.mark.parametrize(
    "raw",
    ['{"category": "neighbour",', "{bad json}", "", "\xff\xfe", "[" * 50_000, '{"a": NaN}'],
    ids=["truncated", "not-json", "empty", "bad-utf8", "deep-nesting", "nan"],
)
def test_malformed_bodies_are_refused(areas, api, raw):
    before = counts()
    assert_refused(api.post("cases", raw=raw.encode("latin-1")), before)


def test_oversized_request_is_refused(areas, api):
    before = counts()
    raw = json.dumps(valid(description="x" * (2 * 1024 * 1024)))
    r = api.post("cases", raw=raw)
    assert 400 <= r.status_code < 500
    assert counts() == before


def test_boundaries_are_accepted(areas, api):
    r = api.post("cases", valid(description="x" * 5000, parties=[PARTY] * 50, amount=0))
    assert r.status_code == 201, r.content


def test_anonymous_filing_refused_where_the_category_needs_login(areas, api):
    before = counts()
    body = assert_refused(api.post("cases", valid(category="family")), before, 403)
    assert body["code"] == "login_required"


# --- transitions --------------------------------------------------------------------------------


@pytest.fixture
def filed(areas, api, coordinator, api_for):
    ref = api.post("cases", valid()).json()["reference"]
    client = api_for(coordinator)
    for action in ("accept", "assign", "start"):
        assert client.transition(ref, action).status_code == 200
    return ref, client


BAD_TRANSITIONS = {
    "unknown action": ({"action": "teleport"}, 422),
    "missing action": ({"note": "hi"}, 422),
    "empty action": ({"action": ""}, 422),
    "action as number": ({"action": 3}, 422),
    "extra field": ({"action": "resolve", "note": "ok", "status": "closed"}, 422),
    "note too long": ({"action": "resolve", "note": "x" * 5001}, 422),
    "note with NUL": ({"action": "resolve", "note": "ok\x00"}, 422),
    "guard: no note": ({"action": "resolve"}, 422),
    "not in this state": ({"action": "close"}, 409),
    "assign to a stranger": ({"action": "assign", "assignee": "ghost"}, 409),
    "JSON array": ([{"action": "resolve", "note": "x"}], 422),
}


@pytest.mark.parametrize("name", list(BAD_TRANSITIONS))
def test_bad_transition_bodies_are_refused(filed, name):
    ref, client = filed
    body, status = BAD_TRANSITIONS[name]
    before = counts()
    assert_refused(client.post(f"cases/{ref}/transitions", raw=json.dumps(body)), before, status)
    assert Case.objects.get(reference=ref).status == "in_progress"


@pytest.mark.parametrize("satisfaction", [0, 6, -1, 100, "great", 3.5])
def test_satisfaction_out_of_range(filed, satisfaction):
    ref, client = filed
    client.transition(ref, "resolve", note="agreed")
    before = counts()
    r = client.transition(ref, "follow_up", satisfaction=satisfaction, agreement_performed=True)
    assert_refused(r, before, 422)
    assert Case.objects.get(reference=ref).status == "resolved"


def test_malformed_transition_body(filed):
    ref, client = filed
    before = counts()
    assert_refused(client.post(f"cases/{ref}/transitions", raw="{action: resolve"), before)


# --- fuzz ---------------------------------------------------------------------------------------

KEYS = [
    "category", "area", "description", "parties", "people_count", "amount", "channel",
    "risk_of_violence", "vulnerable_party", "status", "tier", "", "__proto__",
]  # fmt: skip


def random_value(rng: random.Random, depth: int = 0):
    kinds = ["str", "int", "float", "bool", "none", "bigint", "unicode", "numstr"]
    if depth < 3:
        kinds += ["list", "dict", "party"]
    kind = rng.choice(kinds)
    if kind == "str":
        return rng.choice(["", " ", "neighbour", "T1C1G1", "x" * rng.randint(0, 6000), "null"])
    if kind == "int":
        return rng.randint(-5, 200_000)
    if kind == "float":
        return rng.choice([0.1, -0.0, 1e308, -1e-308, 12345678.999, 3.14159])
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "none":
        return None
    if kind == "bigint":
        return rng.choice([2**63, -(2**63) - 1, 10**40])
    if kind == "unicode":
        return "".join(
            chr(rng.choice([0x4E00, 0x1F600, 0x202E, 0xFEFF, 0x7F, 0x00, 0x41])) for _ in range(8)
        )
    if kind == "numstr":
        return rng.choice(["1e400", "NaN", "-Infinity", "0x10", "1_000", "١٢٣"])
    if kind == "list":
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if kind == "party":
        return [
            {"role": rng.choice(["applicant", "respondent", "x"]), "name": random_value(rng, 3)}
        ]
    return {rng.choice(KEYS): random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def random_body(rng: random.Random):
    roll = rng.random()
    if roll < 0.1:
        return random_value(rng, 2)  # not an object at all
    body = valid() if roll < 0.6 else {}
    for _ in range(rng.randint(1, 4)):
        body[rng.choice(KEYS)] = random_value(rng)
    if rng.random() < 0.3:
        body.pop(rng.choice(list(body) or ["x"]), None)
    return body


@pytest.mark.parametrize("seed", range(8))
def test_random_bodies_never_500(areas, seed):
    rng = random.Random(seed)
    client = ApiClient()
    for _ in range(25):
        body = random_body(rng)
        raw = json.dumps(body)
        before = counts()
        r = client.post("cases", raw=raw)
        assert r.status_code < 500, (r.status_code, raw[:300], r.content[:300])
        assert r["Content-Type"].startswith("application/json")
        if r.status_code == 201:
            assert counts()[0] == before[0] + 1
            assert r.json()["status"] == "registered"
        else:
            assert 400 <= r.status_code < 500, raw[:300]
            assert set(r.json()) == {"detail", "code"}
            assert counts() == before, raw[:300]
