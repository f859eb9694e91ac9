"""Reads the web pages need beyond the cases selectors, scoped to the actor."""

from __future__ import annotations

from django.db.models import Q

from accord.accounts.models import CASE_STAFF_ROLES, COORDINATOR_ROLES, Membership, Role, User
from accord.accounts.permissions import areas_for, roles_of
from accord.core.models import Area

MAX_STAFF = 300


def assignable_staff(*, actor: User) -> list[tuple[str, str]]:
    """(username, label) of case staff working inside the areas where `actor` coordinates.
    Empty for anyone who is not a coordinator."""
    areas = areas_for(actor, COORDINATOR_ROLES)
    if not areas:
        return []
    q = Q(pk__in=[])
    for area in areas:
        q |= Q(area__path__startswith=area.path)
    rows = (
        Membership.objects.filter(q, role__in=CASE_STAFF_ROLES, user__is_active=True)
        .select_related("user", "area")
        .order_by("area__path", "user__username")[:MAX_STAFF]
    )
    seen: dict[str, str] = {}
    for m in rows:
        if m.user.username in seen:
            continue
        role = Role(m.role).label
        seen[m.user.username] = f"{m.user} ({m.user.username}) · {role} · {m.area.name()}"
    return list(seen.items())


DASHBOARD_ROLES = frozenset(
    {
        Role.MEDIATOR,
        Role.TOWNSHIP_COORDINATOR,
        Role.COUNTY_SUPERVISOR,
        Role.DEPARTMENT_HANDLER,
        Role.ANALYST,
        Role.ADMIN,
    }
)


def dashboard_roots(*, actor: User) -> list[Area]:
    """The top areas of the actor's dashboard scope (no area below another)."""
    areas = sorted(areas_for(actor, DASHBOARD_ROLES), key=lambda a: a.path)
    roots: list[Area] = []
    for area in areas:
        if not any(area.path.startswith(r.path) for r in roots):
            roots.append(area)
    return roots


def aggregates_only(actor: User) -> bool:
    """Analysts (without a case-handling role) see aggregates only, small cells suppressed."""
    roles = roles_of(actor)
    return Role.ANALYST in roles and not roles & set(CASE_STAFF_ROLES)
