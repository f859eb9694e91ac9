"""Scoped reads of the grid part. A grid's tasks are seen by its workers and by case staff
over it; another grid's task is a 404."""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import get_language

from accord.accounts.models import User
from accord.accounts.permissions import area_scope_q
from accord.cases.models import Category
from accord.core.audit import access_record
from accord.core.errors import NotFound
from accord.grid import access, workflow
from accord.grid.models import GridTask, TaskStatus, TaskType, VisitPurpose
from accord.safety.models import Sector


def task_list_for(*, actor: User, active_only: bool = True) -> QuerySet[GridTask]:
    qs = GridTask.objects.filter(area_scope_q(actor, access.READ_ROLES)).select_related(
        "area", "assignee"
    )
    if active_only:
        qs = qs.filter(status__in=[workflow.OPEN, workflow.IN_PROGRESS])
    return qs


def task_get_for(*, actor: User, task_id: int) -> GridTask:
    task = task_list_for(actor=actor, active_only=False).filter(pk=task_id).first()
    if task is None:
        access_record(
            actor=actor, action="grid.task.view", object_type="grid_task",
            object_id=task_id, outcome="not_found",
        )  # fmt: skip
        raise NotFound("no such task")
    return task


def _zh() -> bool:
    return (get_language() or "en").lower().startswith("zh")


def task_dict(task: GridTask, actor: User) -> dict:
    zh = _zh()
    caps = access.task_capabilities(actor, task)
    return {
        "id": task.pk,
        "area": task.area.code,
        "area_name": task.area.name_zh if zh else task.area.name_en,
        "task_type": task.task_type,
        "task_type_label": str(TaskType(task.task_type).label),
        "status": task.status,
        "status_label": str(TaskStatus(task.status).label),
        "case_reference": task.case_reference,
        "note": task.note,
        "due": task.due.isoformat() if task.due else None,
        "assignee": task.assignee.username if task.assignee else None,
        "version": task.version,
        "actions": [
            {"action": a, "label": workflow.TASK.by_action[a].label(zh)}
            for a in workflow.TASK.allowed(task.status, caps)
        ],
    }


def task_dicts_for(*, actor: User) -> list[dict]:
    tasks = list(task_list_for(actor=actor)[:200])
    access_record(
        actor=actor, action="grid.task.list", object_type="grid_task",
        data={"ids": [t.pk for t in tasks], "count": len(tasks)},
    )  # fmt: skip
    return [task_dict(t, actor) for t in tasks]


def draft_key(user: User) -> str:
    """The key the workbench derives its draft-encryption key from: fixed for one user until
    their password changes or their sessions are ended, issued only to a signed-in session."""
    stamp = user.credentials_changed_at.isoformat() if user.credentials_changed_at else "-"
    mac = hmac.new(
        settings.SECRET_KEY.encode(), f"grid-draft|{user.pk}|{stamp}".encode(), hashlib.sha256
    )
    return base64.b64encode(mac.digest()).decode()


def bootstrap_for(*, actor: User) -> dict:
    """What the workbench caches for offline use: the worker's grids, categories, hazard
    sectors, choices and the open tasks."""
    zh = _zh()
    from accord.grid.mediations import NOTICE, NOTICE_VERSION

    return {
        "user": actor.username,
        "grids": [
            {"code": a.code, "name": a.name_zh if zh else a.name_en}
            for a in access.worker_grids(actor)
        ],
        "categories": [
            {"code": c.code, "name": c.name_zh if zh else c.name_en}
            for c in Category.objects.filter(active=True)
        ],
        "sectors": [
            {"code": s.code, "name": s.name_zh if zh else s.name_en}
            for s in Sector.objects.filter(active=True).order_by("code")
        ],
        "purposes": [{"code": v, "name": str(label)} for v, label in VisitPurpose.choices],
        "notice": {"version": NOTICE_VERSION, "text": str(NOTICE)},
        "tasks": task_dicts_for(actor=actor),
        "key": draft_key(actor),
    }
