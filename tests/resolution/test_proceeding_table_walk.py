"""The whole proceeding table walked with roles, through the core state machine: every row is
allowed for its capabilities from each of its sources, refused 403 for every other capability
and 409 from every other state; then the same through `proceeding_transition` with real
users (a mediator, a coordinator, the resident who filed the case, staff of another township),
where a refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from accord.core.errors import Conflict, DomainError, Forbidden, ValidationFailed
from accord.core.statemachine import Machine, Refused, Transition, check_or_raise, walk
from accord.resolution import workflow as wf
from accord.resolution.models import Proceeding, ProceedingEvent
from accord.resolution.proceedings import OpenInput, proceeding_open
from accord.resolution.transitions import EFFECTS, proceeding_transition

M = wf.PROCEEDING
# The capability sets people hold: staff, a coordinator (who is staff too), the party, nobody.
ROLE_CAPS = {
    "handler": frozenset({wf.HANDLER}),
    "approver": frozenset({wf.HANDLER, wf.APPROVER}),
    "party": frozenset({wf.PARTY}),
    "outsider": frozenset(),
}


def passing_facts(action: str, status: str, channel: str = wf.ADMIN_MEDIATION) -> wf.Facts:
    """Facts under which every guard of `action` passes (so only state and role decide)."""
    return wf.Facts(
        channel=channel,
        status=status,
        note="reason",
        outcome=wf.FAILURE,
        approved_by="chair",
        extension=1,
        extension_max=5,
        extendable=True,
        suspended=action == "resume",
        has_agreement_text=True,
    )


ROWS = [(t, status, role) for t in M.transitions for status in wf.STATES for role in ROLE_CAPS]


@pytest.mark.parametrize(
    ("t", "status", "role"), ROWS, ids=[f"{t.action}-{s}-{r}" for t, s, r in ROWS]
)
def test_every_row_state_and_role_through_the_core(t, status, role):
    caps = ROLE_CAPS[role]
    facts = passing_facts(t.action, status)
    offered = wf.allowed_actions(facts.channel, status, caps)
    if status not in t.sources:
        with pytest.raises(Conflict) as exc:
            check_or_raise(M, t.action, facts, caps)
        assert exc.value.status == 409 and exc.value.code == "transition_state"
        assert exc.value.detail == (
            f"action {t.action!r} is not possible while the proceeding is {status!r}"
        )
        assert t.action not in offered
    elif t.who & caps:
        assert check_or_raise(M, t.action, facts, caps) is t
        assert t.action in offered and t.action in M.allowed(status, caps)
    else:
        with pytest.raises(Forbidden) as exc:
            check_or_raise(M, t.action, facts, caps)
        assert exc.value.status == 403 and exc.value.code == "transition_role"
        assert exc.value.detail == f"you may not {t.action!r} this proceeding"
        assert t.action not in offered


def test_the_table_as_a_whole():
    # Every state is reachable from an application, and nothing leaves a finished one.
    assert walk(M, wf.P.APPLIED) == set(wf.STATES)
    assert all(not t.sources & wf.FINISHED for t in M.transitions)
    # Every row has its effect in the service's dict, and the dict names no other action.
    assert set(EFFECTS) == set(wf.ACTIONS)
    assert all(M.effect_for(a, EFFECTS) is EFFECTS[a] for a in wf.ACTIONS)
    # Only the party may withdraw as well as staff; only an approver may extend.
    assert {t.action for t in M.transitions if wf.PARTY in t.who} == {"withdraw"}
    assert {t.action for t in M.transitions if wf.APPROVER in t.who} == {"extend"}
    # An unknown action is a 422 naming the known ones.
    with pytest.raises(ValidationFailed) as exc:
        check_or_raise(M, "mediate", passing_facts("mediate", wf.P.APPLIED), ROLE_CAPS["approver"])
    assert exc.value.status == 422 and exc.value.code == "transition_unknown"
    assert exc.value.detail == f"unknown action 'mediate'; known: {', '.join(wf.ACTIONS)}"
    # A guard's refusal is a 422 with the guard's reason, after state and role have passed.
    no_note = wf.Facts(channel=wf.ADMIN_MEDIATION, status=wf.P.APPLIED)
    with pytest.raises(ValidationFailed) as exc:
        check_or_raise(M, "refuse", no_note, ROLE_CAPS["handler"])
    assert (exc.value.status, exc.value.code) == (422, "transition_guard")
    assert exc.value.detail == "a note giving the reason is required"
    with pytest.raises(Forbidden):
        check_or_raise(M, "refuse", no_note, ROLE_CAPS["party"])


def test_a_row_for_some_channels_is_unknown_elsewhere_and_not_offered():
    row = Transition("confirm", [wf.P.APPLIED], None, [wf.HANDLER],
                     applies=wf.in_channels(wf.JUDICIAL_CONFIRMATION))  # fmt: skip
    m = Machine("proceeding", (row,), messages=wf.MESSAGES)
    here = wf.Facts(channel=wf.JUDICIAL_CONFIRMATION, status=wf.P.APPLIED)
    elsewhere = wf.Facts(channel=wf.PEOPLE_MEDIATION, status=wf.P.APPLIED)
    assert m.check("confirm", here, {wf.HANDLER}) is row
    with pytest.raises(Refused) as exc:
        m.check("confirm", elsewhere, {wf.HANDLER})
    assert exc.value.kind == "unknown"
    assert m.allowed(wf.P.APPLIED, {wf.HANDLER}, elsewhere) == []


# --- the same through the service, with real users --------------------------------------------

# Per action: the request that satisfies its guards (a note, an outcome, an approval).
REQUEST = {
    "accept": {},
    "refuse": {"note": "not within our remit"},
    "start": {},
    "conclude": {"outcome": wf.FAILURE, "note": "no agreement"},
    "withdraw": {"note": "settled between them"},
    "suspend": {"note": "awaiting an expert opinion"},
    "resume": {},
    "extend": {"note": "complex", "approved_by": "director", "extension": 5},
    "restart": {"note": "new claim"},
}
# How to bring a fresh proceeding (applied) into each state, by the steps staff take.
TO_STATE = {
    wf.P.APPLIED: [],
    wf.P.ACCEPTED: ["accept"],
    wf.P.IN_PROGRESS: ["accept", "start"],
    wf.P.CONCLUDED: ["accept", "start", "conclude"],
    wf.P.REFUSED: ["refuse"],
    wf.P.WITHDRAWN: ["withdraw"],
}
# The source state each row is taken from when it succeeds (where its guards can pass:
# administrative mediation's clock runs from acceptance and may be extended).
SUCCESS_FROM = {
    "accept": wf.P.APPLIED,
    "refuse": wf.P.APPLIED,
    "start": wf.P.ACCEPTED,
    "conclude": wf.P.IN_PROGRESS,
    "withdraw": wf.P.IN_PROGRESS,
    "suspend": wf.P.ACCEPTED,
    "resume": wf.P.ACCEPTED,
    "extend": wf.P.ACCEPTED,
    "restart": wf.P.ACCEPTED,
}


@pytest.fixture
def people(areas, make_user, mediator, coordinator, resident):
    return {
        "handler": mediator,
        "approver": coordinator,
        "party": resident,
        "outsider": make_user("mediator", areas.t2, username="mediator_t2"),
    }


@pytest.fixture
def proceeding_in(areas, make_case, people):
    """proceeding_in(status) -> an administrative mediation on a case the resident filed,
    opened and moved to `status` by the township mediator."""
    staff = people["handler"]
    applied = timezone.localdate() - dt.timedelta(days=3)

    def build(status: str) -> Proceeding:
        case, _ = make_case(area=areas.t1c1g1, actor=people["party"], category="traffic")
        p = proceeding_open(
            actor=staff, case=case, data=OpenInput(channel=wf.ADMIN_MEDIATION, applied_on=applied)
        )
        for action in TO_STATE[status]:
            p = proceeding_transition(actor=staff, proceeding=p, action=action, **REQUEST[action])
        assert p.status == status
        return p

    return build


def test_every_row_with_real_users_through_the_service(proceeding_in, people):
    # A refusal writes nothing, so one proceeding per state serves every refusal.
    in_state = {status: proceeding_in(status) for status in wf.STATES}

    def refused(error, code, status, role, action):
        p = in_state[status]
        before = events_of(p)
        with pytest.raises(error) as exc:
            proceeding_transition(actor=people[role], proceeding=p, action=action,
                                  **REQUEST[action])  # fmt: skip
        assert (exc.value.status, exc.value.code) == (error.status, code), (action, status, role)
        assert_unchanged(p, status, before)

    for t in M.transitions:
        # From every state outside its sources: 409, for staff and for the party.
        for status, role in itertools.product(set(wf.STATES) - t.sources, ("approver", "party")):
            refused(Conflict, "transition_state", status, role, t.action)
        # From its sources, for every role without its capabilities: 403.
        for status, role in itertools.product(t.sources, ROLE_CAPS):
            if not t.who & ROLE_CAPS[role]:
                refused(Forbidden, "transition_role", status, role, t.action)
        # Allowed for each role holding its capabilities (from the state its guards allow).
        for role, caps in ROLE_CAPS.items():
            if not t.who & caps:
                continue
            p = proceeding_in(SUCCESS_FROM[t.action])
            if t.action == "resume":
                proceeding_transition(actor=people["handler"], proceeding=p, action="suspend",
                                      **REQUEST["suspend"])  # fmt: skip
            try:
                done = proceeding_transition(
                    actor=people[role], proceeding=p, action=t.action, **REQUEST[t.action]
                )
            except DomainError as exc:  # say which row and why
                pytest.fail(f"{t.action} by {role}: {exc.code}: {exc.detail}")
            assert done.status == (t.target or SUCCESS_FROM[t.action]), (t.action, role)
            assert ProceedingEvent.objects.filter(proceeding=p, action=t.action).exists()


def events_of(p: Proceeding) -> int:
    return ProceedingEvent.objects.filter(proceeding=p).count()


def assert_unchanged(p: Proceeding, status: str, events_before: int) -> None:
    assert Proceeding.objects.get(pk=p.pk).status == status
    assert events_of(p) == events_before
