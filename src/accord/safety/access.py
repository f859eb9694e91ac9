"""Who may do what on the safety part's objects (permission predicates; pure reads)."""

from __future__ import annotations

from accord.accounts.models import Role, User
from accord.accounts.permissions import has_role_over, roles_of
from accord.safety import workflow

# Roles that work on hazards and see the registry's duty holders within their jurisdiction.
SAFETY_ROLES = frozenset({Role.INSPECTOR, Role.ADMIN})


def is_safety_staff(user: User | None) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(
        roles_of(user) & set(SAFETY_ROLES)
    )


def hazard_capabilities(actor: User | None, hazard) -> set[str]:
    caps: set[str] = set()
    if actor is None or not actor.is_authenticated:
        return caps
    if has_role_over(actor, hazard.area, SAFETY_ROLES) or has_role_over(
        actor, hazard.handling_area, SAFETY_ROLES
    ):
        caps.add(workflow.INSPECTOR)
    if hazard.filed_by_id is not None and hazard.filed_by_id == actor.pk:
        caps.add(workflow.REPORTER)
    return caps


def place_manageable(actor: User | None, area) -> bool:
    return actor is not None and actor.is_authenticated and has_role_over(actor, area, SAFETY_ROLES)
