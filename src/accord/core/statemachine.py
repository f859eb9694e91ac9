"""One state-machine core for every part: a transition table type, one refusal, `check`,
`allowed`, and one mapping of a refusal to an API/page error.

Pure: no ORM, no I/O (the error mapping only builds `core.errors` exceptions). A part
declares its table as data and its guards as small functions, and its one
`<entity>_transition()` service asks the machine what is allowed:

    CASE = Machine(
        "case",
        (
            Transition("accept", {"registered"}, "accepted", {STAFF}, en="Accept", zh="受理"),
            Transition("reject", {"registered"}, "rejected", {STAFF}, (needs_note,)),
        ),
    )
    t = CASE.check("accept", facts, capabilities)  # raises Refused
    CASE.allowed(status, capabilities, facts)      # actions to offer (never SYSTEM-only ones)

`facts` is any object with a `status` attribute (a frozen dataclass, by convention) that the
guards read. A guard returns a reason to refuse, or None. Per-action effects live in the part's
service as a dict `{action: function}`, never as an if/elif over actions (see
`Machine.effect_for`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

# The capability of the platform itself (deadline jobs, detection): transitions only it may take
# are never offered to people.
SYSTEM = "system"

# Refusal kinds and the HTTP status each maps to.
UNKNOWN, STATE, ROLE, GUARD = "unknown", "state", "role", "guard"
STATUS_OF_KIND: dict[str, int] = {UNKNOWN: 422, STATE: 409, ROLE: 403, GUARD: 422}


class HasStatus(Protocol):
    @property
    def status(self) -> str: ...


Guard = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Transition:
    """One row of a table: `action` moves an entity from any of `sources` to `target`
    (None: the status stays, a recorded step or a clock event) when the actor holds one of the
    capabilities in `who` and every guard passes. `applies` narrows the row to some entities
    (e.g. some channels); where it answers False the action is unknown for that entity."""

    action: str
    sources: frozenset[str]
    target: str | None
    who: frozenset[str]
    guards: tuple[Guard, ...] = field(default=())
    en: str = ""
    zh: str = ""
    applies: Callable[[Any], bool] | None = None

    def __init__(
        self,
        action: str,
        sources: Iterable[str],
        target: str | None,
        who: Iterable[str],
        guards: Iterable[Guard] = (),
        en: str = "",
        zh: str = "",
        applies: Callable[[Any], bool] | None = None,
    ) -> None:
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "who", frozenset(who))
        object.__setattr__(self, "guards", tuple(guards))
        object.__setattr__(self, "en", en)
        object.__setattr__(self, "zh", zh)
        object.__setattr__(self, "applies", applies)

    @property
    def label_en(self) -> str:
        return self.en

    @property
    def label_zh(self) -> str:
        return self.zh

    def label(self, zh: bool = False) -> str:
        return (self.zh if zh else self.en) or self.action.replace("_", " ")

    @property
    def offered(self) -> bool:
        """False for transitions only the system takes."""
        return bool(self.who - {SYSTEM})


class Refused(Exception):
    """A transition was refused: `kind` is unknown | state | role | guard."""

    def __init__(self, kind: str, message: str, *, action: str = "", entity: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.action = action
        self.entity = entity

    @property
    def status(self) -> int:
        return STATUS_OF_KIND.get(self.kind, 422)


@dataclass(frozen=True)
class Messages:
    """How a machine words its refusals ({action}, {status}, {entity}, {known})."""

    unknown: str = "unknown action {action!r}; known: {known}"
    state: str = "action {action!r} is not possible while the {entity} is {status!r}"
    role: str = "you may not {action!r} this {entity}"


class Machine:
    """A named transition table with `check` and `allowed`."""

    def __init__(
        self,
        entity: str,
        transitions: Iterable[Transition],
        *,
        messages: Messages | None = None,
    ) -> None:
        self.entity = entity
        self.transitions: tuple[Transition, ...] = tuple(transitions)
        self.by_action: dict[str, Transition] = {}
        for t in self.transitions:
            if t.action in self.by_action:
                raise ValueError(f"{entity}: action {t.action!r} appears twice in the table")
            self.by_action[t.action] = t
        self.actions: tuple[str, ...] = tuple(self.by_action)
        self.messages = messages or Messages()

    @property
    def states(self) -> frozenset[str]:
        """Every state the table names (as a source or a target)."""
        out: set[str] = set()
        for t in self.transitions:
            out |= t.sources
            if t.target is not None:
                out.add(t.target)
        return frozenset(out)

    def _refuse(self, kind: str, template: str, action: str, status: str = "") -> Refused:
        text = template.format(
            action=action, status=status, entity=self.entity, known=", ".join(self.actions)
        )
        return Refused(kind, text, action=action, entity=self.entity)

    def check(self, action: str, facts: Any, capabilities: Iterable[str]) -> Transition:
        """Return the transition if `action` may happen now, else raise `Refused`.

        Order: unknown action (422), wrong state (409), missing capability (403), the first
        guard that refuses (422)."""
        t = self.by_action.get(action)
        if t is None or (t.applies is not None and not t.applies(facts)):
            raise self._refuse(UNKNOWN, self.messages.unknown, action)
        status = facts.status
        if status not in t.sources:
            raise self._refuse(STATE, self.messages.state, action, status)
        if not t.who & set(capabilities):
            raise self._refuse(ROLE, self.messages.role, action, status)
        for guard in t.guards:
            reason = guard(facts)
            if reason:
                raise Refused(GUARD, reason, action=action, entity=self.entity)
        return t

    def allowed(
        self, status: str, capabilities: Iterable[str], facts: Any | None = None
    ) -> list[str]:
        """Actions the state and the capabilities permit, in table order, without those only
        the system takes. With `facts`, rows that do not apply and rows whose guards refuse are
        left out too (so a page offers only what would succeed)."""
        caps = set(capabilities)
        out = []
        for t in self.transitions:
            if status not in t.sources or not t.offered or not t.who & caps:
                continue
            if facts is not None:
                if t.applies is not None and not t.applies(facts):
                    continue
                if any(guard(facts) for guard in t.guards):
                    continue
            out.append(t.action)
        return out

    def effect_for(
        self, action: str, effects: Mapping[str, Callable[..., Any]]
    ) -> Callable[..., Any] | None:
        """The per-action effect function of a service's dict (None: no effect beyond the
        status change). Fails loudly when the dict names an action the table lacks."""
        unknown = set(effects) - set(self.by_action)
        if unknown:
            raise ValueError(f"{self.entity}: effects for unknown actions {sorted(unknown)}")
        return effects.get(action)


def refusal_error(exc: Refused, *, code_prefix: str = "transition") -> Exception:
    """The domain error (API 4xx / page message) for a refusal: 409 state, 403 role,
    422 unknown or guard; its code is `<prefix>_<kind>`."""
    from accord.core.errors import Conflict, Forbidden, ValidationFailed

    error = {STATE: Conflict, ROLE: Forbidden}.get(exc.kind, ValidationFailed)
    return error(exc.message, code=f"{code_prefix}_{exc.kind}")


def check_or_raise(
    machine: Machine,
    action: str,
    facts: Any,
    capabilities: Iterable[str],
    *,
    code_prefix: str = "transition",
) -> Transition:
    """`machine.check`, with a refusal raised as the matching domain error."""
    try:
        return machine.check(action, facts, capabilities)
    except Refused as exc:
        raise refusal_error(exc, code_prefix=code_prefix) from exc


def walk(machine: Machine, start: str) -> set[str]:
    """States reachable from `start` by any transition (for tests that walk the table)."""
    seen = {start}
    frontier = [start]
    while frontier:
        state = frontier.pop()
        for t in machine.transitions:
            if state in t.sources and t.target is not None and t.target not in seen:
                seen.add(t.target)
                frontier.append(t.target)
    return seen
