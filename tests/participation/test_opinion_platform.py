"""The opinion map in the platform: one vote per person and statement under a pseudonym,
no stored link to the account, small groups hidden, and no participant-to-group mapping or
position in any page or API response."""

from __future__ import annotations

import json

import numpy as np
import pytest
from django.test import Client
from helpers import open_consultation

from accord.analytics.opinion import planted_votes
from accord.core.models import AuditEvent
from accord.participation import pseudonyms
from accord.participation import statements as st
from accord.participation.models import OpinionMap, Statement, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapped(areas, coordinator):
    c = open_consultation(coordinator, "T1", allow_statements=True)
    votes, camp = planted_votes(3, 40, 12, missing=0.2, seed=2, lean=0.9)
    stmts = [
        st.statement_add(consultation=c, pseudonym=f"author{j}", text=f"Statement {j}")
        for j in range(12)
    ]
    rows = []
    for i in range(votes.shape[0]):
        p = pseudonyms.pseudonym(c.salt, session_id=f"voter{i}")
        for j in range(votes.shape[1]):
            if not np.isnan(votes[i, j]):
                rows.append(Vote(statement=stmts[j], pseudonym=p, value=int(votes[i, j])))
    Vote.objects.bulk_create(rows)
    om = st.map_compute(consultation=c)
    return c, om


def test_pseudonyms_differ_per_consultation_and_are_not_the_account(areas, coordinator, resident):
    a = open_consultation(coordinator, "T1", allow_statements=True)
    b = open_consultation(coordinator, "T1", allow_statements=True)
    pa, pb = (
        pseudonyms.pseudonym(a.salt, user=resident),
        pseudonyms.pseudonym(b.salt, user=resident),
    )
    assert pa != pb and len(pa) == 32 and resident.username not in pa
    assert pa != pseudonyms.pseudonym(a.salt, session_id=str(resident.pk))
    assert pseudonyms.pseudonym(a.salt, user=resident) == pa  # stable


def test_one_vote_per_person_and_statement(areas, coordinator, resident):
    c = open_consultation(coordinator, "T1", allow_statements=True)
    s = st.statement_add(consultation=c, pseudonym="x", text="More benches")
    p = pseudonyms.pseudonym(c.salt, user=resident)
    st.vote_cast(consultation=c, statement_id=s.pk, pseudonym=p, value=1)
    st.vote_cast(consultation=c, statement_id=s.pk, pseudonym=p, value=-1)
    assert list(Vote.objects.filter(statement=s).values_list("value", flat=True)) == [-1]
    # the audit chain names neither the account nor the pseudonym
    for e in AuditEvent.objects.filter(action__in=["vote.cast", "statement.add"]):
        assert e.actor_id is None and p not in json.dumps(e.data)


def test_map_groups_and_small_groups_hidden(mapped, settings):
    c, om = mapped
    assert om.n_groups == 3 and len(om.data["groups"]) == 3
    assert sum(g["size"] for g in om.data["groups"]) == om.participants
    assert 110 <= om.participants <= 120  # those with at least 7 votes
    settings.ACCORD_OPINION_MIN_GROUP = max(g["size"] for g in om.data["groups"]) + 1
    om2 = st.map_compute(consultation=c)
    assert om2.data["groups"] == [] and om2.data["hidden_groups"] == 3
    assert OpinionMap.objects.filter(consultation=c).count() == 2


def test_no_individual_leaves_the_server(mapped, api):
    c, _om = mapped
    voters = set(Vote.objects.filter(statement__consultation=c).values_list("pseudonym", flat=True))
    client = Client()
    responses = [
        client.get(f"/participation/c/{c.reference}/").content.decode(),
        json.dumps(api.get(f"consultations/{c.reference}/map").json()),
        json.dumps(api.get(f"consultations/{c.reference}/statements").json()),
        json.dumps(api.get(f"consultations/{c.reference}").json()),
    ]
    m = api.get(f"consultations/{c.reference}/map").json()
    assert set(m) == {"computed_at", "participants", "groups", "hidden_groups", "consensus"}
    for g in m["groups"]:
        assert set(g) == {"name", "size", "centre", "representative"}
    page = responses[0]
    assert page.count("<circle") == 3  # one circle per group, no point per person
    for body in responses:
        for p in voters:
            assert p not in body
        assert "voter1" not in body


def test_vote_over_http_anonymous_session(mapped):
    c, _ = mapped
    s = Statement.objects.filter(consultation=c).first()
    client = Client()
    client.get(f"/participation/c/{c.reference}/")
    r = client.post(f"/participation/c/{c.reference}/statements/{s.pk}/vote/", {"vote": "agree"})
    assert r.status_code == 302
    r = client.post(f"/participation/c/{c.reference}/statements/{s.pk}/vote/", {"vote": "pass"})
    n = Vote.objects.filter(statement=s).count()
    other = Client()
    other.post(f"/participation/c/{c.reference}/statements/{s.pk}/vote/", {"vote": "agree"})
    assert Vote.objects.filter(statement=s).count() == n + 1


def test_api_vote_strict(mapped, api):
    c, _ = mapped
    s = Statement.objects.filter(consultation=c).first()
    assert (
        api.post(f"consultations/{c.reference}/statements/{s.pk}/vote", {"vote": 2}).status_code
        == 422
    )
    assert (
        api.post(f"consultations/{c.reference}/statements/{s.pk}/vote", {"vote": 1}).status_code
        == 204
    )
    assert (
        api.post(f"consultations/{c.reference}/statements/99999/vote", {"vote": 1}).status_code
        == 404
    )
    assert (
        api.post(f"consultations/{c.reference}/statements", {"text": "Plant trees"}).status_code
        == 201
    )
