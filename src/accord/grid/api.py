"""API of the grid app (registered in accord.config.api.ROUTER_MODULES): thin."""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.csrf import get_token
from ninja import Router, Status

from accord.accounts.apiauth import AUTH
from accord.core.errors import Forbidden
from accord.grid import access, selectors, sync, tasks
from accord.grid.schemas import GridTaskIn, ReassignIn, SyncIn, TaskTransitionIn

router = Router(tags=["grid"])


@router.get("/grid/bootstrap", auth=AUTH)
def bootstrap(request: HttpRequest):
    """The workbench's reference data and open tasks, and the draft key (grid workers)."""
    if not access.is_grid_worker(request.auth):
        raise Forbidden("only grid workers use the workbench", code="forbidden")
    return {**selectors.bootstrap_for(actor=request.auth), "csrf": get_token(request)}


@router.post("/grid/sync", auth=AUTH)
def sync_queue(request: HttpRequest, payload: SyncIn):
    """Apply the device's offline queue in order; a replayed item is answered, not redone."""
    items = [i.model_dump() for i in payload.items]
    return {"results": sync.sync_apply(actor=request.auth, items=items)}


@router.get("/grid/tasks", auth=AUTH)
def list_tasks(request: HttpRequest):
    """Open tasks of the grids the caller works in or oversees."""
    return {"items": selectors.task_dicts_for(actor=request.auth)}


@router.post("/grid/tasks", response={201: dict}, auth=AUTH)
def create_task(request: HttpRequest, payload: GridTaskIn):
    task = tasks.task_create(actor=request.auth, **payload.model_dump())
    return Status(201, selectors.task_dict(task, request.auth))


@router.post("/grid/tasks/{task_id}/transitions", auth=AUTH)
def transition_task(request: HttpRequest, task_id: int, payload: TaskTransitionIn):
    task = selectors.task_get_for(actor=request.auth, task_id=task_id)
    task = tasks.task_transition(
        actor=request.auth, task=task, action=payload.action, version=payload.version
    )
    return selectors.task_dict(task, request.auth)


@router.post("/grid/areas/{code}/reassign", auth=AUTH)
def reassign_grid(request: HttpRequest, code: str, payload: ReassignIn):
    """Move the grid's open tasks to another of its workers (coordinators)."""
    moved = tasks.grid_tasks_reassign(actor=request.auth, area=code, to_user=payload.to_user)
    return {"moved": moved}
