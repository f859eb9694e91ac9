"""Walk the whole transition table through services.case_transition, with real actors.

Every (action, source state) pair is reached by a path of real transitions from
`registered`, then tried with each capability in `who` (succeeds), from every other state
(409), with capabilities outside `who` (403), and with each guard's requirement missing (422).
"""

from __future__ import annotations

from collections import deque

import pytest

from accord.cases import workflow as wf
from accord.cases.access import case_capabilities as capabilities
from accord.cases.models import Case, CaseEvent
from accord.cases.transitions import case_transition
from accord.core.errors import Conflict, Forbidden, ValidationFailed
from accord.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HAPPY = dict(note="a reason", satisfaction=4, agreement_performed=True)


def shortest_paths() -> dict[str, list[str]]:
    """state -> the shortest list of actions leading there from `registered`."""
    paths = {wf.S.REGISTERED: []}
    todo = deque([wf.S.REGISTERED])
    while todo:
        state = todo.popleft()
        for t in wf.TRANSITIONS:
            if state in t.sources and t.target not in paths:
                paths[t.target] = paths[state] + [t.action]
                todo.append(t.target)
    return paths


PATHS = shortest_paths()
PAIRS = [(t, s) for t in wf.TRANSITIONS for s in sorted(t.sources)]
PAIRS_BY_CAP = [(t, s, cap) for t, s in PAIRS for cap in sorted(t.who)]


class World:
    """The people around one neighbour case filed by a resident in grid T1C1G1."""

    def __init__(self, areas, make_user, make_case):
        self.areas = areas
        self.resident = make_user("resident", areas.t1c1g1, username="applicant")
        self.mediator = make_user("mediator", areas.t1, username="mediator")
        self.handler = make_user("mediator", areas.t1c1, username="handler")
        self.coordinator = make_user("township_coordinator", areas.t1, username="coordinator")
        self.outsider = make_user("mediator", areas.t2, username="outsider")
        self.analyst = make_user("analyst", areas.t1, username="analyst")
        self.case, _ = make_case(area=areas.t1c1g1, actor=self.resident)

    def actor_for(self, cap: str):
        return {
            wf.STAFF: self.mediator,
            wf.COORDINATOR: self.coordinator,
            wf.ASSIGNEE: self.handler,
            wf.APPLICANT: self.resident,
        }[cap]

    def step(self, action: str, actor=None, **kw) -> Case:
        actor = actor or self.coordinator
        if action == "assign" and "assignee" not in kw:
            kw["assignee"] = self.handler.username if actor == self.coordinator else None
        self.case = case_transition(actor=actor, case=self.case, action=action, **kw)
        return self.case

    def reach(self, state: str) -> Case:
        for action in PATHS[state]:
            self.step(action, **HAPPY)
        assert self.case.status == state
        return self.case

    def counts(self) -> tuple[int, int, int]:
        return (
            AuditEvent.objects.count(),
            CaseEvent.objects.filter(case=self.case).count(),
            Case.objects.count(),
        )


@pytest.fixture
def world(areas, make_user, make_case):
    return World(areas, make_user, make_case)


def test_every_state_has_a_path():
    assert set(PATHS) == set(wf.STATES)


def test_capabilities_of_the_cast(world):
    case = world.reach(wf.S.ASSIGNED)
    assert capabilities(world.mediator, case) == {wf.STAFF}
    assert capabilities(world.coordinator, case) == {wf.STAFF, wf.COORDINATOR}
    assert capabilities(world.handler, case) == {wf.STAFF, wf.ASSIGNEE}
    assert capabilities(world.resident, case) == {wf.APPLICANT}
    assert capabilities(world.outsider, case) == set()
    assert capabilities(world.analyst, case) == set()


@pytest.mark.parametrize(
    "transition,source,cap",
    PAIRS_BY_CAP,
    ids=[f"{t.action}-from-{s}-as-{c}" for t, s, c in PAIRS_BY_CAP],
)
def test_transition_succeeds(world, transition, source, cap):
    case = world.reach(source)
    actor = world.actor_for(cap)
    assert cap in capabilities(actor, case)
    audit_before, events_before, _ = world.counts()

    case = world.step(transition.action, actor=actor, **HAPPY)

    case.refresh_from_db()
    assert case.status == transition.target
    assert AuditEvent.objects.count() == audit_before + 1, "exactly one audit event per write"
    assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    event = CaseEvent.objects.filter(case=case).latest("id")
    assert (event.action, event.from_status, event.to_status) == (
        transition.action,
        source,
        transition.target,
    )
    assert event.actor == actor
    audit = AuditEvent.objects.latest("seq")
    assert audit.action == f"case.{transition.action}"
    assert audit.object_id == case.reference
    assert audit.actor_id == actor.pk
    assert audit.data["from"] == source and audit.data["to"] == transition.target


@pytest.mark.parametrize("state", wf.STATES)
def test_actions_from_other_states_conflict(world, state):
    case = world.reach(state)
    before = world.counts()
    refused = []
    for t in wf.TRANSITIONS:
        if state in t.sources:
            continue
        with pytest.raises(Conflict) as exc:
            case_transition(actor=world.coordinator, case=case, action=t.action, **HAPPY)
        assert exc.value.status == 409
        assert exc.value.code == "transition_state"
        assert t.action in exc.value.detail
        refused.append(t.action)
    assert world.counts() == before, "a refused transition writes nothing"
    case.refresh_from_db()
    assert case.status == state
    assert len(refused) == sum(1 for t in wf.TRANSITIONS if state not in t.sources)


@pytest.mark.parametrize("transition", wf.TRANSITIONS, ids=lambda t: t.action)
def test_actions_without_the_capability_are_forbidden(world, transition):
    source = sorted(transition.sources)[0]
    case = world.reach(source)
    before = world.counts()
    candidates = [
        world.resident,
        world.mediator,
        world.handler,
        world.coordinator,
        world.outsider,
        world.analyst,
    ]
    tried = 0
    for actor in candidates:
        caps = capabilities(actor, case)
        if caps & transition.who:
            continue
        with pytest.raises(Forbidden) as exc:
            case_transition(actor=actor, case=case, action=transition.action, **HAPPY)
        assert exc.value.status == 403
        assert exc.value.code == "transition_role"
        tried += 1
    assert tried >= 2  # at least the outsider and the analyst
    assert world.counts() == before
    case.refresh_from_db()
    assert case.status == source


def _break(world, guard, transition):
    """Reach a source of `transition` and return (kwargs) with the guard's requirement
    missing; a guard about the case itself is broken on the case row."""
    if guard is wf.needs_performance_answer:
        world.reach(wf.S.RESOLVED)
        return [dict(HAPPY, agreement_performed=None)]
    world.reach(sorted(transition.sources)[0])
    if guard is wf.needs_note:
        return [dict(HAPPY, note=""), dict(HAPPY, note="  \n ")]
    if guard is wf.needs_satisfaction:
        return [
            dict(HAPPY, satisfaction=None),
            dict(HAPPY, satisfaction=0),
            dict(HAPPY, satisfaction=6),
        ]
    if guard is wf.below_top_tier:
        Case.objects.filter(pk=world.case.pk).update(tier="city")
        return [HAPPY]
    if guard is wf.needs_assignee:
        Case.objects.filter(pk=world.case.pk).update(assignee=None)
        return [HAPPY]
    raise AssertionError(f"no breaker for guard {guard.__name__}")


GUARDED = [(t, g) for t in wf.TRANSITIONS for g in t.guards]


@pytest.mark.parametrize(
    "transition,guard", GUARDED, ids=[f"{t.action}-{g.__name__}" for t, g in GUARDED]
)
def test_guards_refuse_with_422(world, transition, guard):
    for kwargs in _break(world, guard, transition):
        before = world.counts()
        status = Case.objects.get(pk=world.case.pk).status
        case = Case.objects.get(pk=world.case.pk)
        actor = next(
            a
            for a in map(world.actor_for, sorted(transition.who))
            if capabilities(a, case) & transition.who
        )
        with pytest.raises(ValidationFailed) as exc:
            case_transition(actor=actor, case=world.case, action=transition.action, **kwargs)
        assert exc.value.status == 422
        assert exc.value.code == "transition_guard"
        assert world.counts() == before
        assert Case.objects.get(pk=world.case.pk).status == status


def test_unknown_action_is_a_validation_error(world):
    before = world.counts()
    with pytest.raises(ValidationFailed) as exc:
        case_transition(actor=world.coordinator, case=world.case, action="teleport")
    assert exc.value.code == "transition_unknown"
    assert world.counts() == before


def test_escalating_to_the_top_tier_then_refused(world):
    tiers = []
    for _ in range(3):
        world.step("escalate", actor=world.resident)
        tiers.append(world.case.tier)
    assert tiers == ["township", "county", "city"]
    with pytest.raises(ValidationFailed) as exc:
        world.step("escalate", actor=world.resident)
    assert "arbitration" in exc.value.detail


def test_full_happy_path_to_archive(world):
    for action in ("accept", "assign", "start", "record_attempt", "resolve", "follow_up"):
        world.step(action, **HAPPY)
    assert world.case.satisfaction == 4 and world.case.agreement_performed is True
    world.step("close")
    assert world.case.closed_at is not None
    assert world.case.deadline is None
    world.step("archive")
    events = list(CaseEvent.objects.filter(case=world.case).values_list("action", flat=True))
    assert events == [
        "register",
        "accept",
        "assign",
        "start",
        "record_attempt",
        "resolve",
        "follow_up",
        "close",
        "archive",
    ]


def test_reopen_clears_closed_at(world):
    world.reach(wf.S.CLOSED)
    assert world.case.closed_at is not None
    world.step("reopen", note="the neighbour started again")
    assert world.case.status == wf.S.REOPENED
    assert world.case.closed_at is None
    assert world.case.deadline is not None


def test_coordinator_assigns_only_staff_of_the_jurisdiction(world):
    from accord.core.errors import NotFound

    world.reach(wf.S.ACCEPTED)
    with pytest.raises(NotFound):
        world.step("assign", assignee=world.outsider.username)
    with pytest.raises(NotFound):
        world.step("assign", assignee="nobody-at-all")
    # a plain mediator may take the case but not hand it to someone else
    with pytest.raises(Forbidden):
        world.step("assign", actor=world.mediator, assignee=world.handler.username)
    world.step("assign", actor=world.mediator)
    assert world.case.assignee == world.mediator
