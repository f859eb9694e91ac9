"""Proceedings as data: channels, states, the proceeding table (a `core.statemachine.Machine`)
with its guards, outcomes and the hand-off table. Pure: no ORM, no I/O.
`resolution.transitions.proceeding_transition` is the only code that changes a proceeding's
status, and it asks `PROCEEDING` what is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from accord.core.statemachine import Machine, Messages, Refused, Transition

# --- channels -------------------------------------------------------------------------------

PEOPLE_MEDIATION = "people_mediation"
LABOUR_MEDIATION = "labour_mediation"
ADMIN_MEDIATION = "admin_mediation"
LABOUR_ARBITRATION = "labour_arbitration"
RURAL_LAND_ARBITRATION = "rural_land_arbitration"
COMMERCIAL_ARBITRATION = "commercial_arbitration"
ADMIN_RULING = "admin_ruling"
ADMIN_RECONSIDERATION = "admin_reconsideration"
PETITION = "petition"
LITIGATION_REFERRAL = "litigation_referral"
JUDICIAL_CONFIRMATION = "judicial_confirmation"

# channel -> (English, Chinese)
CHANNEL_NAMES: dict[str, tuple[str, str]] = {
    PEOPLE_MEDIATION: ("People's mediation", "人民调解"),
    LABOUR_MEDIATION: ("Labour dispute mediation", "劳动争议调解"),
    ADMIN_MEDIATION: ("Administrative mediation", "行政调解"),
    LABOUR_ARBITRATION: ("Labour arbitration", "劳动人事争议仲裁"),
    RURAL_LAND_ARBITRATION: ("Rural land contract arbitration", "农村土地承包仲裁"),
    COMMERCIAL_ARBITRATION: ("Commercial arbitration", "商事仲裁"),
    ADMIN_RULING: ("Administrative ruling", "行政裁决"),
    ADMIN_RECONSIDERATION: ("Administrative reconsideration", "行政复议"),
    PETITION: ("Petition (letters and visits)", "信访"),
    LITIGATION_REFERRAL: ("Litigation referral", "诉讼引导"),
    JUDICIAL_CONFIRMATION: ("Judicial confirmation of a mediation agreement", "调解协议司法确认"),
}
CHANNELS = tuple(CHANNEL_NAMES)

MEDIATION = frozenset({PEOPLE_MEDIATION, LABOUR_MEDIATION, ADMIN_MEDIATION})
# Formal channels: a party may always choose one (DESIGN §2).
FORMAL = frozenset(CHANNELS) - MEDIATION - {JUDICIAL_CONFIRMATION}

# Procedures a channel offers ("" = the channel's only procedure).
PROCEDURES: dict[str, tuple[str, ...]] = {
    ADMIN_RECONSIDERATION: ("ordinary", "simplified"),
    PETITION: ("initial", "review", "re_review"),
    LITIGATION_REFERRAL: ("ordinary", "summary", "small_claims", "enforcement"),
}


def default_procedure(channel: str) -> str:
    return PROCEDURES.get(channel, ("",))[0]


# The names used in Category.channels (cases seed data) -> resolution channels.
CATEGORY_CHANNEL_ALIASES = {
    "peoples_mediation": PEOPLE_MEDIATION,
    "mediation": PEOPLE_MEDIATION,
    "medical_mediation": PEOPLE_MEDIATION,
    "administrative_mediation": ADMIN_MEDIATION,
    "administrative_reconsideration": ADMIN_RECONSIDERATION,
    "arbitration": COMMERCIAL_ARBITRATION,
    "litigation": LITIGATION_REFERRAL,
}


def channels_of_category(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        channel = CATEGORY_CHANNEL_ALIASES.get(name, name)
        if channel in CHANNEL_NAMES and channel not in out:
            out.append(channel)
    return out


# --- outcomes -------------------------------------------------------------------------------

AGREEMENT = "agreement"
AWARD = "award"
DECISION = "decision"
JUDGMENT = "judgment"
WITHDRAWAL = "withdrawal"
FAILURE = "failure"
OUTCOMES = (AGREEMENT, AWARD, DECISION, JUDGMENT, WITHDRAWAL, FAILURE)

OUTCOME_NAMES = {
    AGREEMENT: ("Agreement", "达成协议"),
    AWARD: ("Award", "裁决"),
    DECISION: ("Decision", "决定"),
    JUDGMENT: ("Judgment", "判决"),
    WITHDRAWAL: ("Withdrawal", "撤回"),
    FAILURE: ("No agreement / failure", "调解不成"),
}

# Which outcomes may conclude a proceeding of each channel (withdrawal has its own action).
CHANNEL_OUTCOMES: dict[str, frozenset[str]] = {
    PEOPLE_MEDIATION: frozenset({AGREEMENT, FAILURE}),
    LABOUR_MEDIATION: frozenset({AGREEMENT, FAILURE}),
    ADMIN_MEDIATION: frozenset({AGREEMENT, FAILURE}),
    LABOUR_ARBITRATION: frozenset({AWARD, AGREEMENT}),
    RURAL_LAND_ARBITRATION: frozenset({AWARD, AGREEMENT}),
    COMMERCIAL_ARBITRATION: frozenset({AWARD, AGREEMENT}),
    ADMIN_RULING: frozenset({DECISION}),
    ADMIN_RECONSIDERATION: frozenset({DECISION, AGREEMENT}),
    PETITION: frozenset({DECISION}),
    LITIGATION_REFERRAL: frozenset({JUDGMENT, AGREEMENT}),
    JUDICIAL_CONFIRMATION: frozenset({DECISION}),
}

# Outcomes that end the dispute (a follow-up visit is scheduled after them).
RESOLVING = frozenset({AGREEMENT, AWARD, DECISION, JUDGMENT})

# --- states ---------------------------------------------------------------------------------


class P:
    APPLIED = "applied"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    CONCLUDED = "concluded"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


STATES = (P.APPLIED, P.ACCEPTED, P.IN_PROGRESS, P.CONCLUDED, P.REFUSED, P.WITHDRAWN)
STATE_NAMES = {
    P.APPLIED: ("Applied", "已申请"),
    P.ACCEPTED: ("Accepted", "已受理"),
    P.IN_PROGRESS: ("In progress", "办理中"),
    P.CONCLUDED: ("Concluded", "已结束"),
    P.REFUSED: ("Refused", "不予受理"),
    P.WITHDRAWN: ("Withdrawn", "已撤回"),
}
FINISHED = frozenset({P.CONCLUDED, P.REFUSED, P.WITHDRAWN})
ACTIVE = frozenset(STATES) - FINISHED
_OPEN = (P.APPLIED, P.ACCEPTED, P.IN_PROGRESS)

# Capabilities on one proceeding (computed by `access.py` from role and jurisdiction).
HANDLER = "handler"  # staff whose jurisdiction covers the proceeding's handling unit or case
APPROVER = "approver"  # a coordinator / supervisor there: may approve extensions
PARTY = "party"  # the resident who filed the case


@dataclass(frozen=True)
class Facts:
    """What guards may look at: the proceeding and the request."""

    channel: str
    status: str
    note: str = ""
    outcome: str = ""
    approved_by: str = ""
    extension: int | None = None
    extension_max: int | None = 0  # None: no fixed maximum (the approving authority decides)
    extendable: bool = False
    suspended: bool = False
    has_session: bool = False
    has_agreement_text: bool = False


Guard = Callable[[Facts], str | None]


def needs_note(f: Facts) -> str | None:
    return None if f.note.strip() else "a note giving the reason is required"


def valid_outcome(f: Facts) -> str | None:
    allowed = CHANNEL_OUTCOMES.get(f.channel, frozenset())
    if f.outcome not in allowed:
        return f"outcome must be one of {', '.join(sorted(allowed))} for {f.channel}"
    return None


def agreement_has_text(f: Facts) -> str | None:
    if f.outcome == AGREEMENT and f.channel in MEDIATION and not f.has_agreement_text:
        return "record the agreement text and terms before concluding with an agreement"
    return None


def needs_approval(f: Facts) -> str | None:
    if not f.extendable:
        return "no running clock of this proceeding may be extended under its rule"
    if not f.approved_by.strip():
        return "an extension needs the approving authority (approved_by) recorded"
    if f.extension is None or f.extension <= 0:
        return "extension must be a positive number"
    if f.extension_max is not None and f.extension > f.extension_max:
        return f"the rule allows an extension of at most {f.extension_max}"
    return None


def not_suspended(f: Facts) -> str | None:
    return "the clock is already suspended" if f.suspended else None


def is_suspended(f: Facts) -> str | None:
    return None if f.suspended else "the clock is not suspended"


def in_channels(*channels: str) -> Callable[[Facts], bool]:
    """A row's `applies=` for an action only some channels have (elsewhere it is unknown)."""
    chosen = frozenset(channels)
    return lambda f: f.channel in chosen


# --- the proceeding table ---------------------------------------------------------------------

MESSAGES = Messages(
    unknown="unknown action {action!r}; known: {known}",
    state="action {action!r} is not possible while the proceeding is {status!r}",
    role="you may not {action!r} this proceeding",
)

H, A = HANDLER, APPROVER
PROCEEDING = Machine(
    "proceeding",
    (
        Transition("accept", [P.APPLIED], P.ACCEPTED, [H], en="Accept", zh="受理"),
        Transition("refuse", [P.APPLIED], P.REFUSED, [H], [needs_note],
                   en="Refuse", zh="不予受理"),
        Transition("start", [P.ACCEPTED], P.IN_PROGRESS, [H],
                   en="Start (mediation / hearing)", zh="开始调解 / 审理"),
        Transition("conclude", [P.ACCEPTED, P.IN_PROGRESS], P.CONCLUDED, [H],
                   [valid_outcome, agreement_has_text], en="Conclude with an outcome",
                   zh="作出结论"),
        Transition("withdraw", _OPEN, P.WITHDRAWN, [H, PARTY], [needs_note],
                   en="Withdraw", zh="撤回"),
        Transition("suspend", _OPEN, None, [H], [needs_note, not_suspended],
                   en="Suspend the clock", zh="中止计时"),
        Transition("resume", _OPEN, None, [H], [is_suspended],
                   en="Resume the clock", zh="恢复计时"),
        Transition("extend", _OPEN, None, [A], [needs_note, needs_approval],
                   en="Extend (approved)", zh="经批准延长"),
        Transition("restart", _OPEN, None, [H], [needs_note],
                   en="Restart the clock", zh="重新计算期限"),
    ),
    messages=MESSAGES,
)  # fmt: skip

TRANSITIONS: tuple[Transition, ...] = PROCEEDING.transitions
BY_ACTION: dict[str, Transition] = PROCEEDING.by_action
ACTIONS: tuple[str, ...] = PROCEEDING.actions

# Thin names on the core engine (the table tests use them): a refusal is the core's `Refused`.
TransitionRefused = Refused
check = PROCEEDING.check


def allowed_actions(channel: str, status: str, capabilities: Iterable[str]) -> list[str]:
    """The actions a page offers on a proceeding of `channel` in `status`: the core's
    `PROCEEDING.allowed`, without rows that do not apply to the channel. Guards are checked
    when the form is sent (the note they ask for is typed in the form)."""
    facts = Facts(channel=channel, status=status)
    return [
        action
        for action in PROCEEDING.allowed(status, capabilities)
        if BY_ACTION[action].applies is None or BY_ACTION[action].applies(facts)
    ]


# --- hand-offs ------------------------------------------------------------------------------
# (source channel, source outcome) -> channels the parties may move to. "*" = an open
# (unfinished) source: a party can always leave mediation for a formal channel; the
# mediation then ends with the outcome "failure" (recorded as the party's choice).

_AFTER_FAILED_MEDIATION = (
    LABOUR_ARBITRATION, RURAL_LAND_ARBITRATION, COMMERCIAL_ARBITRATION, ADMIN_RULING,
    ADMIN_RECONSIDERATION, PETITION, LITIGATION_REFERRAL,
)  # fmt: skip

HANDOFFS: dict[tuple[str, str], tuple[str, ...]] = {
    (PEOPLE_MEDIATION, FAILURE): _AFTER_FAILED_MEDIATION,
    (PEOPLE_MEDIATION, WITHDRAWAL): _AFTER_FAILED_MEDIATION,
    (PEOPLE_MEDIATION, AGREEMENT): (JUDICIAL_CONFIRMATION,),
    (PEOPLE_MEDIATION, "*"): _AFTER_FAILED_MEDIATION,
    (ADMIN_MEDIATION, FAILURE): _AFTER_FAILED_MEDIATION,
    (ADMIN_MEDIATION, WITHDRAWAL): _AFTER_FAILED_MEDIATION,
    (ADMIN_MEDIATION, AGREEMENT): (JUDICIAL_CONFIRMATION,),
    (ADMIN_MEDIATION, "*"): _AFTER_FAILED_MEDIATION,
    (LABOUR_MEDIATION, FAILURE): (LABOUR_ARBITRATION,),
    (LABOUR_MEDIATION, WITHDRAWAL): (LABOUR_ARBITRATION,),
    (LABOUR_MEDIATION, AGREEMENT): (LABOUR_ARBITRATION,),  # agreement not performed (art. 15)
    (LABOUR_MEDIATION, "*"): (LABOUR_ARBITRATION,),
    (LABOUR_ARBITRATION, AWARD): (LITIGATION_REFERRAL,),
    (LABOUR_ARBITRATION, "refused"): (LITIGATION_REFERRAL,),  # art. 29
    (RURAL_LAND_ARBITRATION, AWARD): (LITIGATION_REFERRAL,),
    (COMMERCIAL_ARBITRATION, AWARD): (LITIGATION_REFERRAL,),  # set aside / enforcement
    (ADMIN_RULING, DECISION): (ADMIN_RECONSIDERATION, LITIGATION_REFERRAL),
    (ADMIN_RECONSIDERATION, DECISION): (LITIGATION_REFERRAL,),
    (ADMIN_RECONSIDERATION, "refused"): (LITIGATION_REFERRAL,),
    (PETITION, DECISION): (PETITION, ADMIN_RECONSIDERATION, LITIGATION_REFERRAL),
    (JUDICIAL_CONFIRMATION, DECISION): (PEOPLE_MEDIATION, LITIGATION_REFERRAL),
}

# Petition review ladder: the procedure that follows a decision in each procedure.
PETITION_NEXT = {"initial": "review", "review": "re_review"}


def handoff_targets(channel: str, status: str, outcome: str) -> tuple[str, ...]:
    """The channels a proceeding in this state may hand the dispute on to."""
    if status in ACTIVE:
        return HANDOFFS.get((channel, "*"), ())
    if status == P.REFUSED:
        return HANDOFFS.get((channel, "refused"), ())
    return HANDOFFS.get((channel, outcome), ())
