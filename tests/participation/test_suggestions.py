"""The suggestions box: a reference and an answer date in working days, co-signatures, and
a point-by-point reply above the threshold."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accord.core.calendar import BusinessCalendar
from accord.core.errors import Conflict, NotFound, ValidationFailed
from accord.participation import suggestions as svc

pytestmark = pytest.mark.django_db


def test_reference_and_working_day_clock(areas, settings):
    settings.ACCORD_SUGGESTION_ANSWER_WORKING_DAYS = 10
    s = svc.suggestion_create(
        actor=None, area="T1C1", title="Benches", text="Put benches by the river"
    )
    assert s.reference.startswith("JD-")
    assert s.due_on == BusinessCalendar.load().add_working_days(timezone.localdate(), 10)


def test_cosign_once_and_points_needed(areas, coordinator, settings, make_user):
    settings.ACCORD_SUGGESTION_COSIGN_THRESHOLD = 2
    s = svc.suggestion_create(actor=None, area="T1C1", title="Lights", text="Street lights")
    svc.suggestion_cosign(suggestion=s, pseudonym="a")
    with pytest.raises(Conflict):
        svc.suggestion_cosign(suggestion=s, pseudonym="a")
    s = svc.suggestion_cosign(suggestion=s, pseudonym="b")
    assert s.cosignatures == 2
    with pytest.raises(NotFound):
        svc.suggestion_answer(
            actor=make_user("township_coordinator", areas.t2), suggestion=s, answer="x"
        )
    with pytest.raises(ValidationFailed) as e:
        svc.suggestion_answer(actor=coordinator, suggestion=s, answer="We will.")
    assert e.value.code == "points_needed"
    s = svc.suggestion_answer(actor=coordinator, suggestion=s, answer="We will.",
                              points=["Two lights in May", "Repairs within a week"])  # fmt: skip
    assert s.status == "answered" and len(s.points) == 2


def test_api_flow(areas, coordinator, api, api_for):
    r = api.post("suggestions", {"area": "T1C1", "title": "Bins", "text": "More bins"})
    assert r.status_code == 201
    ref = r.json()["reference"]
    assert api.post(f"suggestions/{ref}/cosign").json()["cosignatures"] == 1
    assert api.post(f"suggestions/{ref}/answer", {"answer": "ok"}).status_code == 401
    r = api_for(coordinator).post(f"suggestions/{ref}/answer", {"answer": "Two more bins."})
    assert r.status_code == 200
    got = api.get(f"suggestions/{ref}").json()
    assert got["answer"] == "Two more bins." and got["status_label"] == "Answered"
    assert (
        api.post(
            "suggestions", {"area": "T1C1", "title": "x", "text": "y", "author": "me"}
        ).status_code
        == 422
    )


def test_overdue_shown_to_staff(areas, coordinator):
    import datetime as dt

    from django.test import Client

    s = svc.suggestion_create(actor=None, area="T1C1", title="Late one", text="Fix the gate")
    s.due_on = timezone.localdate() - dt.timedelta(days=1)
    s.save()
    c = Client()
    c.force_login(coordinator)
    page = c.get("/participation/staff/suggestions/").content.decode()
    assert "Late one" in page and "overdue" in page
