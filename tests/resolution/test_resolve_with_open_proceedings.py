"""A case cannot be resolved while a proceeding of it is open (its clock running), unless the
request asks to conclude them: then they end in the same transaction, by their channel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from accord.cases.models import Case
from accord.resolution.models import Clock, Proceeding

pytestmark = pytest.mark.django_db


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def case_in_mediation(api, agreement: bool = False, channel: str = "people_mediation"):
    ref = ok(
        api.post(
            "cases",
            {
                "category": "neighbour",
                "area": "T1C1G1",
                "description": "Water leaks from the flat above.",
                "parties": [
                    {"role": "applicant", "kind": "person", "name": "Wang Fang"},
                    {"role": "respondent", "kind": "person", "name": "Zhao Lei"},
                ],
            },
        ),
        201,
    )["reference"]
    today = dt.date.today().isoformat()
    p = ok(
        api.post(
            f"cases/{ref}/proceedings",
            {"channel": channel, "applied_on": today, "handling_area": "T1C1"},
        ),
        201,
    )
    n = p["number"]
    ok(api.post(f"proceedings/{n}/transitions", {"action": "accept"}))
    if agreement:
        ok(
            api.post(
                f"proceedings/{n}/agreement",
                {
                    "text": "Both agree to share the repair.",
                    "terms": [{"text": "Share the repair costs"}],
                },
            )
        )
    return ref, n


def resolve(api, ref, **extra):
    return api.post(f"cases/{ref}/transitions", {"action": "resolve", "note": "Settled.", **extra})


def test_resolve_refused_while_mediation_is_open(areas, mediator, coordinator, api_for):
    ref, n = case_in_mediation(api_for(mediator))
    assert Case.objects.get(reference=ref).status == "in_progress"
    r = resolve(api_for(coordinator), ref)
    assert r.status_code == 409
    assert r.json()["code"] == "open_proceedings" and n in r.json()["detail"]
    case = Case.objects.get(reference=ref)
    assert case.status == "in_progress" and case.closed_at is None
    p = Proceeding.objects.get(number=n)
    assert p.status == "accepted"
    assert p.clocks.filter(state=Clock.State.RUNNING).exists()


def test_resolve_refusal_in_chinese(areas, mediator, coordinator, api_for):
    ref, n = case_in_mediation(api_for(mediator))
    r = api_for(coordinator).post(
        f"cases/{ref}/transitions",
        {"action": "resolve", "note": "Settled."},
        headers={"Accept-Language": "zh-hans"},
    )
    assert (
        r.status_code == 409
        and "尚有未结束的程序" in r.json()["detail"]
        and n in r.json()["detail"]
    )


def test_conclude_open_ends_mediation_without_agreement_as_failure(
    areas, mediator, coordinator, api_for
):
    ref, n = case_in_mediation(api_for(mediator))
    r = resolve(api_for(coordinator), ref, conclude_open=True)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "resolved"
    p = Proceeding.objects.get(number=n)
    assert (p.status, p.outcome) == ("concluded", "failure")
    assert not p.clocks.filter(state=Clock.State.RUNNING, rule__code__endswith="mediate").exists()
    # The case was resolved once (the conclusion does not move it again).
    case = Case.objects.get(reference=ref)
    assert case.status == "resolved"
    assert case.events.filter(action="resolve").count() == 1
    assert not case.events.filter(action="record_attempt").exists()


def test_conclude_open_uses_the_recorded_agreement(areas, mediator, coordinator, api_for):
    ref, n = case_in_mediation(api_for(mediator), agreement=True)
    ok(resolve(api_for(coordinator), ref, conclude_open=True))
    p = Proceeding.objects.get(number=n)
    assert (p.status, p.outcome) == ("concluded", "agreement")
    assert Case.objects.get(reference=ref).events.filter(action="resolve").count() == 1


def test_refusal_writes_nothing_when_a_later_step_fails(areas, mediator, coordinator, api_for):
    # Without a note the resolve is refused by its guard first; the proceeding stays open.
    ref, n = case_in_mediation(api_for(mediator))
    r = api_for(coordinator).post(
        f"cases/{ref}/transitions", {"action": "resolve", "note": "", "conclude_open": True}
    )
    assert r.status_code == 422
    assert Proceeding.objects.get(number=n).status == "accepted"


def test_case_page_checkbox_concludes(areas, mediator, coordinator, api_for):
    ref, n = case_in_mediation(api_for(mediator))
    client = Client()
    client.force_login(coordinator)
    url = reverse("web:case_act", args=[ref])
    refused = client.post(url, {"action": "resolve", "note": "Settled."})
    assert refused.status_code == 409 and n in refused.content.decode()
    page = client.get(reverse("web:case_detail", args=[ref])).content.decode()
    assert 'name="conclude_open"' in page
    done = client.post(url, {"action": "resolve", "note": "Settled.", "conclude_open": "on"})
    assert done.status_code == 302
    assert Proceeding.objects.get(number=n).status == "concluded"
    assert Case.objects.get(reference=ref).status == "resolved"
