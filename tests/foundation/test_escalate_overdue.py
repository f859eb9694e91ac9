"""Deadline overrun moves a working case up one tier (DESIGN §5), audited, once per overrun."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from accord.cases.models import Case
from accord.cases.transitions import case_escalate_overdue
from accord.core.audit import verify_chain


@pytest.mark.django_db
def test_overdue_case_moves_up_one_tier_with_a_reason(areas, make_case):
    case, _ = make_case(area=areas.t1c1g1)
    assert case.tier == "community"
    assert case_escalate_overdue(today=case.deadline) == []  # due today is not overdue

    day_after = case.deadline + dt.timedelta(days=1)
    assert case_escalate_overdue(today=day_after) == [case.reference]

    case.refresh_from_db()
    assert (case.tier, case.status) == ("township", "escalated")
    assert case.handling_area == areas.t1
    assert case.routing[-1]["rule"] == "overdue"
    assert "overrun" in case.routing[-1]["en"] and "超期" in case.routing[-1]["zh"]
    event = case.events.order_by("-id").first()
    assert (event.action, event.data["requested_by"]) == ("escalate", "system")
    assert verify_chain().ok


@pytest.mark.django_db
def test_finished_suspended_and_top_tier_cases_are_left_alone(areas, make_case):
    withdrawn, _ = make_case(area=areas.t1c1g1)
    Case.objects.filter(pk=withdrawn.pk).update(status="withdrawn")
    suspended, _ = make_case(area=areas.t1c1g1)
    Case.objects.filter(pk=suspended.pk).update(clock_suspended=True)
    top, _ = make_case(area=areas.t1c1g1)
    Case.objects.filter(pk=top.pk).update(tier="city")
    far_future = dt.date.today() + dt.timedelta(days=400)
    assert case_escalate_overdue(today=far_future) == []


@pytest.mark.django_db
def test_dry_run_changes_nothing(areas, make_case, capsys):
    case, _ = make_case(area=areas.t1c1g1)
    Case.objects.filter(pk=case.pk).update(deadline=dt.date(2000, 1, 3))
    call_command("escalate-overdue", "--dry-run")
    assert case.reference in capsys.readouterr().out
    case.refresh_from_db()
    assert case.tier == "community"
    call_command("escalate-overdue")
    case.refresh_from_db()
    assert case.tier == "township"


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"q": "\x00"}, {"status": "a\x00b"}, {"area": "\x00"}])
def test_nul_in_query_string_is_a_400_not_a_500(mediator, api_for, params):
    response = api_for(mediator).get("cases", **params)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
