"""Who may do what in the wellbeing part (need to know): counsellors (role counselor) over
their jurisdiction's crisis alerts; a unit's counsellors and its head over its queue; session
notes only for the assigned counsellor and the unit head (supervisor)."""

from __future__ import annotations

from accord.accounts.models import Role
from accord.accounts.permissions import has_role_over, roles_of
from accord.wellbeing.models import CounsellingRequest, Counsellor, CrisisAlert, Unit
from accord.wellbeing.workflow import COUNSELLOR, REQUESTER, SUPERVISOR

COUNSELLOR_ROLES = frozenset({Role.COUNSELOR})


def is_counsellor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and roles_of(user) & COUNSELLOR_ROLES)


def heads_unit_over(user, area) -> bool:
    """Heads a unit whose area contains `area`."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(u.area.contains(area) for u in Unit.objects.filter(head=user).select_related("area"))


def alert_capabilities(actor, alert: CrisisAlert) -> set[str]:
    caps: set[str] = set()
    if not is_counsellor(actor):
        return caps
    if has_role_over(actor, alert.area, COUNSELLOR_ROLES):
        caps.add(COUNSELLOR)
    if heads_unit_over(actor, alert.area):
        caps.add(SUPERVISOR)
    if alert.steps.filter(notified=actor).exists():  # called for it, whatever the area
        caps.add(COUNSELLOR)
    return caps


def works_at(actor, unit: Unit) -> bool:
    return Counsellor.objects.filter(user=actor, unit=unit).exists()


def request_capabilities(actor, req: CounsellingRequest) -> set[str]:
    caps: set[str] = set()
    if not getattr(actor, "is_authenticated", False):
        return caps
    if req.requester_id == actor.pk:
        caps.add(REQUESTER)
    if is_counsellor(actor):
        if req.unit.head_id == actor.pk:
            caps.add(SUPERVISOR)
        if works_at(actor, req.unit):
            caps.add(COUNSELLOR)
    return caps


def may_read_notes(actor, req: CounsellingRequest) -> bool:
    """Only the assigned counsellor and the unit head (supervisor)."""
    if not is_counsellor(actor):
        return False
    return actor.pk in {req.counsellor_id, req.unit.head_id} - {None}
