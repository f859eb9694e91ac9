"""State tables of the wellbeing part (on `accord.core.statemachine`). Pure.

Crisis alert:  raised → escalated (… again, every interval, until someone acknowledges)
               → acknowledged → resolved | handed_over (to emergency services, 120).
A person in danger can be handed straight to emergency services from raised or escalated.

Counselling request: queued → scheduled (an appointment) → completed; queued/scheduled →
cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord.core.statemachine import SYSTEM, Machine, Transition

COUNSELLOR = "counsellor"  # a counsellor whose jurisdiction covers the object's area
SUPERVISOR = "supervisor"  # the head of the unit
REQUESTER = "requester"  # the resident who asked (may cancel)


@dataclass(frozen=True)
class AlertFacts:
    status: str
    note: str = ""


@dataclass(frozen=True)
class RequestFacts:
    status: str
    appointment_set: bool = False
    counsellor_set: bool = False


def needs_note(facts) -> str | None:
    return None if (facts.note or "").strip() else "a short note on what was done is required"


def needs_appointment(facts: RequestFacts) -> str | None:
    if not facts.appointment_set:
        return "an appointment time is required"
    if not facts.counsellor_set:
        return "a counsellor is required"
    return None


OPEN = ("raised", "escalated")
STAFF = (COUNSELLOR, SUPERVISOR)

ALERT = Machine(
    "crisis alert",
    (
        Transition("escalate", OPEN, "escalated", {SYSTEM}, en="Escalate", zh="升级"),
        Transition("acknowledge", OPEN, "acknowledged", STAFF, en="Acknowledge", zh="确认接手"),
        Transition(
            "resolve", {"acknowledged"}, "resolved", STAFF, (needs_note,),
            en="Resolve", zh="处置完毕",
        ),
        Transition(
            "hand_over", (*OPEN, "acknowledged"), "handed_over", STAFF, (needs_note,),
            en="Hand to emergency services", zh="移交急救/警方",
        ),
    ),
)  # fmt: skip

REQUEST = Machine(
    "counselling request",
    (
        Transition(
            "schedule", {"queued", "scheduled"}, "scheduled", STAFF, (needs_appointment,),
            en="Make an appointment", zh="预约",
        ),
        Transition("complete", {"scheduled"}, "completed", STAFF, en="Completed", zh="已完成"),
        Transition(
            "cancel", {"queued", "scheduled"}, "cancelled", (*STAFF, REQUESTER),
            en="Cancel", zh="取消",
        ),
    ),
)  # fmt: skip
