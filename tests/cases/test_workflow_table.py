"""The workflow table as pure data: properties of the graph and of check/allowed_actions."""

from __future__ import annotations

import itertools
from collections import deque

import pytest

from accord.cases import workflow as wf
from accord.cases.models import Status

CAPS = (wf.STAFF, wf.COORDINATOR, wf.ASSIGNEE, wf.APPLICANT)
ALL_CAP_SETS = [frozenset(c) for n in range(len(CAPS) + 1) for c in itertools.combinations(CAPS, n)]


def ok_facts(status: str, **kw) -> wf.CaseFacts:
    """Facts that satisfy every guard (so only state and role can refuse)."""
    base = dict(
        status=status,
        tier="community",
        top_tier="city",
        note="because",
        satisfaction=4,
        agreement_performed=True,
        assignee_given=True,
        has_assignee=True,
    )
    base.update(kw)
    return wf.CaseFacts(**base)


def edges() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {s: set() for s in wf.STATES}
    for t in wf.TRANSITIONS:
        for s in t.sources:
            out[s].add(t.target)
    return out


def reachable_from(start: str) -> set[str]:
    graph, seen, todo = edges(), {start}, deque([start])
    while todo:
        for nxt in graph[todo.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


# --- the table is well formed ---------------------------------------------------------------


def test_actions_are_unique_and_indexed():
    actions = [t.action for t in wf.TRANSITIONS]
    assert len(actions) == len(set(actions))
    assert set(wf.BY_ACTION) == set(actions)
    assert wf.ACTIONS == tuple(actions)


def test_states_match_the_model_choices():
    assert set(wf.STATES) == set(Status.values)
    assert len(wf.STATES) == len(set(wf.STATES))
    assert wf.OPEN | wf.FINISHED == set(wf.STATES)
    assert not (wf.OPEN & wf.FINISHED)


@pytest.mark.parametrize("t", wf.TRANSITIONS, ids=lambda t: t.action)
def test_transition_is_well_formed(t):
    assert t.sources, "a transition needs at least one source state"
    assert t.sources <= set(wf.STATES)
    assert t.target in wf.STATES
    assert t.who and t.who <= set(CAPS)
    assert t.label_en and t.label_zh, "every action has an English and a Chinese label"
    assert all(callable(g) for g in t.guards)


def test_every_state_is_reachable_from_registered():
    assert reachable_from(wf.S.REGISTERED) == set(wf.STATES)


@pytest.mark.parametrize("state", sorted(wf.OPEN))
def test_every_open_state_has_an_exit(state):
    exits = edges()[state] - {state}
    assert exits, f"{state} is open but no transition leaves it"
    # ... and from it the case can still be finished one way or another.
    assert reachable_from(state) & wf.FINISHED


@pytest.mark.parametrize("state", sorted(wf.TERMINAL))
def test_terminal_states_have_no_exit(state):
    assert [t.action for t in wf.TRANSITIONS if state in t.sources] == []
    assert reachable_from(state) == {state}


def test_closed_only_archives_or_reopens():
    actions = {t.action for t in wf.TRANSITIONS if wf.S.CLOSED in t.sources}
    assert actions <= {"archive", "reopen"}
    assert "reopen" in actions


def test_withdraw_and_escalate_are_open_to_the_applicant_everywhere_work_is_going_on():
    """A party can always leave or ask for escalation while the case is being worked."""
    for action in ("withdraw", "escalate"):
        t = wf.BY_ACTION[action]
        assert wf.APPLICANT in t.who
        working = wf.OPEN - {wf.S.RESOLVED, wf.S.REFERRED, wf.S.FOLLOW_UP}
        assert working <= t.sources, (action, working - t.sources)


# --- check / allowed_actions, over every action x state x capability set --------------------


def test_check_and_allowed_actions_agree_everywhere():
    for status, caps in itertools.product(wf.STATES, ALL_CAP_SETS):
        allowed = wf.allowed_actions(status, caps)
        assert len(allowed) == len(set(allowed))
        for action in wf.ACTIONS:
            try:
                t = wf.check(action, ok_facts(status), caps)
            except wf.TransitionRefused as exc:
                assert exc.kind in ("state", "role"), (action, status, caps, exc.kind)
                assert action not in allowed, (action, status, caps)
                if exc.kind == "state":
                    assert status not in wf.BY_ACTION[action].sources
                else:
                    assert not (wf.BY_ACTION[action].who & caps)
            else:
                assert action in allowed, (action, status, caps)
                assert t is wf.BY_ACTION[action]
                assert status in t.sources and t.who & caps


@pytest.mark.parametrize("status", wf.STATES)
def test_nobody_without_capabilities_may_do_anything(status):
    assert wf.allowed_actions(status, frozenset()) == []


@pytest.mark.parametrize("status", sorted(wf.TERMINAL))
def test_no_one_may_act_on_a_terminal_case(status):
    assert wf.allowed_actions(status, frozenset(CAPS)) == []


def test_allowed_actions_grow_with_capabilities():
    for status in wf.STATES:
        for small, big in itertools.product(ALL_CAP_SETS, ALL_CAP_SETS):
            if small <= big:
                assert set(wf.allowed_actions(status, small)) <= set(
                    wf.allowed_actions(status, big)
                )


def test_unknown_action():
    with pytest.raises(wf.TransitionRefused) as exc:
        wf.check("teleport", ok_facts(wf.S.REGISTERED), frozenset(CAPS))
    assert exc.value.kind == "unknown"
    assert "teleport" in exc.value.message


def test_state_is_checked_before_role_and_role_before_guards():
    # wrong state and wrong role: the state wins
    with pytest.raises(wf.TransitionRefused) as exc:
        wf.check("close", ok_facts(wf.S.REGISTERED), frozenset())
    assert exc.value.kind == "state"
    # right state, wrong role, guard failing: the role wins
    with pytest.raises(wf.TransitionRefused) as exc:
        wf.check("reject", ok_facts(wf.S.REGISTERED, note=""), frozenset({wf.APPLICANT}))
    assert exc.value.kind == "role"
    with pytest.raises(wf.TransitionRefused) as exc:
        wf.check("reject", ok_facts(wf.S.REGISTERED, note=""), frozenset({wf.STAFF}))
    assert exc.value.kind == "guard"


# --- guards ----------------------------------------------------------------------------------


GUARDED = [(t, g) for t in wf.TRANSITIONS for g in t.guards]

# For each guard: facts that break it (everything else satisfied).
BREAKERS = {
    wf.needs_note: [dict(note=""), dict(note="   \n\t")],
    wf.needs_satisfaction: [dict(satisfaction=None), dict(satisfaction=0), dict(satisfaction=6)],
    wf.needs_performance_answer: [dict(agreement_performed=None, status=wf.S.RESOLVED)],
    wf.below_top_tier: [dict(tier="city", top_tier="city")],
    wf.needs_assignee: [dict(has_assignee=False)],
}


def test_every_guard_has_a_breaker():
    assert {g for _, g in GUARDED} <= set(BREAKERS), "add the new guard to BREAKERS"


@pytest.mark.parametrize(
    "transition,guard", GUARDED, ids=[f"{t.action}-{g.__name__}" for t, g in GUARDED]
)
def test_each_guard_refuses_when_its_requirement_is_missing(transition, guard):
    caps = transition.who
    for breaker in BREAKERS[guard]:
        status = breaker.get("status") or sorted(transition.sources)[0]
        facts = ok_facts(**{**breaker, "status": status})
        assert guard(facts), (guard.__name__, breaker)
        with pytest.raises(wf.TransitionRefused) as exc:
            wf.check(transition.action, facts, caps)
        assert exc.value.kind == "guard"
        assert exc.value.message == guard(facts)
    # and passes when it is met
    status = sorted(transition.sources)[0]
    assert guard(ok_facts(status)) is None
    assert wf.check(transition.action, ok_facts(status), caps) is transition


@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_satisfaction_range_is_one_to_five(value):
    assert wf.needs_satisfaction(ok_facts(wf.S.RESOLVED, satisfaction=value)) is None


def test_performance_answer_only_needed_after_a_resolution():
    facts = ok_facts(wf.S.REFERRED, agreement_performed=None)
    assert wf.needs_performance_answer(facts) is None
    assert wf.check("follow_up", facts, {wf.STAFF}).target == wf.S.FOLLOW_UP
    with pytest.raises(wf.TransitionRefused):
        wf.check("follow_up", ok_facts(wf.S.RESOLVED, agreement_performed=None), {wf.STAFF})
    # "not performed" is an answer too
    assert wf.check(
        "follow_up", ok_facts(wf.S.RESOLVED, agreement_performed=False), {wf.STAFF}
    ).target == (wf.S.FOLLOW_UP)


def test_escalation_refused_only_at_the_top_tier():
    for tier in ("community", "township", "county"):
        assert wf.below_top_tier(ok_facts(wf.S.IN_PROGRESS, tier=tier)) is None
    reason = wf.below_top_tier(ok_facts(wf.S.IN_PROGRESS, tier="city"))
    assert reason and "court" in reason
