"""Writes on grid tasks: create, the one transition service, and moving a grid's open tasks
when the grid gets another worker."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F

from accord.accounts.models import User
from accord.accounts.permissions import has_role_over, primary_role
from accord.core.audit import audit_record
from accord.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from accord.core.models import Area, Level
from accord.core.statemachine import check_or_raise
from accord.grid import access, workflow
from accord.grid.models import GridTask, TaskType

MAX_NOTE = 2000


def _grid(code: str) -> Area:
    area = Area.objects.filter(code=code).first()
    if area is None or area.level != Level.GRID:
        raise ValidationFailed(f"unknown grid {code!r}", code="unknown_grid")
    return area


def task_create(
    *,
    actor: User,
    area: str,
    task_type: str,
    note: str = "",
    case_reference: str = "",
    due: dt.date | None = None,
    assignee: str | None = None,
) -> GridTask:
    grid = _grid(area)
    if task_type not in TaskType.values:
        raise ValidationFailed(f"unknown task type {task_type!r}", code="unknown_task_type")
    if len(note) > MAX_NOTE:
        raise ValidationFailed(f"note is longer than {MAX_NOTE} characters")
    if not access.may_create_task(actor, grid):
        raise NotFound("no such grid")
    worker = None
    if assignee:
        worker = User.objects.filter(username=assignee, is_active=True).first()
        if worker is None or not access.works_in(worker, grid):
            raise ValidationFailed("the assignee is not a worker of this grid", code="bad_assignee")
    elif access.works_in(actor, grid):
        worker = actor
    with transaction.atomic():
        task = GridTask.objects.create(
            area=grid,
            task_type=task_type,
            note=note.strip(),
            case_reference=case_reference.strip()[:24],
            due=due,
            assignee=worker,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            role=primary_role(actor),
            action="grid.task.create",
            object_type="grid_task",
            object_id=task.pk,
            data={"area": grid.code, "type": task_type, "assignee": getattr(worker, "pk", None)},
        )
    return task


def task_transition(
    *, actor: User, task: GridTask, action: str, version: int | None = None
) -> GridTask:
    """The only way a task's status changes. With `version` (an offline copy's), a task that
    changed on the server since is a conflict (409), never overwritten."""
    with transaction.atomic():
        current = GridTask.objects.select_for_update().filter(pk=task.pk).first()
        if current is None:
            raise NotFound("no such task")
        if version is not None and current.version != version:
            raise Conflict(
                "the task changed on the server since your copy", code="version_conflict"
            )
        caps = access.task_capabilities(actor, current)
        if not caps:
            raise NotFound("no such task")
        t = check_or_raise(workflow.TASK, action, workflow.TaskFacts(current.status), caps)
        before = current.status
        current.status = t.target
        current.version = current.version + 1
        if current.assignee_id is None and workflow.WORKER in caps:
            current.assignee = actor
        current.save(update_fields=["status", "version", "assignee", "updated_at"])
        audit_record(
            actor=actor,
            role=primary_role(actor),
            action=f"grid.task.{action}",
            object_type="grid_task",
            object_id=current.pk,
            data={"from": before, "to": current.status},
        )
    return current


def grid_tasks_reassign(*, actor: User, area: str, to_user: str) -> int:
    """Move the grid's open and in-progress tasks to `to_user` (a worker of the grid), one
    audit event per task. Returns how many moved."""
    grid = _grid(area)
    if not has_role_over(actor, grid, access.READ_ROLES):
        raise NotFound("no such grid")
    if not access.may_reassign(actor, grid):
        raise Forbidden("only a coordinator over the grid may reassign it", code="forbidden")
    worker = User.objects.filter(username=to_user, is_active=True).first()
    if worker is None or not access.works_in(worker, grid):
        raise ValidationFailed("the new worker does not work in this grid", code="bad_assignee")
    with transaction.atomic():
        tasks = list(
            GridTask.objects.select_for_update()
            .filter(area=grid, status__in=[workflow.OPEN, workflow.IN_PROGRESS])
            .exclude(assignee=worker)
        )
        for task in tasks:
            audit_record(
                actor=actor,
                role=primary_role(actor),
                action="grid.task.reassign",
                object_type="grid_task",
                object_id=task.pk,
                data={"area": grid.code, "from": task.assignee_id, "to": worker.pk},
            )
        GridTask.objects.filter(pk__in=[t.pk for t in tasks]).update(
            assignee=worker, version=F("version") + 1
        )
    return len(tasks)
