"""accord safety-seed-demo on top of the small demo: every state, the listed major hazards
(one overdue), inspector.qingshi, and --if-empty."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accord.accounts.models import Membership
from accord.core.audit import verify_chain
from accord.safety import selectors
from accord.safety.models import Hazard, Incident, Inspection, Listing, MajorHazardSource, Place
from accord.safety.workflow import HAZARD

pytestmark = pytest.mark.django_db


def test_seed_on_the_small_demo():
    call_command("seed-demo", "--size", "small", "--seed", "1", stdout=io.StringIO())
    out = io.StringIO()
    call_command("safety-seed-demo", "--places", "40", "--hazards", "30", stdout=out)
    assert Place.objects.count() == 40
    assert MajorHazardSource.objects.exists()
    assert set(Hazard.objects.values_list("status", flat=True)) == HAZARD.states
    listed = Listing.objects.filter(delisted_on=None).select_related("hazard")
    assert listed.count() == 2
    assert sorted(selectors.colour_of(li.hazard) == "red" for li in listed) == [False, True]
    assert any(li.deadline < timezone.localdate() for li in listed)
    m = Membership.objects.get(user__username="inspector.qingshi")
    assert m.role == "inspector" and m.area.code == "LJ-DH-QS"
    assert "inspector.qingshi" in out.getvalue()
    assert Inspection.objects.count() > 5
    assert (
        Hazard.objects.filter(source="inspection").count()
        == Inspection.objects.filter(findings__gt=0).count()
    )
    assert Incident.objects.filter(serious=True).count() == 1
    assert verify_chain().ok
    before = Hazard.objects.count()
    again = io.StringIO()
    call_command("safety-seed-demo", "--if-empty", stdout=again)
    assert "nothing to do" in again.getvalue() and Hazard.objects.count() == before
