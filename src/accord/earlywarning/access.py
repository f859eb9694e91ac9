"""Permission predicates on alerts: the lifecycle capabilities an actor holds on one alert."""

from __future__ import annotations

from accord.accounts.models import CASE_STAFF_ROLES, User
from accord.accounts.permissions import has_role_over
from accord.earlywarning import lifecycle
from accord.earlywarning.models import Alert


def alert_capabilities(actor: User | None, alert: Alert) -> set[str]:
    """Staff over the responsible unit (or above it) are responsible for the alert."""
    caps: set[str] = set()
    if actor is not None and actor.is_authenticated:
        if has_role_over(actor, alert.responsible_area, CASE_STAFF_ROLES):
            caps.add(lifecycle.RESPONSIBLE)
    return caps
