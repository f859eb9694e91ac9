"""`accord purge`: what is past its retention period is anonymised (cases, with their
parties, timeline notes and search index) or deleted (expired sessions), and the purge is
itself audited; `--dry-run` only lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accord.cases.models import Case, CaseEvent, CaseSearchToken, Party
from accord.cases.selectors import case_list_for, case_track
from accord.core.audit import verify_chain
from accord.core.errors import NotFound
from accord.core.models import AuditEvent
from factories import create_case, transition

pytestmark = pytest.mark.django_db


def finished(areas, coordinator, *, action: str, years_ago: float, note="Zhao Lei refused"):
    case, secret = create_case(area=areas.t1c1g1, description=f"Zhao Lei dispute {action}")
    if action == "close":
        for step, kw in [
            ("accept", {}), ("assign", {}), ("start", {}), ("resolve", {"note": note}),
            ("follow_up", {"satisfaction": 4, "agreement_performed": True}), ("close", {}),
        ]:  # fmt: skip
            case = transition(case, coordinator, step, **kw)
    else:
        case = transition(case, coordinator, action, note=note)
    when = timezone.now() - dt.timedelta(days=365 * years_ago)
    Case.objects.filter(pk=case.pk).update(closed_at=when)
    return case, secret


@pytest.fixture
def world(areas, coordinator):
    return {
        "old_closed": finished(areas, coordinator, action="close", years_ago=6),
        "new_closed": finished(areas, coordinator, action="close", years_ago=1),
        "old_rejected": finished(areas, coordinator, action="reject", years_ago=3),
        "new_rejected": finished(areas, coordinator, action="reject", years_ago=1),
        "open": create_case(area=areas.t1c1g1, description="Zhao Lei still open"),
    }


def test_dry_run_lists_and_changes_nothing(world, capsys):
    before = (AuditEvent.objects.count(), Case.objects.filter(anonymised_at=None).count())
    call_command("purge", "--dry-run")
    out = capsys.readouterr().out
    assert world["old_closed"][0].reference in out
    assert world["old_rejected"][0].reference in out
    for key in ("new_closed", "new_rejected", "open"):
        assert world[key][0].reference not in out
    assert "case_closed: 1 record(s) older than 1825 days" in out
    assert "would be anonymised" in out
    assert (AuditEvent.objects.count(), Case.objects.filter(anonymised_at=None).count()) == before


def test_purge_anonymises_cases_with_their_history(world, coordinator, capsys):
    call_command("purge")
    out = capsys.readouterr().out
    assert "case_closed: 1 record(s)" in out and "case_dropped: 1 record(s)" in out
    gone = [world["old_closed"][0], world["old_rejected"][0]]
    for case in gone:
        c = Case.objects.get(pk=case.pk)
        assert c.anonymised_at is not None and c.description == "" and c.filed_by is None
        assert c.status in ("closed", "rejected") and c.category_id == case.category_id
        assert all(p.name == p.contact == p.name_index == "" for p in Party.objects.filter(case=c))
        assert all(e.note == "" for e in CaseEvent.objects.filter(case=c))
        assert not CaseSearchToken.objects.filter(case=c).exists()
    with pytest.raises(NotFound):  # the tracking secret no longer works
        case_track(reference=gone[0].reference, secret=world["old_closed"][1])
    with connection.cursor() as cur:  # nothing left in the raw rows, not even ciphertext
        cur.execute("SELECT description FROM cases_case WHERE id IN (%s, %s)", [g.pk for g in gone])
        assert {r[0] for r in cur.fetchall()} == {""}
    # Kept: the recent and open cases, readable and searchable.
    for key in ("new_closed", "new_rejected", "open"):
        c = Case.objects.get(pk=world[key][0].pk)
        assert c.anonymised_at is None and c.description.startswith("Zhao Lei")
    found = {c.reference for c in case_list_for(actor=coordinator, search="Zhao Lei dispute")}
    assert found == {world["new_closed"][0].reference, world["new_rejected"][0].reference}
    # Audited, with the references and never the content.
    events = list(AuditEvent.objects.filter(action="retention.anonymise").order_by("seq"))
    assert [e.object_type for e in events] == ["case_closed", "case_dropped"]
    assert events[0].data["ids"] == [world["old_closed"][0].reference]
    assert "Zhao" not in repr([e.data for e in events])
    assert verify_chain().ok
    # Idempotent.
    call_command("purge")
    assert AuditEvent.objects.filter(action="retention.anonymise").count() == 2


def test_periods_come_from_settings(world, settings):
    settings.ACCORD_RETENTION_DAYS = {**settings.ACCORD_RETENTION_DAYS, "case_closed": 200}
    call_command("purge")
    assert Case.objects.get(pk=world["new_closed"][0].pk).anonymised_at is not None
    assert Case.objects.get(pk=world["open"][0].pk).anonymised_at is None


def test_expired_sessions_are_deleted(db):
    now = timezone.now()
    Session.objects.create(
        session_key="a" * 32, session_data="x", expire_date=now - dt.timedelta(days=40)
    )
    Session.objects.create(
        session_key="b" * 32, session_data="x", expire_date=now - dt.timedelta(days=5)
    )
    call_command("purge")
    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]
    ev = AuditEvent.objects.get(action="retention.delete")
    assert ev.object_type == "session" and ev.data["count"] == 1
