"""The proceeding table, the hand-off table and the statute table are consistent (pure)."""

from __future__ import annotations

import datetime as dt

import pytest

from accord.core.calendar import BusinessCalendar
from accord.resolution import clock, statutes
from accord.resolution import workflow as wf

ALL_CAPS = {wf.HANDLER, wf.APPROVER, wf.PARTY}


def facts(channel=wf.PEOPLE_MEDIATION, status=wf.P.APPLIED, **kw):
    base = dict(note="n", outcome=sorted(wf.CHANNEL_OUTCOMES[channel])[0], approved_by="chair",
                extension=1, extension_max=5, extendable=True, has_agreement_text=True)  # fmt: skip
    base.update(kw)
    return wf.Facts(channel=channel, status=status, **base)


@pytest.mark.parametrize("status", wf.STATES)
@pytest.mark.parametrize("action", wf.ACTIONS)
def test_every_action_in_every_state(action, status):
    t = wf.BY_ACTION[action]
    f = facts(status=status, suspended=action == "resume")
    if status in t.sources:
        assert wf.check(action, f, ALL_CAPS) is t
    else:
        with pytest.raises(wf.TransitionRefused) as exc:
            wf.check(action, f, ALL_CAPS)
        assert exc.value.kind == "state"


def test_table_is_well_formed():
    for t in wf.TRANSITIONS:
        assert t.sources <= set(wf.STATES) and (t.target is None or t.target in wf.STATES)
        assert t.label_en and t.label_zh
        assert not t.sources & wf.FINISHED  # nothing moves a finished proceeding
    assert set(wf.CHANNEL_OUTCOMES) == set(wf.CHANNELS)
    for (channel, outcome), targets in wf.HANDOFFS.items():
        assert channel in wf.CHANNELS
        assert outcome in ("*", "refused") or outcome in wf.CHANNEL_OUTCOMES[channel] | {
            wf.WITHDRAWAL
        }
        assert set(targets) <= set(wf.CHANNELS)
    # A party can always leave mediation for a formal channel.
    for channel in wf.MEDIATION:
        assert set(wf.handoff_targets(channel, wf.P.IN_PROGRESS, "")) <= wf.FORMAL
        assert wf.handoff_targets(channel, wf.P.IN_PROGRESS, "")


def test_guards_refuse_with_reasons():
    with pytest.raises(wf.TransitionRefused, match="outcome must be one of"):
        wf.check("conclude", facts(status=wf.P.IN_PROGRESS, outcome=wf.AWARD), ALL_CAPS)
    with pytest.raises(wf.TransitionRefused, match="approving authority"):
        wf.check("extend", facts(status=wf.P.ACCEPTED, approved_by=" "), ALL_CAPS)
    with pytest.raises(wf.TransitionRefused, match="at most 5"):
        wf.check("extend", facts(status=wf.P.ACCEPTED, extension=6), ALL_CAPS)
    assert wf.check(
        "extend", facts(status=wf.P.ACCEPTED, extension_max=None, extension=99), ALL_CAPS
    )
    with pytest.raises(wf.TransitionRefused) as exc:
        wf.check("extend", facts(status=wf.P.ACCEPTED), {wf.HANDLER})
    assert exc.value.kind == "role"
    assert wf.allowed_actions(wf.PEOPLE_MEDIATION, wf.P.APPLIED, {wf.PARTY}) == ["withdraw"]


def test_statute_rules_refer_to_real_channels_events_and_procedures():
    for r in statutes.RULES:
        channel = r["channel"]
        assert channel in wf.CHANNELS
        assert r["procedure"] in ("", *wf.PROCEDURES.get(channel, ()))
        assert r["unit"] in ("day", "month", "year") and r["count"] in ("calendar", "working")
        start = r["start_event"]
        if start.startswith("outcome:"):
            assert start.split(":")[1] in wf.CHANNEL_OUTCOMES[channel]
        else:
            assert start in ("applied", "accepted", "knew")
        for stop in r["stop_events"]:
            kind, _, rest = stop.partition(":")
            assert stop in ("concluded", "withdrawn", "accepted", "refused", "applied") or (
                kind == "handoff" and rest in wf.CHANNELS
            )
    for channel in wf.CHANNELS:
        assert any(r["channel"] == channel and r["kind"] == "period" for r in statutes.RULES)


def test_month_arithmetic_and_roll_forward():
    cal = BusinessCalendar()
    assert clock.add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert clock.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    rule = {"amount": 1, "unit": "month", "count": "calendar", "roll_forward": True}
    assert clock.due_date(cal, rule, dt.date(2025, 5, 31)) == dt.date(2025, 6, 30)
    assert clock.due_date(cal, rule, dt.date(2025, 7, 31)) == dt.date(2025, 9, 1)  # Sun → Mon
    assert clock.due_date(cal, {**rule, "roll_forward": False}, dt.date(2025, 7, 31)) == dt.date(
        2025, 8, 31
    )
    start, due = dt.date(2025, 1, 1), dt.date(2025, 1, 31)
    kw = dict(start=start, due=due, stopped=False, suspended=False)
    assert clock.colour(today=dt.date(2025, 1, 20), **kw) == clock.GREEN
    assert clock.colour(today=dt.date(2025, 1, 25), **kw) == clock.YELLOW
    assert clock.colour(today=dt.date(2025, 2, 1), **kw) == clock.RED
    assert clock.colour(today=dt.date(2025, 2, 1), **{**kw, "suspended": True}) == clock.GREY
    assert clock.colour(today=dt.date(2025, 2, 1), **{**kw, "stopped": True}) == clock.GREEN
