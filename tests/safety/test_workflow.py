"""The hazard table walked with roles: reporting, grading, the five implementations,
re-inspection by a second person, failed acceptance, closing; refusals write nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.core.audit import verify_chain
from accord.core.errors import Conflict, Forbidden, ValidationFailed
from accord.core.statemachine import walk
from accord.safety import hazards, workflow
from accord.safety.models import Hazard, HazardEvent, Listing
from accord.safety.workflow import HAZARD, S

pytestmark = pytest.mark.django_db
T = hazards.hazard_transition


def test_table_reaches_every_state_and_only_system_escalates():
    assert walk(HAZARD, S.REPORTED) == HAZARD.states
    assert not HAZARD.by_action["escalate"].offered
    assert "escalate" not in HAZARD.allowed(S.RECTIFYING, {"inspector", "system"})


def test_report_anonymous_gets_reference_secret_and_routing(report, areas):
    hazard, secret = report()
    assert hazard.reference.startswith(f"HZ-{hazard.created_at.year}-")
    assert len(hazard.reference) == len("HZ-2026-0000001")
    assert hazard.source == "anonymous" and hazard.filed_by is None
    assert hazard.handling_area == areas.t1
    assert "Housing" in hazard.routing[0]["en"] and "住房" in hazard.routing[0]["zh"]
    assert hazard.tracking_secret_hash != secret and len(secret) >= 16
    second, _ = report()
    assert int(second.reference[-7:]) == int(hazard.reference[-7:]) + 1


def test_report_on_a_place_takes_its_area_and_sector(report, place, areas):
    hazard, _ = report(place=place.pk)
    assert hazard.area == areas.t1c1g1 and hazard.sector.code == "hazardous_chemicals"


def test_report_refuses_bad_input_and_writes_nothing(report):
    for kw, code in (
        ({"description": " "}, "missing_description"),
        ({"area": "NOPE"}, "unknown_area"),
        ({"sector": "nope"}, "unknown_sector"),
        ({"lat": 99.0}, "bad_location"),
    ):
        with pytest.raises(ValidationFailed) as err:
            report(**kw)
        assert err.value.code == code
    assert Hazard.objects.count() == 0


def test_the_whole_table_for_a_major_hazard(report, inspector, inspector2, resident, photo):
    hazard, _ = report(actor=resident)
    assert hazard.source == "resident"
    # A resident cannot work the hazard; another township's inspector does not even see it.
    with pytest.raises(Forbidden):
        T(actor=resident, hazard=hazard, action="verify")
    h = T(actor=inspector, hazard=hazard, action="verify")
    assert h.status == S.VERIFIED
    with pytest.raises(ValidationFailed):  # the criterion must fit the grade
        T(actor=inspector, hazard=h, action="grade", grade="major", criterion="general_fix_at_once")
    h = T(actor=inspector, hazard=h, action="grade", grade="major",
          criterion="major_hard_to_remove", note="Leaking valve room.")  # fmt: skip
    assert h.status == S.GRADED and h.grade == "major" and h.work_suspended
    listing = Listing.objects.get(hazard=h)
    assert listing.publish_by > listing.listed_on and listing.published_on is None
    # A major hazard cannot close on the spot.
    with pytest.raises(ValidationFailed):
        T(actor=inspector, hazard=h, action="close_on_spot", note="ok", photo=photo)
    h = T(actor=inspector, hazard=h, action="publish")
    assert Listing.objects.get(hazard=h).published_on is not None
    with pytest.raises(ValidationFailed):  # published once
        T(actor=inspector, hazard=h, action="publish")
    h = T(actor=inspector, hazard=h, action="order", days=20)
    assert h.status == S.ORDERED and h.deadline > dt.date.today()
    assert Listing.objects.get(hazard=h).deadline == h.deadline
    # Rectification cannot start before the five implementations and the plan.
    with pytest.raises(ValidationFailed) as err:
        T(actor=inspector, hazard=h, action="start")
    assert "five implementations" in err.value.detail
    assert "start" not in HAZARD.allowed(h.status, {"inspector"}, hazards.facts_for(h, inspector))
    h = hazards.hazard_five_record(
        actor=inspector, hazard=h, responsibility="Plant manager", measures="Replace valve",
        funds="CNY 80,000", deadline=h.deadline, contingency="Evacuation plan v2", plan="",
    )  # fmt: skip
    with pytest.raises(ValidationFailed):  # the plan is still missing
        T(actor=inspector, hazard=h, action="start")
    h = hazards.hazard_five_record(
        actor=inspector, hazard=h, responsibility="Plant manager", measures="Replace valve",
        funds="CNY 80,000", deadline=h.deadline, contingency="Evacuation plan v2",
        plan="Week 1 isolate, week 2 replace, week 3 test.",
    )  # fmt: skip
    assert "start" in HAZARD.allowed(h.status, {"inspector"}, hazards.facts_for(h, inspector))
    h = T(actor=inspector, hazard=h, action="start")
    assert h.status == S.RECTIFYING
    with pytest.raises(ValidationFailed):  # needs the after-photo
        T(actor=inspector, hazard=h, action="submit", note="Valve replaced.")
    h = T(actor=inspector, hazard=h, action="submit", note="Valve replaced.", photo=photo)
    assert h.status == S.REINSPECTION and h.rectifier == inspector
    # The rectifier cannot re-inspect their own work.
    with pytest.raises(ValidationFailed) as err:
        T(actor=inspector, hazard=h, action="pass")
    assert "someone other" in err.value.detail
    h = T(actor=inspector2, hazard=h, action="fail", note="Pressure test not done.")
    assert h.status == S.RECTIFYING and h.work_suspended
    listing = Listing.objects.get(hazard=h)
    assert listing.delisted_on is None and listing.explanation == "Pressure test not done."
    h = T(actor=inspector, hazard=h, action="submit", note="Test done.", photo=photo)
    h = T(actor=inspector2, hazard=h, action="pass", note="Accepted.")
    assert h.status == S.CLOSED and h.closed_at and not h.work_suspended
    assert Listing.objects.get(hazard=h).delisted_on is not None
    with pytest.raises(Conflict):
        T(actor=inspector2, hazard=h, action="verify")
    actions = list(HazardEvent.objects.filter(hazard=h).values_list("action", flat=True))
    assert actions == ["report", "verify", "grade", "publish", "order", "five", "five", "start",
                       "submit", "fail", "submit", "pass"]  # fmt: skip
    assert verify_chain().ok


def test_general_hazard_closes_on_the_spot_with_photo_and_sign_off(report, inspector, photo):
    h, _ = report(actor=inspector)
    assert h.source == "inspector"
    h = T(actor=inspector, hazard=h, action="verify")
    h = T(actor=inspector, hazard=h, action="grade", grade="general",
          criterion="general_fix_at_once")  # fmt: skip
    assert not h.work_suspended and not Listing.objects.filter(hazard=h).exists()
    with pytest.raises(ValidationFailed):
        T(actor=inspector, hazard=h, action="close_on_spot", note="Moved.")  # no photo
    with pytest.raises(ValidationFailed):
        T(actor=inspector, hazard=h, action="close_on_spot", photo=photo)  # no sign-off
    assert h.photos.count() == 0  # refused: the photo was not kept
    h = T(actor=inspector, hazard=h, action="close_on_spot", note="Cylinders removed.",
          photo=photo)  # fmt: skip
    assert h.status == S.CLOSED and h.photos.filter(stage="rectified").count() == 1


def test_general_order_uses_the_business_calendar(report, inspector):
    from accord.core.calendar import BusinessCalendar

    h, _ = report()
    h = T(actor=inspector, hazard=h, action="verify")
    h = T(actor=inspector, hazard=h, action="grade", grade="general",
          criterion="general_fix_at_once")  # fmt: skip
    h = T(actor=inspector, hazard=h, action="order")  # default: 5 working days
    today = h.status_changed_at.date()
    assert h.deadline == BusinessCalendar.load().add_working_days(today, 5)
    # general hazards start without the five implementations
    h = T(actor=inspector, hazard=h, action="start")
    assert h.status == S.RECTIFYING


def test_reject_needs_a_note_and_other_townships_do_not_see(report, inspector, areas, make_user):
    from accord.core.errors import NotFound
    from accord.safety import selectors

    h, _ = report()
    with pytest.raises(ValidationFailed):
        T(actor=inspector, hazard=h, action="reject")
    other = make_user("inspector", areas.t2, username="insp_t2")
    with pytest.raises(Forbidden):
        T(actor=other, hazard=h, action="reject", note="x")
    with pytest.raises(NotFound):
        selectors.hazard_get_for(actor=other, reference=h.reference)
    h = T(actor=inspector, hazard=h, action="reject", note="Cylinders are empty display props.")
    assert h.status == S.REJECTED


def test_allowed_offers_only_what_would_succeed(report, inspector):
    h, _ = report()
    facts = hazards.facts_for(h, inspector).assuming_inputs()
    assert HAZARD.allowed(h.status, {"inspector"}, facts) == ["verify", "reject"]
    assert HAZARD.allowed(h.status, set(), facts) == []
    assert workflow.label("verify", zh=True) == "现场核实"
