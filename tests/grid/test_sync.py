"""The offline queue's sync: idempotent replays, order, conflicts, refusals."""

from __future__ import annotations

import uuid

import pytest

from accord.cases.models import Case
from accord.grid import sync
from accord.grid.models import GridMediation, GridTask, SyncItem, Visit
from accord.grid.tasks import task_create, task_transition


@pytest.fixture
def worker(areas, make_user):
    return make_user("grid_worker", areas.t1c1g1, username="gw1")


def case_item(seq: int, text: str = "Noise from the karaoke bar next door every night.") -> dict:
    return {
        "uuid": uuid.uuid4(),
        "seq": seq,
        "kind": "case",
        "payload": {
            "area": "T1C1G1",
            "category": "neighbour",
            "description": text,
            "parties": [{"role": "applicant", "kind": "person", "name": "Gao Lan"}],
        },
    }


def test_replay_is_idempotent(worker):
    items = [
        case_item(i, f"Matter number {i}: the shared stairwell light is broken.") for i in (1, 2, 3)
    ]
    first = sync.sync_apply(actor=worker, items=items)
    assert [r["status"] for r in first] == ["applied"] * 3
    assert all(r["secret"] for r in first)
    assert Case.objects.count() == 3
    again = sync.sync_apply(actor=worker, items=items)
    assert Case.objects.count() == 3
    assert [r["reference"] for r in again] == [r["reference"] for r in first]
    assert all(r["replayed"] for r in again)
    # The tracking secret is answered once and never stored.
    assert all("secret" not in r for r in again)
    assert not any("secret" in s.result for s in SyncItem.objects.all())


def test_items_apply_in_sequence_order(worker):
    task = task_create(actor=worker, area="T1C1G1", task_type="deliver_notice")
    start = {"uuid": uuid.uuid4(), "seq": 5, "kind": "task",
             "payload": {"task_id": task.pk, "action": "start", "version": 1}}  # fmt: skip
    done = {"uuid": uuid.uuid4(), "seq": 6, "kind": "task",
            "payload": {"task_id": task.pk, "action": "complete", "version": 2}}  # fmt: skip
    results = sync.sync_apply(actor=worker, items=[done, start])  # sent out of order
    assert [r["status"] for r in results] == ["applied", "applied"]
    task.refresh_from_db()
    assert task.status == "done" and task.version == 3


def test_conflict_is_returned_not_overwritten(worker, areas, make_user):
    coordinator = make_user("township_coordinator", areas.t1, username="c1")
    task = task_create(actor=coordinator, area="T1C1G1", task_type="resident_request")
    # The worker's copy says version 1; meanwhile the coordinator cancels it on the server.
    task_transition(actor=coordinator, task=task, action="cancel")
    item = {"uuid": uuid.uuid4(), "seq": 1, "kind": "task",
            "payload": {"task_id": task.pk, "action": "complete", "version": 1}}  # fmt: skip
    [result] = sync.sync_apply(actor=worker, items=[item])
    assert result["status"] == "conflict"
    assert result["server"]["task_status"] == "cancelled"
    task.refresh_from_db()
    assert task.status == "cancelled"
    # Replayed, the conflict is answered again, not applied.
    [again] = sync.sync_apply(actor=worker, items=[item])
    assert again["status"] == "conflict" and again["replayed"]


def test_refused_item_writes_nothing_but_its_record(worker):
    bad = {"uuid": uuid.uuid4(), "seq": 1, "kind": "visit",
           "payload": {"area": "T1C1G1", "purpose": "help_requested", "consent": False}}  # fmt: skip
    [result] = sync.sync_apply(actor=worker, items=[bad])
    assert result["status"] == "refused" and result["code"] == "consent_required"
    assert Visit.objects.count() == 0
    assert SyncItem.objects.get().status == "refused"


def test_other_grid_refused(worker):
    item = case_item(1)
    item["payload"]["area"] = "T2C1G1"
    [result] = sync.sync_apply(actor=worker, items=[item])
    assert result["status"] == "refused"
    assert Case.objects.count() == 0


def test_unresolved_mediation_files_a_case(worker):
    item = {"uuid": uuid.uuid4(), "seq": 1, "kind": "mediation", "payload": {
        "area": "T1C1G1", "category": "neighbour", "parties": "Wu Jun and Fang Li",
        "issue": "A tree on the boundary drops leaves into the yard.", "outcome": "unresolved",
        "notice_acknowledged": True}}  # fmt: skip
    [result] = sync.sync_apply(actor=worker, items=[item])
    assert result["status"] == "applied"
    record = GridMediation.objects.get()
    case = Case.objects.get(reference=record.case_reference)
    assert f"GM-{record.pk}" in case.description
    assert record.notice_acknowledged and record.notice_version


def test_sync_api_needs_session_csrf(worker, client):
    client.force_login(worker)
    body = {"items": []}
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(worker)
    r = strict.post("/api/v1/grid/sync", body, content_type="application/json")
    assert r.status_code == 403  # no CSRF token
    boot = strict.get("/api/v1/grid/bootstrap").json()
    r = strict.post("/api/v1/grid/sync", {"items": [
        {"uuid": str(uuid.uuid4()), "seq": 1, "kind": "case", "payload": case_item(1)["payload"]}
    ]}, content_type="application/json", headers={"X-CSRFToken": boot["csrf"]})  # fmt: skip
    assert r.status_code == 200, r.content
    assert r.json()["results"][0]["status"] == "applied"
    assert boot["grids"] == [{"code": "T1C1G1", "name": "Grid T1C1G1"}]
    assert len(boot["key"]) == 44


def test_bootstrap_refused_to_non_workers(areas, make_user, api_for):
    mediator = make_user("mediator", areas.t1)
    assert api_for(mediator).get("grid/bootstrap").status_code == 403


def test_task_reassign_moves_open_tasks(worker, areas, make_user):
    from accord.core.models import AuditEvent
    from accord.grid.tasks import grid_tasks_reassign

    coordinator = make_user("township_coordinator", areas.t1, username="c2")
    other = make_user("grid_worker", areas.t1c1g1, username="gw2")
    t1 = task_create(actor=coordinator, area="T1C1G1", task_type="deliver_notice", assignee="gw1")
    t2 = task_create(actor=coordinator, area="T1C1G1", task_type="deliver_notice", assignee="gw1")
    task_transition(actor=worker, task=t2, action="complete")
    moved = grid_tasks_reassign(actor=coordinator, area="T1C1G1", to_user="gw2")
    assert moved == 1
    t1.refresh_from_db()
    t2.refresh_from_db()
    assert t1.assignee == other and t2.assignee == worker
    assert AuditEvent.objects.filter(action="grid.task.reassign", object_id=str(t1.pk)).exists()
    assert GridTask.objects.get(pk=t1.pk).version == 2


def test_odd_payloads_are_refused_not_crashing(worker):
    odd = [
        {"kind": "task", "payload": {"task_id": 2**70, "action": "start", "version": 1}},
        {"kind": "task", "payload": {"task_id": True, "action": "start", "version": 1}},
        {"kind": "case", "payload": {"area": "T1C1G1", "category": "neighbour",
                                     "description": "x", "people_count": 2**70}},
        {"kind": "case", "payload": {"area": ["T1C1G1"], "category": "neighbour"}},
        {"kind": "visit", "payload": {"area": "T1C1G1", "purpose": "help_requested",
                                      "consent": True, "visited_on": "yesterday"}},
        {"kind": "mediation", "payload": {"area": "T1C1G1", "category": "neighbour",
                                          "parties": "A", "issue": "B", "outcome": "won",
                                          "notice_acknowledged": True}},
    ]  # fmt: skip
    items = [{"uuid": uuid.uuid4(), "seq": i, **o} for i, o in enumerate(odd)]
    results = sync.sync_apply(actor=worker, items=items)
    assert [r["status"] for r in results] == ["refused"] * len(odd)
    assert Case.objects.count() == 0 and Visit.objects.count() == 0
