"""Permission predicates: who holds which role where. Pure reads, no side effects."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from accord.accounts.models import CASE_STAFF_ROLES, Membership, Role, User
from accord.core.models import Area


def memberships_of(user: User) -> list[Membership]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_accord_memberships", None)
    if cached is None:
        cached = list(user.memberships.select_related("area"))
        user._accord_memberships = cached  # type: ignore[attr-defined]
    return cached


def roles_of(user: User) -> set[str]:
    return {m.role for m in memberships_of(user)}


def primary_role(user: User) -> str:
    """The most senior role a user holds, for display and audit."""
    order = [r.value for r in Role][::-1]
    roles = roles_of(user)
    return next((r for r in order if r in roles), "")


def areas_for(user: User, roles: Iterable[str]) -> list[Area]:
    wanted = set(roles)
    return [m.area for m in memberships_of(user) if m.role in wanted]


_MAX_ID_LIST = 5000


def _subtree_ids(user: User, areas: list[Area], subtree: Q) -> list[int]:
    """The ids of the areas below `areas`, kept on the user object like its memberships (one
    request), since a case list asks for them twice (area, handling area)."""
    cache = user.__dict__.setdefault("_accord_subtree_ids", {})
    key = tuple(sorted(a.pk for a in areas))
    if key not in cache:
        cache[key] = list(
            Area.objects.filter(subtree).values_list("pk", flat=True)[: _MAX_ID_LIST + 1]
        )
    return cache[key]


def area_scope_q(user: User, roles: Iterable[str], field: str = "area__path") -> Q:
    """A filter matching objects whose area lies in a subtree where `user` holds one of
    `roles`. Matches nothing when the user holds none.

    `field` names the area's path ("area__path", "case__handling_area__path"). The filter
    is written on the foreign key (`area__in` the subtree's area ids) so that the database
    uses the index on the object's area column instead of joining every row to its area to
    compare paths."""
    areas = areas_for(user, roles)
    if not areas:
        return Q(pk__in=[])
    subtree = Q()
    for area in areas:
        subtree |= Q(path__startswith=area.path)
    if field.endswith("__path"):
        fk = field[: -len("__path")]
        # The ids themselves rather than a subquery: with a list, PostgreSQL combines the
        # foreign-key indexes (also for "area OR handling area"); with a subquery inside an
        # OR it scanned the whole case table. A huge subtree keeps the subquery.
        ids = _subtree_ids(user, areas, subtree)
        if len(ids) > _MAX_ID_LIST:
            return Q(**{f"{fk}__in": Area.objects.filter(subtree).values("pk")})
        return Q(**{f"{fk}__in": ids})
    q = Q(pk__in=[])
    for area in areas:
        q |= Q(**{f"{field}__startswith": area.path})
    return q


def has_role_over(user: User, area: Area, roles: Iterable[str]) -> bool:
    return any(a.contains(area) for a in areas_for(user, roles))


def is_case_staff(user: User) -> bool:
    return bool(roles_of(user) & set(CASE_STAFF_ROLES))
