"""The shared state-machine core (core.statemachine) and hook lists (core.hooks)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accord.core import statemachine as sm
from accord.core.errors import Conflict, Forbidden, ValidationFailed
from accord.core.hooks import Hook


@dataclass(frozen=True)
class F:
    status: str
    note: str = ""
    kind: str = "a"


def needs_note(f: F) -> str | None:
    return None if f.note.strip() else "a note is required"


M = sm.Machine(
    "thing",
    (
        sm.Transition("open", {"draft"}, "open", {"staff"}, en="Open", zh="开启"),
        sm.Transition("close", {"open"}, "closed", {"staff"}, (needs_note,)),
        sm.Transition("expire", {"open"}, "closed", {sm.SYSTEM}),
        sm.Transition("note", {"open"}, None, {"staff", "party"}, applies=lambda f: f.kind == "a"),
    ),
)


def test_check_returns_the_row_and_refuses_in_order():
    assert M.check("open", F("draft"), {"staff"}).target == "open"
    with pytest.raises(sm.Refused) as e:
        M.check("fly", F("draft"), {"staff"})
    assert e.value.kind == "unknown" and e.value.status == 422
    with pytest.raises(sm.Refused) as e:
        M.check("close", F("draft"), {"staff"})
    assert e.value.kind == "state" and e.value.status == 409 and "'draft'" in e.value.message
    with pytest.raises(sm.Refused) as e:
        M.check("close", F("open", note="x"), {"party"})
    assert e.value.kind == "role" and e.value.status == 403
    with pytest.raises(sm.Refused) as e:
        M.check("close", F("open"), {"staff"})
    assert e.value.kind == "guard" and e.value.message == "a note is required"
    assert M.check("close", F("open", note="done"), {"staff"}).target == "closed"


def test_applies_narrows_a_row_to_some_entities():
    assert M.check("note", F("open", kind="a"), {"party"}).target is None
    with pytest.raises(sm.Refused) as e:
        M.check("note", F("open", kind="b"), {"party"})
    assert e.value.kind == "unknown"


def test_allowed_never_offers_system_rows_and_can_check_guards():
    assert M.allowed("open", {"staff", sm.SYSTEM}) == ["close", "note"]
    assert M.allowed("open", {"staff"}, F("open")) == ["note"]
    assert M.allowed("open", {"staff"}, F("open", note="n", kind="b")) == ["close"]
    assert M.allowed("draft", {"party"}) == []


def test_refusal_maps_to_one_error_per_kind():
    cases = {
        "state": Conflict,
        "role": Forbidden,
        "guard": ValidationFailed,
        "unknown": ValidationFailed,
    }
    for kind, error in cases.items():
        err = sm.refusal_error(sm.Refused(kind, "m"), code_prefix="thing")
        assert type(err) is error and err.code == f"thing_{kind}" and err.detail == "m"
    with pytest.raises(Conflict):
        sm.check_or_raise(M, "close", F("draft"), {"staff"})


def test_table_is_checked_and_walkable():
    with pytest.raises(ValueError, match="twice"):
        sm.Machine(
            "x", (sm.Transition("a", {"s"}, "t", {"w"}), sm.Transition("a", {"t"}, "s", {"w"}))
        )
    assert sm.walk(M, "draft") == {"draft", "open", "closed"}
    assert M.states == {"draft", "open", "closed"}
    with pytest.raises(ValueError, match="unknown actions"):
        M.effect_for("open", {"fly": lambda: None})
    assert M.effect_for("close", {"open": print}) is None
    assert M.by_action["open"].label(zh=True) == "开启"
    assert M.by_action["expire"].label() == "expire"


def test_hook_registers_once_in_order_and_reports_queueing():
    hook = Hook("thing.done")
    calls = []

    def a(x):
        calls.append(("a", x))
        return 1

    def b(x):
        calls.append(("b", x))
        return 2

    hook.register(a, queues_only=True)
    hook.register(a)
    assert len(hook) == 1 and a in hook and hook.only_queues()
    flag = {"q": False}
    hook.register(b, queues_only=lambda: flag["q"])
    assert not hook.only_queues()
    flag["q"] = True
    assert hook.only_queues()
    assert hook.call(7) == [1, 2] and calls == [("a", 7), ("b", 7)]
    hook.unregister(a)
    assert a not in hook and len(hook) == 1
