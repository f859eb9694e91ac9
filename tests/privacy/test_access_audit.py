"""Reads of personal data, logins and refusals leave events in the access chain (who, role,
what, when, from where, outcome), never the personal values; both chains verify, with HMAC
checkpoints that catch a rewritten or shortened chain."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from accord.core.audit import access_record, audit_record, chain_hash, verify_chain
from accord.core.models import AccessEvent, AuditCheckpoint, AuditEvent

pytestmark = pytest.mark.django_db

NAMES = ["Wang Xiaohong", "139 1234 5678", "Chen Jianguo"]


def file_case(api):
    body = {
        "category": "neighbour",
        "area": "T1C1G1",
        "description": "Neighbour Chen Jianguo floods my kitchen.",
        "parties": [
            {
                "role": "applicant",
                "kind": "person",
                "name": "Wang Xiaohong",
                "contact": "139 1234 5678",
            }
        ],
    }
    r = api.post("cases", body)
    assert r.status_code == 201
    return r.json()["reference"]


def last_access() -> AccessEvent:
    return AccessEvent.objects.latest("seq")


def test_viewing_a_case_is_recorded_without_values(areas, api, coordinator, api_for):
    ref = file_case(api)
    client = api_for(coordinator)
    before = AccessEvent.objects.count()
    assert client.get(f"cases/{ref}").status_code == 200
    ev = last_access()
    assert AccessEvent.objects.count() == before + 1
    assert (ev.action, ev.object_type, ev.object_id, ev.outcome) == ("case.view", "case", ref, "ok")
    assert ev.actor_id == coordinator.pk and ev.actor_username == coordinator.username
    assert ev.actor_role == "township_coordinator"
    assert ev.source == "127.0.0.1"  # the test client's REMOTE_ADDR
    assert ev.created_at.utcoffset().total_seconds() == 0

    client.get(f"cases/{ref}/events")
    assert last_access().action == "case.events.view"
    client.get("cases", q="Wang Xiaohong", status="registered")
    ev = last_access()
    assert ev.action == "case.list"
    assert ev.data["shown"] == [ref] and ev.data["count"] == 1
    assert ev.data["search"] is True and ev.data["filters"]["status"] == "registered"

    everything = repr(list(AccessEvent.objects.values())) + repr(list(AuditEvent.objects.values()))
    for name in NAMES:
        assert name not in everything
    assert verify_chain(AccessEvent).ok and verify_chain(AuditEvent).ok


def test_refusals_are_recorded(areas, api, make_user, api_for):
    ref = file_case(api)
    outsider = make_user("mediator", areas.t2)
    client = api_for(outsider)
    assert client.get(f"cases/{ref}").status_code == 404
    ev = last_access()
    assert (ev.action, ev.object_id, ev.outcome, ev.actor_id) == (
        "case.view", ref, "not_found", outsider.pk
    )  # fmt: skip
    mediator = make_user("mediator", areas.t1)
    r = api_for(mediator).transition(ref, "accept")
    assert r.status_code == 200  # a mediator may accept; now try what only a coordinator can
    r = api_for(make_user("resident", areas.t1c1g1)).transition(ref, "accept")
    assert r.status_code == 404
    r = api.post("track", {"reference": ref, "secret": "wrong"})
    assert r.status_code == 404
    ev = last_access()
    assert (ev.action, ev.outcome) == ("case.track", "not_found")
    assert "wrong" not in repr(ev.data)


def test_forbidden_transition_is_recorded_as_refused(areas, api, api_for, make_user, coordinator):
    ref = file_case(api)
    api_for(coordinator).transition(ref, "accept")
    api_for(coordinator).transition(ref, "assign")
    client = api_for(make_user("mediator", areas.t1))
    audit_before = AuditEvent.objects.count()
    r = client.transition(ref, "start")
    assert r.status_code == 403
    ev = last_access()
    assert (ev.action, ev.outcome, ev.data["code"]) == ("case.start", "refused", "transition_role")
    assert AuditEvent.objects.count() == audit_before  # nothing was changed


def test_logins_and_failed_logins_are_recorded(areas, make_user):
    user = make_user("mediator", areas.t1)
    user.set_password("correct horse battery staple")
    user.save()
    client = Client()
    assert client.login(username=user.username, password="correct horse battery staple")
    ev = last_access()
    assert (ev.action, ev.actor_id, ev.outcome) == ("auth.login", user.pk, "ok")
    assert ev.actor_role == "mediator"
    assert authenticate(username=user.username, password="wrong password") is None
    ev = last_access()
    assert (ev.action, ev.object_id, ev.outcome) == ("auth.login_failed", user.username, "refused")
    assert "wrong password" not in repr(ev.data)
    client.logout()
    assert last_access().action == "auth.logout"


def test_role_and_jurisdiction_changes_are_audited(areas, make_user):
    from accord.accounts.services import membership_add

    user = make_user("mediator", areas.t1)
    membership_add(actor=None, user=user, role="township_coordinator", area_code=areas.t2.code)
    ev = AuditEvent.objects.latest("seq")
    assert (ev.action, ev.object_id) == ("membership.add", str(user.pk))
    assert ev.data == {"role": "township_coordinator", "area": areas.t2.code}
    assert verify_chain().ok


def write(n: int, model=AuditEvent) -> None:
    from django.db import transaction

    for i in range(n):
        with transaction.atomic():
            (audit_record if model is AuditEvent else access_record)(
                actor=None, action="test.event", object_type="t", object_id=i, data={"i": i}
            )


def _tamper(sql: str, params) -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_auditevent DISABLE TRIGGER accord_append_only")
        cur.execute(sql, params)
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE core_auditevent ENABLE TRIGGER accord_append_only")


def test_checkpoints_are_written_periodically(settings):
    settings.ACCORD_AUDIT_CHECKPOINT_EVERY = 5
    write(12)
    assert list(AuditCheckpoint.objects.filter(chain="audit").values_list("seq", flat=True)) == [
        5,
        10,
    ]
    write(6, AccessEvent)
    assert AuditCheckpoint.objects.filter(chain="access").count() == 1
    report = verify_chain()
    assert report.ok and report.checkpoints == 2


def test_a_fully_recomputed_chain_fails_at_the_checkpoint(settings):
    settings.ACCORD_AUDIT_CHECKPOINT_EVERY = 5
    write(8)
    # The forger rewrites event 3 and recomputes every hash after it: links all hold.
    events = list(AuditEvent.objects.order_by("seq"))
    events[2].data = {"i": "forged"}
    prev = events[1].hash
    for ev in events[2:]:
        ev.prev_hash = prev
        ev.hash = chain_hash(prev, ev)
        prev = ev.hash
        _tamper(
            "UPDATE core_auditevent SET data = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            [
                '{"i": "forged"}' if ev.seq == 3 else f'{{"i": {ev.seq - 1}}}',
                ev.prev_hash,
                ev.hash,
                ev.seq,
            ],
        )
    report = verify_chain()
    assert not report.ok and report.first_broken_seq == 5
    assert "rewritten" in report.reason


def test_a_shortened_chain_fails(settings):
    settings.ACCORD_AUDIT_CHECKPOINT_EVERY = 5
    write(5)
    _tamper("DELETE FROM core_auditevent WHERE seq = %s", [5])
    report = verify_chain()
    assert not report.ok and "cut short" in report.reason


def test_a_forged_checkpoint_fails(settings):
    write(3)
    AuditCheckpoint.objects.create(
        chain="audit", seq=3, hash=AuditEvent.objects.get(seq=3).hash,
        created_at=AuditEvent.objects.get(seq=3).created_at, mac="0" * 64,
    )  # fmt: skip
    assert "not authentic" in verify_chain().reason


def test_checkpoint_and_verify_commands(capsys):
    write(3)
    write(2, AccessEvent)
    call_command("audit-checkpoint")
    out = capsys.readouterr().out
    assert "audit seq 3" in out and "access seq 2" in out
    call_command("audit-verify")
    out = capsys.readouterr().out
    assert "audit chain ok: 3 events verified, 1 checkpoint(s)" in out
    assert "access chain ok: 2 events verified, 1 checkpoint(s)" in out
    _tamper("UPDATE core_auditevent SET object_id = %s WHERE seq = %s", ["x", 2])
    with pytest.raises(CommandError, match="audit chain broken at seq 2"):
        call_command("audit-verify")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="append-only trigger is PostgreSQL")
def test_postgresql_refuses_update_and_delete_of_audit_rows():
    from django.db import DatabaseError, transaction

    write(2)
    write(1, AccessEvent)
    call_command("audit-checkpoint")
    for sql in (
        "UPDATE core_auditevent SET action = 'x' WHERE seq = 1",
        "DELETE FROM core_auditevent WHERE seq = 2",
        "UPDATE core_accessevent SET action = 'x'",
        "DELETE FROM core_auditcheckpoint",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql)
    assert AuditEvent.objects.count() == 2


def test_access_refused_hook_for_error_handlers(rf, areas, make_user):
    from accord.core.audit import access_refused

    request = rf.get("/api/v1/cases/AC-2026-0000009", REMOTE_ADDR="10.1.2.3")
    request.user = make_user("mediator", areas.t1)
    ev = access_refused(request, status=403, code="forbidden")
    assert (ev.action, ev.outcome, ev.object_id) == (
        "http.refused", "refused", "GET /api/v1/cases/AC-2026-0000009"
    )  # fmt: skip
    assert ev.actor_id == request.user.pk and ev.data == {"status": 403, "code": "forbidden"}
    assert ev.source == "10.1.2.3"
    assert access_refused(request, status=422, code="invalid") is None
