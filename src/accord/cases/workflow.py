"""The case workflow as data: states, a transition table (`CASE`, a `core.statemachine`
Machine) and guard functions.

Pure: no ORM, no I/O. `cases.transitions.case_transition` is the only code that changes a
case's status, and it asks `CASE` what is allowed (`check`, `allowed_actions` and
`TransitionRefused` below are the machine's own, under the names callers use).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from accord.core.statemachine import Machine, Refused, Transition


class S:
    REGISTERED = "registered"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    REDIRECTED = "redirected"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REFERRED = "referred"
    ESCALATED = "escalated"
    FOLLOW_UP = "follow_up"
    CLOSED = "closed"
    ARCHIVED = "archived"
    WITHDRAWN = "withdrawn"
    REOPENED = "reopened"


STATES = (
    S.REGISTERED, S.ACCEPTED, S.REJECTED, S.REDIRECTED, S.ASSIGNED, S.IN_PROGRESS,
    S.RESOLVED, S.REFERRED, S.ESCALATED, S.FOLLOW_UP, S.CLOSED, S.ARCHIVED, S.WITHDRAWN,
    S.REOPENED,
)  # fmt: skip
# States in which the case is finished: no clock runs, nothing more is expected of staff.
TERMINAL = frozenset({S.REJECTED, S.REDIRECTED, S.ARCHIVED, S.WITHDRAWN})
FINISHED = TERMINAL | {S.CLOSED}
OPEN = frozenset(STATES) - FINISHED


# Capabilities an actor has on one case (computed by services from role and jurisdiction).
STAFF = "staff"  # case staff whose jurisdiction covers the case
COORDINATOR = "coordinator"  # may assign others
ASSIGNEE = "assignee"  # the staff member the case is assigned to
APPLICANT = "applicant"  # the resident who filed it


@dataclass(frozen=True)
class CaseFacts:
    """What guards may look at: a snapshot of the case and of the request."""

    status: str
    tier: str
    top_tier: str
    note: str = ""
    satisfaction: int | None = None
    agreement_performed: bool | None = None
    assignee_given: bool = False
    has_assignee: bool = False


Guard = Callable[[CaseFacts], str | None]  # returns a reason to refuse, or None


def needs_note(facts: CaseFacts) -> str | None:
    return None if facts.note.strip() else "a note giving the reason is required"


def needs_satisfaction(facts: CaseFacts) -> str | None:
    if facts.satisfaction is None or not 1 <= facts.satisfaction <= 5:
        return "satisfaction (1-5) is required for a follow-up visit"
    return None


def needs_performance_answer(facts: CaseFacts) -> str | None:
    if facts.status == S.RESOLVED and facts.agreement_performed is None:
        return "say whether the agreement was performed (agreement_performed)"
    return None


def below_top_tier(facts: CaseFacts) -> str | None:
    if facts.tier == facts.top_tier:
        return (
            "the case is already at the highest tier; refer the parties to arbitration, "
            "administrative reconsideration or court instead"
        )
    return None


def needs_assignee(facts: CaseFacts) -> str | None:
    return None if facts.has_assignee else "the case has no assignee; assign it first"


# The working states: the case is being handled. A party or staff may escalate or withdraw it;
# an overrun deadline moves it up a tier (cases.transitions.case_escalate_overdue); a forming
# collective dispute raises its tier (earlywarning.groups).
WORKING = (S.REGISTERED, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.ESCALATED, S.REOPENED)


def _t(action, sources, target, who, guards=(), en="", zh="") -> Transition:
    return Transition(action, sources, target, who, guards, en=en, zh=zh)


TRANSITIONS: tuple[Transition, ...] = (
    _t("accept", [S.REGISTERED, S.ESCALATED], S.ACCEPTED, [STAFF], en="Accept", zh="受理"),
    _t("reject", [S.REGISTERED], S.REJECTED, [STAFF], [needs_note], "Reject", "不予受理"),
    _t("redirect", [S.REGISTERED], S.REDIRECTED, [STAFF], [needs_note], "Redirect", "转交其他机关"),
    _t("assign", [S.ACCEPTED, S.ASSIGNED, S.REOPENED], S.ASSIGNED, [STAFF], en="Assign", zh="指派"),
    _t("start", [S.ASSIGNED], S.IN_PROGRESS, [ASSIGNEE, COORDINATOR], [needs_assignee],
       "Start handling", "开始办理"),
    _t("record_attempt", [S.IN_PROGRESS], S.IN_PROGRESS, [ASSIGNEE, COORDINATOR], [needs_note],
       "Record a failed attempt", "记录调解未成"),
    _t("resolve", [S.IN_PROGRESS], S.RESOLVED, [ASSIGNEE, COORDINATOR], [needs_note],
       "Resolve", "办结"),
    _t("refer", [S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS], S.REFERRED, [STAFF], [needs_note],
       "Refer to another channel", "引导至其他渠道"),
    _t("escalate", WORKING, S.ESCALATED, [STAFF, APPLICANT], [below_top_tier],
       "Escalate", "提级办理"),
    _t("follow_up", [S.RESOLVED, S.REFERRED], S.FOLLOW_UP, [STAFF],
       [needs_satisfaction, needs_performance_answer], "Record follow-up visit", "回访"),
    _t("close", [S.FOLLOW_UP], S.CLOSED, [STAFF], en="Close", zh="结案"),
    _t("archive", [S.CLOSED], S.ARCHIVED, [COORDINATOR], en="Archive", zh="归档"),
    _t("withdraw", WORKING, S.WITHDRAWN, [APPLICANT, STAFF], [needs_note],
       "Withdraw", "撤回"),
    _t("reopen", [S.RESOLVED, S.FOLLOW_UP, S.CLOSED], S.REOPENED, [STAFF], [needs_note],
       "Reopen", "重新办理"),
)  # fmt: skip

# The default wording of core.statemachine.Messages is the case's ("... while the case is ...").
CASE = Machine("case", TRANSITIONS)
BY_ACTION: dict[str, Transition] = CASE.by_action
ACTIONS = CASE.actions

TransitionRefused = Refused
check = CASE.check


def allowed_actions(status: str, capabilities: frozenset[str] | set[str]) -> list[str]:
    """Actions the state and the actor's capabilities permit (guards are checked on use)."""
    return CASE.allowed(status, capabilities)
