"""The tamper-evident audit chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from accord.core.audit import GENESIS, audit_record, chain_hash, verify_chain
from accord.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _attacker_may_write(db):
    """These tests play an attacker who bypasses the PostgreSQL append-only trigger (as the
    table owner could); the trigger itself is tested in tests/privacy."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER accord_append_only")
    yield
    if connection.vendor == "postgresql" and not connection.needs_rollback:
        with connection.cursor() as cur:
            cur.execute("ALTER TABLE core_auditevent ENABLE TRIGGER accord_append_only")


def write(n: int, actor=None) -> list[AuditEvent]:
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=actor,
                    action="test.write",
                    object_type="thing",
                    object_id=i,
                    data={"i": i, "amount": Decimal("12.50"), "day": dt.date(2025, 1, 3)},
                )
            )
    return events


def tamper_sql(seq: int, column: str, value) -> None:
    """Change one row behind the ORM's back, as an attacker with database access would."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    col = connection.ops.quote_name(column)
    with connection.cursor() as cur:
        cur.execute(f"UPDATE {table} SET {col} = %s WHERE seq = %s", [value, seq])  # noqa: S608


def test_events_link_into_a_chain():
    events = write(6)
    stored = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in stored] == [1, 2, 3, 4, 5, 6]
    assert stored[0].prev_hash == GENESIS
    for prev, cur in zip(stored, stored[1:], strict=False):
        assert cur.prev_hash == prev.hash
    assert all(len(e.hash) == 64 for e in stored)
    assert len({e.hash for e in stored}) == 6
    # what was returned is what was stored, and the stored rows recompute exactly
    assert [e.hash for e in events] == [e.hash for e in stored]
    for e in stored:
        assert chain_hash(e.prev_hash, e) == e.hash
    # values that are not JSON-native were stored as text
    assert stored[0].data == {"i": 0, "amount": "12.50", "day": "2025-01-03"}


def test_verify_ok_after_several_writes():
    assert verify_chain().ok  # an empty chain is fine
    write(5)
    report = verify_chain()
    assert report.ok and report.checked == 5 and report.first_broken_seq is None


def test_actor_is_recorded(make_user, areas):
    user = make_user("mediator", areas.t1, username="auditee")
    (event,) = write(1, actor=user)
    assert (event.actor_id, event.actor_username) == (user.pk, "auditee")


def test_raw_sql_edit_is_detected_at_that_seq():
    write(5)
    tamper_sql(3, "action", "test.innocent")
    report = verify_chain()
    assert not report.ok
    assert report.first_broken_seq == 3
    assert report.checked == 2
    assert "#3" in report.reason and "changed" in report.reason


def test_queryset_update_of_data_is_detected():
    write(5)
    AuditEvent.objects.filter(seq=4).update(data={"i": 999})
    report = verify_chain()
    assert (report.ok, report.first_broken_seq) == (False, 4)


def test_forger_who_recomputes_the_hash_breaks_the_next_link():
    write(5)
    row = AuditEvent.objects.get(seq=2)
    row.data = {"i": "forged"}
    new_hash = chain_hash(row.prev_hash, row)
    AuditEvent.objects.filter(seq=2).update(data=row.data, hash=new_hash)
    report = verify_chain()
    assert (report.ok, report.first_broken_seq) == (False, 3)
    assert "link" in report.reason


def test_deleted_middle_row_is_named():
    write(5)
    AuditEvent.objects.filter(seq=3).delete()
    report = verify_chain()
    assert (report.ok, report.first_broken_seq) == (False, 3)
    assert "missing" in report.reason


def test_deleted_first_row_is_named():
    write(3)
    AuditEvent.objects.filter(seq=1).delete()
    assert verify_chain().first_broken_seq == 1


def test_command_ok(capsys):
    write(4)
    call_command("audit-verify")
    assert "4 events verified" in capsys.readouterr().out


def test_command_fails_naming_the_seq():
    write(5)
    tamper_sql(4, "object_id", "999")
    with pytest.raises(CommandError) as exc:
        call_command("audit-verify")
    assert "seq 4" in str(exc.value)


def test_command_fails_on_a_gap():
    write(5)
    AuditEvent.objects.filter(seq=2).delete()
    with pytest.raises(CommandError, match="seq 2"):
        call_command("audit-verify")


def test_case_writes_each_add_one_event_and_keep_the_chain(areas, make_user, make_case):
    from accord.cases.transitions import case_transition

    staff = make_user("township_coordinator", areas.t1)
    before = AuditEvent.objects.count()
    case, _ = make_case(area=areas.t1c1g1)
    assert AuditEvent.objects.count() == before + 1
    for n, action in enumerate(("accept", "assign", "start"), start=2):
        case = case_transition(actor=staff, case=case, action=action)
        assert AuditEvent.objects.count() == before + n
    assert list(
        AuditEvent.objects.filter(object_id=case.reference).values_list("action", flat=True)
    ) == ["case.create", "case.accept", "case.assign", "case.start"]
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_raises():
    with pytest.raises(RuntimeError, match="transaction"):
        audit_record(actor=None, action="test.orphan")
    assert AuditEvent.objects.count() == 0


def test_audit_at_end_appends_the_held_events_in_order_at_the_end_of_the_block():
    from accord.core.audit import audit_at_end

    with transaction.atomic():
        audit_record(actor=None, action="test.before")
        with audit_at_end():
            audit_record(actor=None, action="test.held.1", data={"n": 1})
            with audit_at_end():  # nested: still held for the outer block's end
                audit_record(actor=None, action="test.held.2")
            assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.before"]
            audit_record(actor=None, action="test.held.3")
        actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions == ["test.before", "test.held.1", "test.held.2", "test.held.3"]
    assert AuditEvent.objects.get(action="test.held.1").data == {"n": 1}
    assert verify_chain().ok


def test_audit_at_end_appends_nothing_when_the_block_fails():
    from accord.core.audit import audit_at_end

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic(), audit_at_end():
        audit_record(actor=None, action="test.held")
        raise Boom
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_audit_at_end_needs_a_transaction():
    from accord.core.audit import audit_at_end

    with pytest.raises(RuntimeError, match="inside the change's transaction"), audit_at_end():
        pass
