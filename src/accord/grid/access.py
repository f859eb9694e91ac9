"""Who may do what in the grid part."""

from __future__ import annotations

from accord.accounts.models import CASE_STAFF_ROLES, COORDINATOR_ROLES, Role, User
from accord.accounts.permissions import areas_for, has_role_over
from accord.core.models import Area, Level
from accord.grid import workflow

GRID_ROLES = frozenset({Role.GRID_WORKER})
# Who sees a grid's tasks, visits and mediations: its workers and case staff over it.
READ_ROLES = frozenset(GRID_ROLES | CASE_STAFF_ROLES)


def is_grid_worker(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and areas_for(user, GRID_ROLES))


def worker_grids(user: User) -> list[Area]:
    """The grids (areas at grid level) under the user's grid-worker memberships."""
    out: list[Area] = []
    for area in areas_for(user, GRID_ROLES):
        if area.level == Level.GRID:
            out.append(area)
        else:
            out.extend(Area.objects.subtree(area).filter(level=Level.GRID))
    return sorted({a.pk: a for a in out}.values(), key=lambda a: a.path)


def works_in(user: User, area: Area) -> bool:
    return has_role_over(user, area, GRID_ROLES)


def task_capabilities(user: User, task) -> set[str]:
    caps: set[str] = set()
    if not user.is_authenticated:
        return caps
    if works_in(user, task.area):
        caps.add(workflow.WORKER)
    if has_role_over(user, task.area, CASE_STAFF_ROLES):
        caps.add(workflow.STAFF)
    return caps


def may_create_task(user: User, area: Area) -> bool:
    return has_role_over(user, area, CASE_STAFF_ROLES | GRID_ROLES)


def may_reassign(user: User, area: Area) -> bool:
    return has_role_over(user, area, COORDINATOR_ROLES)
