"""The alert lifecycle as data: states, a transition table (`ALERT`, a `core.statemachine`
Machine) and its guard. Pure.

new ──acknowledge──→ acknowledged ──add_task──→ action_plan
 │                       │                        │
 │                       └──close_real / close_false──┤
 └──close_false (a false alarm may be closed at once) ┘
new ──escalate (system: not acknowledged by the deadline)──→ new, one tier up

`check`, `allowed` and `Refused` are the machine's own (with an alert's facts built from a
status and a reason); `earlywarning.alerts` turns a refusal into its API/page error with
`core.statemachine.check_or_raise(..., code_prefix="alert")`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from accord.core.statemachine import SYSTEM, Machine, Messages, Refused, Transition  # noqa: F401

NEW, ACK, PLAN = "new", "acknowledged", "action_plan"
CLOSED_REAL, CLOSED_FALSE = "closed_real", "closed_false"
CLOSED = frozenset({CLOSED_REAL, CLOSED_FALSE})
OPEN = frozenset({NEW, ACK, PLAN})

# Capabilities (see earlywarning.access); the system's own is core.statemachine.SYSTEM.
RESPONSIBLE = "responsible"  # staff over the responsible unit (or above it)


@dataclass(frozen=True)
class AlertFacts:
    """What the guard may look at: the alert's status and the reason given with the action."""

    status: str
    reason: str = ""


def needs_reason(facts: AlertFacts) -> str | None:
    return None if facts.reason.strip() else "a reason is required"


ALERT = Machine(
    "alert",
    (
        Transition("acknowledge", {NEW}, ACK, {RESPONSIBLE}),
        Transition("add_task", {ACK, PLAN}, PLAN, {RESPONSIBLE}),
        Transition("complete_task", {PLAN}, None, {RESPONSIBLE}),
        Transition("close_real", {ACK, PLAN}, CLOSED_REAL, {RESPONSIBLE}, (needs_reason,)),
        Transition("close_false", {NEW, ACK, PLAN}, CLOSED_FALSE, {RESPONSIBLE}, (needs_reason,)),
        # Only the platform escalates (alerts_escalate_unacknowledged): never offered.
        Transition("escalate", {NEW}, NEW, {SYSTEM}),
    ),
    messages=Messages(
        unknown="unknown action {action!r}",
        state="cannot {action} an {entity} that is {status}",
        role="you may not {action} this {entity}",
    ),
)
TRANSITIONS: dict[str, Transition] = ALERT.by_action


def check(action: str, status: str, caps: Iterable[str], reason: str = "") -> Transition:
    """The transition if `action` may happen now, else `Refused` (unknown | state | role |
    guard)."""
    return ALERT.check(action, AlertFacts(status, reason), caps)


def allowed(status: str, caps: Iterable[str]) -> list[str]:
    """Actions to offer a person (never the system's escalate)."""
    return ALERT.allowed(status, caps)
