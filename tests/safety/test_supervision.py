"""Listed supervision: publication, extension before the deadline, overdue escalation
(idempotent, by the command and the task)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from accord.core.errors import ValidationFailed
from accord.safety import hazards
from accord.safety.models import Hazard, HazardEvent, Listing
from accord.safety.tasks import escalate_overdue_hazards

pytestmark = pytest.mark.django_db
T = hazards.hazard_transition


def _major(report, inspector, days=10):
    h, _ = report()
    h = T(actor=inspector, hazard=h, action="verify")
    h = T(actor=inspector, hazard=h, action="grade", grade="major", criterion="major_external")
    return T(actor=inspector, hazard=h, action="order", days=days)


def test_extension_only_before_the_deadline(report, inspector):
    h = _major(report, inspector)
    later = h.deadline + dt.timedelta(days=14)
    with pytest.raises(ValidationFailed):  # needs a reason
        T(actor=inspector, hazard=h, action="extend", new_deadline=later)
    with pytest.raises(ValidationFailed):  # must move the deadline later
        T(actor=inspector, hazard=h, action="extend", new_deadline=h.deadline, note="x")
    h = T(actor=inspector, hazard=h, action="extend", new_deadline=later, note="Parts delayed.")
    listing = Listing.objects.get(hazard=h)
    assert h.deadline == later == listing.deadline and listing.extensions == 1
    Hazard.objects.filter(pk=h.pk).update(deadline=dt.date.today() - dt.timedelta(days=1))
    h.refresh_from_db()
    with pytest.raises(ValidationFailed) as err:
        T(actor=inspector, hazard=h, action="extend", new_deadline=later, note="again")
    assert "before the deadline" in err.value.detail


def test_overdue_escalation_is_idempotent(report, inspector, areas):
    h = _major(report, inspector)
    general, _ = report()
    today = h.deadline + dt.timedelta(days=1)
    out = StringIO()
    call_command("safety-escalate", "--date", str(today), "--dry-run", stdout=out)
    assert h.reference in out.getvalue()
    assert HazardEvent.objects.filter(action="escalate").count() == 0
    done = hazards.hazards_escalate_overdue(today=today)
    assert done == [h.reference]  # the listing also went unpublished: one escalation, two keys
    h.refresh_from_db()
    assert h.escalation_level == 1 and h.handling_area == areas.county
    assert len(h.escalations) == 2
    assert hazards.hazards_escalate_overdue(today=today) == []
    assert escalate_overdue_hazards.call(today=str(today + dt.timedelta(days=3))) == 0
    general.refresh_from_db()
    assert general.escalation_level == 0  # no deadline yet
    # A new (extended) deadline that passes is a new overrun.
    Hazard.objects.filter(pk=h.pk).update(deadline=today + dt.timedelta(days=2))
    later = today + dt.timedelta(days=5)
    call_command("safety-escalate", "--date", str(later), stdout=StringIO())
    h.refresh_from_db()
    assert h.escalation_level == 2 and h.handling_area == areas.county  # stays at the county


def test_published_listing_is_not_escalated_for_publication(report, inspector):
    h = _major(report, inspector, days=200)
    h = T(actor=inspector, hazard=h, action="publish")
    listing = Listing.objects.get(hazard=h)
    assert hazards.hazards_escalate_overdue(today=listing.publish_by + dt.timedelta(days=3)) == []


def test_open311_key_command_stores_only_a_hash(areas):
    from accord.safety.models import Open311Key

    out = StringIO()
    call_command("create-open311-key", "city-app", stdout=out)
    key = out.getvalue().strip()
    row = Open311Key.objects.get(name="city-app")
    assert key.startswith("o311_") and key not in (row.key_hash, row.prefix + "x")
    assert row.key_hash != key and len(row.key_hash) == 64
