"""Session notes: only the assigned counsellor and the unit head read them, every read is an
access event; referrals carry no diagnosis; consented screenings are purged on time."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from accord.core import retention
from accord.core.errors import NotFound
from accord.core.models import AccessEvent, AuditEvent
from accord.wellbeing import counselling, selectors
from accord.wellbeing.models import Referral, Screening, SessionNote


@pytest.fixture
def scheduled(network, areas):
    req = counselling.request_create(actor=None, area=areas.t1c1, mode="phone", contact="139")
    counselling.request_transition(
        actor=network.head, reference=req.reference, action="schedule", counsellor="c1",
        appointment_at=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    req.refresh_from_db()
    return req


def test_notes_are_for_the_assigned_counsellor_and_the_head_only(network, scheduled):
    counselling.note_add(actor=network.c1, reference=scheduled.reference, text="Talked 40 min.")
    with pytest.raises(NotFound):  # c2 works at the unit but is not assigned
        counselling.note_add(actor=network.c2, reference=scheduled.reference, text="x")
    assert selectors.notes_for(actor=network.c2, req=scheduled) is None
    for reader in (network.c1, network.head):
        notes = selectors.notes_for(actor=reader, req=scheduled)
        assert [n.text for n in notes] == ["Talked 40 min."]
    reads = AccessEvent.objects.filter(action="wellbeing.note.read")
    assert sorted(reads.values_list("actor_username", flat=True)) == ["c1", "head_t1"]
    raw = SessionNote.objects.values_list("text", flat=True)
    assert [r[:4] for r in raw] == ["ac1:"] and "Talked" not in raw[0]  # sealed at rest


def test_referral_records_where_to_and_no_diagnosis(network, scheduled):
    counselling.referral_add(actor=network.c1, reference=scheduled.reference,
                             to_kind="psychiatry", to_name="City No. 3 Hospital")  # fmt: skip
    assert Referral.objects.get().to_kind == "psychiatry"
    for model in (Referral, SessionNote, Screening):
        assert not [f.name for f in model._meta.get_fields() if "diagnos" in f.name]
    ev = AuditEvent.objects.get(action="wellbeing.referral.add")
    assert ev.data == {"request": scheduled.reference, "to": "psychiatry"}


def test_retention_purges_old_screenings(network, areas, settings):
    old = timezone.now() - dt.timedelta(days=400)
    for when in (old, timezone.now()):
        Screening.objects.create(instrument="phq9", answers=json.dumps({"items": [0] * 9}),
                                 total=0, band="minimal", consent_version="2026-1",
                                 consent_by="self", created_at=when)  # fmt: skip
    reports = {r.record_type: r for r in retention.purge()}
    assert len(reports["wellbeing_screening"].ids) == 1
    assert Screening.objects.count() == 1
    assert AuditEvent.objects.filter(action="retention.delete", object_type="wellbeing_screening")
