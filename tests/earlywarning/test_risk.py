"""Case escalation risk: a transparent additive score that orders queues and limits nobody."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.cases.models import Case
from accord.earlywarning import risk, scores, selectors
from accord.earlywarning.models import CaseRisk

pytestmark = pytest.mark.django_db


def test_score_is_the_sum_of_weighted_factors():
    score, factors = risk.score(
        risk.RiskFacts(
            repeated_contact=1,
            people_count=12,
            failed_attempts=2,
            overdue_days=3,
            risk_of_violence=True,
        )
    )
    by = {f["code"]: f for f in factors}
    assert by["violence"]["points"] == 25
    assert by["people"]["points"] == 20
    assert by["failed_attempts"] == {
        "code": "failed_attempts",
        "value": 2,
        "weight": 8,
        "points": 16,
    }
    assert by["repeated_contact"]["points"] == 10
    assert by["overdue"]["points"] == 6
    assert score == 25 + 20 + 16 + 10 + 6
    assert "people_several" not in by and "vulnerable" not in by


def test_caps_and_maximum():
    score, factors = risk.score(
        risk.RiskFacts(
            repeated_contact=9,
            people_count=50,
            failed_attempts=9,
            overdue_days=99,
            risk_of_violence=True,
            vulnerable_party=True,
            in_group=True,
        )
    )
    by = {f["code"]: f["points"] for f in factors}
    assert by["repeated_contact"] == 30 and by["failed_attempts"] == 32 and by["overdue"] == 30
    assert score == risk.MAX_SCORE
    assert risk.score(risk.RiskFacts()) == (0, [])


def test_score_is_kept_on_intake_and_transitions(areas, make_case, do_transition, coordinator):
    case, _ = make_case(area=areas.t1c1g1, vulnerable_party=True)
    row = CaseRisk.objects.get(case=case)
    assert row.score == 12 and [f["code"] for f in row.factors] == ["vulnerable"]
    do_transition(case, coordinator, "accept")
    do_transition(case, coordinator, "assign")
    do_transition(case, coordinator, "start")
    do_transition(case, coordinator, "record_attempt", note="no agreement")
    row.refresh_from_db()
    assert row.score == 12 + 8
    do_transition(case, coordinator, "resolve", note="agreed")
    do_transition(case, coordinator, "reopen", note="not performed")
    row.refresh_from_db()
    assert {f["code"] for f in row.factors} >= {"repeated_contact", "failed_attempts"}


def test_party_escalation_request_counts_as_repeated_contact(
    areas, make_case, resident, do_transition
):
    case, _ = make_case(area=areas.t1c1g1, actor=resident)
    do_transition(case, resident, "escalate", note="please")
    assert {f["code"] for f in CaseRisk.objects.get(case=case).factors} == {"repeated_contact"}


def test_overdue_days_grow_with_the_daily_refresh(areas, make_case):
    case, _ = make_case(area=areas.t1c1g1)
    Case.objects.filter(pk=case.pk).update(deadline=timezone.localdate() - dt.timedelta(days=10))
    n = scores.risk_refresh(today=timezone.localdate())
    assert n == 1
    row = CaseRisk.objects.get(case=case)
    overdue = next(f for f in row.factors if f["code"] == "overdue")
    assert 5 <= overdue["value"] <= 10  # working days


def test_queue_orders_by_risk_and_is_scoped(areas, make_case, coordinator, make_user):
    calm, _ = make_case(area=areas.t1c1g1)
    hot, _ = make_case(area=areas.t1c1g1, risk_of_violence=True, people_count=15)
    mid, _ = make_case(area=areas.t1c2g1, people_count=4)
    elsewhere, _ = make_case(area=areas.t2c1g1, risk_of_violence=True)
    refs = [c.reference for c in selectors.risk_queue_for(actor=coordinator)]
    assert refs == [hot.reference, mid.reference, calm.reference]
    assert elsewhere.reference not in refs


def test_high_risk_never_blocks_a_party(areas, make_case, resident, do_transition):
    """A party's escalation request is honoured whatever the score."""
    case, _ = make_case(area=areas.t1c1g1, actor=resident, risk_of_violence=True, people_count=30)
    assert CaseRisk.objects.get(case=case).score >= 45
    case = do_transition(case, resident, "escalate", note="I want the county")
    assert case.status == "escalated"


def test_risk_api_shows_factors_with_weights(areas, make_case, api_for, coordinator):
    case, _ = make_case(area=areas.t1c1g1, risk_of_violence=True)
    body = api_for(coordinator).get(f"early-warning/cases/{case.reference}/risk").json()
    assert body["score"] == 25
    assert body["factors"][0]["label"] == "Risk of violence" and body["factors"][0]["weight"] == 25
    assert "never limits" in body["note"]
    q = api_for(coordinator).get("early-warning/queue").json()
    assert q["items"][0]["reference"] == case.reference
    assert {w["code"] for w in q["weights"]} == {f.code for f in risk.FACTORS}
