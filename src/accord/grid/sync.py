"""The offline workbench's queue, applied on reconnect.

Each item carries the device's UUID for it and its sequence number. Items are applied in
sequence order, each in its own transaction together with its `SyncItem` row, so that:
- a replay (same user, same UUID) returns the stored result and writes nothing;
- a refused or conflicting item is recorded and returned, never half-written;
- a conflict (the target changed on the server since the worker's copy) is returned for the
  worker to decide, never silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from accord.accounts.models import User
from accord.cases.filing import CaseInput, PartyInput, case_create
from accord.cases.models import Party
from accord.core import notifications
from accord.core.errors import Conflict, DomainError, ValidationFailed
from accord.grid import access, mediations, tasks, visits
from accord.grid.models import GridTask, SyncItem
from accord.safety.hazards import HazardInput, hazard_report
from accord.safety.models import Source

MAX_ITEMS = 100


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationFailed(f"not a date: {value!r}", code="bad_date") from exc


def _small_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31


def _text(payload: dict, key: str, required: bool = False) -> str:
    value = payload.get(key, "")
    if not isinstance(value, str):
        raise ValidationFailed(f"{key} must be text", code="invalid")
    if required and not value.strip():
        raise ValidationFailed(f"{key} is required", code="missing_field")
    return value


def _apply_case(actor: User, p: dict) -> dict:
    grid = tasks._grid(_text(p, "area", True))
    if not access.works_in(actor, grid):
        raise ValidationFailed("not one of your grids", code="unknown_grid")
    parties = []
    for raw in p.get("parties") or []:
        if not isinstance(raw, dict):
            raise ValidationFailed("a party must be an object", code="invalid")
        parties.append(
            PartyInput(
                role=_text(raw, "role") or Party.Role.APPLICANT,
                kind=_text(raw, "kind") or Party.Kind.PERSON,
                name=_text(raw, "name", True),
                contact=_text(raw, "contact"),
            )
        )
    count = p.get("people_count", 1)
    if not _small_int(count):
        raise ValidationFailed("people_count must be a whole number", code="invalid")
    case, secret = case_create(
        actor=actor,
        data=CaseInput(
            category=_text(p, "category", True),
            area=grid.code,
            description=_text(p, "description", True),
            parties=tuple(parties),
            people_count=count,
        ),
    )
    email = _text(p, "notify_email").strip()
    if email and p.get("notify_consent") is True:
        # The resident asked to be told of each step (core.notifications), in their language.
        notifications.subscribe(
            reference=case.reference, email=email, language=_text(p, "language") or "zh-hans",
            actor=actor,
        )  # fmt: skip
    # The tracking secret is answered once (now) and never stored.
    return {"reference": case.reference, "secret": secret, "notify": bool(email)}


def _apply_visit(actor: User, p: dict) -> dict:
    task_id = p.get("task_id")
    visit = visits.visit_record(
        actor=actor,
        area=_text(p, "area", True),
        purpose=_text(p, "purpose", True),
        consent=p.get("consent") is True,
        visited_on=_date(p.get("visited_on")),
        service_note=_text(p, "service_note"),
        task_id=task_id if _small_int(task_id) else None,
    )
    return {"visit": visit.pk}


def _apply_mediation(actor: User, p: dict) -> dict:
    record = mediations.mediation_record(
        actor=actor,
        area=_text(p, "area", True),
        category=_text(p, "category", True),
        parties=_text(p, "parties", True),
        issue=_text(p, "issue", True),
        outcome=_text(p, "outcome", True),
        agreement=_text(p, "agreement"),
        notice_acknowledged=p.get("notice_acknowledged") is True,
        held_on=_date(p.get("held_on")),
    )
    return {"mediation": record.pk, "reference": record.case_reference}


def _apply_hazard(actor: User, p: dict) -> dict:
    grid = tasks._grid(_text(p, "area", True))
    if not access.works_in(actor, grid):
        raise ValidationFailed("not one of your grids", code="unknown_grid")
    # The one intake of hazards (web form, API, Open311 use it too); the worker is the
    # reporter (filed_by) and the source is "grid worker". No photo offline.
    hazard, _secret = hazard_report(
        actor=actor,
        data=HazardInput(
            description=_text(p, "description", True),
            sector=_text(p, "sector", True),
            area=grid.code,
            address=_text(p, "address"),
            source=Source.GRID_WORKER,
        ),
    )
    # The worker reported it signed in and follows it in their list; no tracking code needed.
    return {"reference": hazard.reference}


def _apply_task(actor: User, p: dict) -> dict:
    task_id, version = p.get("task_id"), p.get("version")
    if not _small_int(task_id) or not _small_int(version):
        raise ValidationFailed("task_id and version are required", code="invalid")
    task = GridTask.objects.filter(pk=task_id).first()
    if task is None or not access.task_capabilities(actor, task):
        raise ValidationFailed("no such task", code="unknown_task")
    try:
        done = tasks.task_transition(
            actor=actor, task=task, action=_text(p, "action", True), version=version
        )
    except Conflict:
        task.refresh_from_db()
        raise _TaskConflict(task) from None
    return {"task": done.pk, "task_status": done.status, "version": done.version}


class _TaskConflict(Exception):
    def __init__(self, task: GridTask) -> None:
        self.task = task


APPLY: dict[str, Callable[[User, dict], dict]] = {
    "case": _apply_case,
    "visit": _apply_visit,
    "mediation": _apply_mediation,
    "hazard": _apply_hazard,
    "task": _apply_task,
}


def _record(actor: User, key: uuid.UUID, seq: int, kind: str, status: str, result: dict) -> None:
    SyncItem.objects.create(
        user=actor, client_uuid=key, client_seq=seq, kind=kind, status=status, result=result
    )


def _apply_one(actor: User, item: dict) -> dict:
    key, seq, kind = item["uuid"], item["seq"], item["kind"]
    done = SyncItem.objects.filter(user=actor, client_uuid=key).first()
    if done is not None:
        return {"uuid": str(key), **done.result, "status": done.status, "replayed": True}
    fn = APPLY.get(kind)
    if fn is None:
        return {"uuid": str(key), "status": "refused", "code": "unknown_kind",
                "detail": f"unknown kind {kind!r}"}  # fmt: skip
    try:
        with transaction.atomic():
            result = fn(actor, item.get("payload") or {})
            # The tracking secret is answered to this request only, never stored.
            stored = {k: v for k, v in result.items() if k != "secret"}
            _record(actor, key, seq, kind, SyncItem.Status.APPLIED, stored)
        return {"uuid": str(key), **result, "status": "applied", "replayed": False}
    except IntegrityError:
        # The same item arrived twice at once: the other request applied it.
        done = SyncItem.objects.filter(user=actor, client_uuid=key).first()
        if done is None:
            raise
        return {"uuid": str(key), **done.result, "status": done.status, "replayed": True}
    except _TaskConflict as c:
        result = {
            "code": "version_conflict",
            "detail": "The task changed on the server since your copy.",
            "server": {"task": c.task.pk, "task_status": c.task.status, "version": c.task.version},
        }
    except DomainError as exc:
        result = {"code": exc.code, "detail": exc.detail}
    status = (
        SyncItem.Status.CONFLICT
        if result["code"] == "version_conflict"
        else SyncItem.Status.REFUSED
    )
    with transaction.atomic():
        _record(actor, key, seq, kind, status, result)
    return {"uuid": str(key), **result, "status": status, "replayed": False}


def sync_apply(*, actor: User, items: list[dict]) -> list[dict]:
    """Apply a device's queued items in their sequence order; one result per item."""
    if not access.is_grid_worker(actor):
        from accord.core.errors import Forbidden

        raise Forbidden("only grid workers sync a workbench", code="forbidden")
    if len(items) > MAX_ITEMS:
        raise ValidationFailed(f"at most {MAX_ITEMS} items per sync", code="too_many")
    seen: set[uuid.UUID] = set()
    for item in items:
        if item["uuid"] in seen:
            raise ValidationFailed("an item appears twice in the batch", code="duplicate_uuid")
        seen.add(item["uuid"])
    return [_apply_one(actor, item) for item in sorted(items, key=lambda i: i["seq"])]
