"""The alert lifecycle as data: states, a transition table and guards. Pure.

new ──acknowledge──→ acknowledged ──add_task──→ action_plan
 │                       │                        │
 │                       └──close_real / close_false──┤
 └──close_false (a false alarm may be closed at once) ┘
new ──escalate (system: not acknowledged by the deadline)──→ new, one tier up
"""

from __future__ import annotations

from dataclasses import dataclass

NEW, ACK, PLAN = "new", "acknowledged", "action_plan"
CLOSED_REAL, CLOSED_FALSE = "closed_real", "closed_false"
CLOSED = frozenset({CLOSED_REAL, CLOSED_FALSE})
OPEN = frozenset({NEW, ACK, PLAN})

# Capabilities
RESPONSIBLE = "responsible"  # staff over the responsible unit (or above it)
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the status stays (e.g. another task added)
    needs: str  # capability
    reason_required: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("acknowledge", frozenset({NEW}), ACK, RESPONSIBLE),
        Transition("add_task", frozenset({ACK, PLAN}), PLAN, RESPONSIBLE),
        Transition("complete_task", frozenset({PLAN}), None, RESPONSIBLE),
        Transition("close_real", frozenset({ACK, PLAN}), CLOSED_REAL, RESPONSIBLE, True),
        Transition("close_false", frozenset({NEW, ACK, PLAN}), CLOSED_FALSE, RESPONSIBLE, True),
        Transition("escalate", frozenset({NEW}), NEW, SYSTEM),
    )
}


class Refused(Exception):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind  # unknown | state | role | guard
        self.message = message


def check(action: str, status: str, caps: set[str], reason: str = "") -> Transition:
    t = TRANSITIONS.get(action)
    if t is None:
        raise Refused("unknown", f"unknown action {action!r}")
    if status not in t.sources:
        raise Refused("state", f"cannot {action} an alert that is {status}")
    if t.needs not in caps:
        raise Refused("role", f"you may not {action} this alert")
    if t.reason_required and not reason.strip():
        raise Refused("guard", "a reason is required")
    return t


def allowed(status: str, caps: set[str]) -> list[str]:
    return [
        a
        for a, t in TRANSITIONS.items()
        if status in t.sources and t.needs in caps and t.needs != SYSTEM
    ]
