"""Who may do what on participation objects (pure reads of memberships)."""

from __future__ import annotations

from typing import Any

from accord.accounts.models import COORDINATOR_ROLES, STAFF_ROLES
from accord.accounts.permissions import has_role_over, roles_of
from accord.participation import workflow as wf

# Staff who publish drafts and answer for them: coordinator, county supervisor, admin whose
# membership covers the consultation's area.
CONSULTATION_ROLES = COORDINATOR_ROLES


def manages_area(actor: Any, area: Any) -> bool:
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and has_role_over(actor, area, CONSULTATION_ROLES)
    )


def is_participation_staff(actor: Any) -> bool:
    """Holds a consultation role somewhere (for the workbench link and pages)."""
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and roles_of(actor) & set(CONSULTATION_ROLES)
    )


def is_any_staff(actor: Any) -> bool:
    return bool(
        actor is not None
        and getattr(actor, "is_authenticated", False)
        and roles_of(actor) & set(STAFF_ROLES)
    )


def consultation_capabilities(actor: Any, consultation: Any) -> set[str]:
    return {wf.STAFF} if manages_area(actor, consultation.area) else set()
