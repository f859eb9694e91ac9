"""Property: no JSON body sent to the case endpoints produces a 500, and a refused request
writes nothing."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.cases.models import Case, CaseEvent, Party
from accord.core.models import AuditEvent

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    st.text(max_size=30),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = ["category", "area", "description", "parties", "people_count", "amount", "channel",
          "risk_of_violence", "vulnerable_party", "status", "tier"]  # fmt: skip
case_bodies = st.dictionaries(st.sampled_from(FIELDS), values, max_size=8)
transition_bodies = st.dictionaries(
    st.sampled_from(["action", "note", "assignee", "satisfaction", "agreement_performed", "x"]),
    values,
    max_size=5,
)


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Case, Party, CaseEvent, AuditEvent))


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=case_bodies)
def test_post_cases_never_500(areas, mediator, api_for, body):
    api = api_for(mediator)
    before = _counts()
    response = api.post("cases", body)
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert set(json.loads(response.content)) == {"detail", "code"}
        assert _counts() == before


@pytest.mark.django_db
@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=transition_bodies)
def test_post_transitions_never_500(areas, mediator, make_case, api_for, body):
    case, _ = make_case(area=areas.t1c1g1)
    api = api_for(mediator)
    before = _counts()
    response = api.post(f"cases/{case.reference}/transitions", body)
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert set(json.loads(response.content)) == {"detail", "code"}
        assert _counts() == before
