"""`proceeding_transition`: the only way a proceeding's status changes (and its clocks are
suspended, resumed, extended or restarted). It asks the table (`workflow.PROCEEDING`, on the
core state machine) whether the action may happen, then runs the action's effect from
`EFFECTS` and records the step on the timeline, all in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accord.accounts.models import User
from accord.core.calendar import BusinessCalendar
from accord.core.errors import ValidationFailed
from accord.core.statemachine import check_or_raise
from accord.resolution import clock as clk
from accord.resolution import deadlines, documents, outcomes, timeline
from accord.resolution import workflow as wf
from accord.resolution.access import capabilities
from accord.resolution.inputs import clean_date, clean_text
from accord.resolution.models import Agreement, Clock, Proceeding


@dataclass(frozen=True)
class Step:
    """What an action's effect works on: the locked proceeding, the request, the clocks."""

    actor: User
    p: Proceeding
    target: str | None  # the table row's target status (None: the status stays)
    day: dt.date
    cal: BusinessCalendar
    note: str
    outcome: str
    outcome_summary: str
    approved_by: str
    extension: int | None
    supervised: list[Clock]  # the running clocks the handling body (or a court) must meet
    target_clock: Clock | None  # the clock an extension applies to


# An effect returns the data of the step's timeline event, or None when it recorded its own.
Effect = Callable[[Step], "dict[str, Any] | None"]


def _accept(s: Step) -> dict[str, Any]:
    p = s.p
    p.status, p.accepted_on = wf.P.ACCEPTED, s.day
    deadlines.stop(p, "accepted", s.day)
    started = deadlines.start(p, "accepted", s.day, s.cal)
    p.save()
    documents.issue("acceptance_notice", p, s.actor)
    return {"deadlines": deadlines.rows(started)}


def _end(s: Step, event: str) -> dict[str, Any]:
    p = s.p
    p.status = s.target or p.status
    p.closed_on = s.day
    stopped = deadlines.stop(p, event, s.day)
    p.save()
    return {"stopped": [c.rule.code for c in stopped]}


def _refuse(s: Step) -> dict[str, Any]:
    return _end(s, "refused")


def _withdraw(s: Step) -> dict[str, Any]:
    # A withdrawn proceeding does not end the case; it is recorded on the timeline only.
    s.p.outcome, s.p.outcome_on = wf.WITHDRAWAL, s.day
    return _end(s, "withdrawn")


def _start(s: Step) -> dict[str, Any]:
    s.p.status = wf.P.IN_PROGRESS
    s.p.save()
    return {}


def _conclude(s: Step) -> None:
    outcomes.conclude(s.actor, s.p, s.outcome, s.day, s.note, summary=s.outcome_summary)
    return None  # conclude records its own event


def _suspend(s: Step) -> dict[str, Any]:
    for c in s.supervised:
        c.state, c.suspended_since = Clock.State.SUSPENDED, s.day
        c.save(update_fields=["state", "suspended_since"])
    return {"clocks": [c.rule.code for c in s.supervised]}


def _resume(s: Step) -> dict[str, Any]:
    for c in s.supervised:
        if c.state != Clock.State.SUSPENDED or c.suspended_since is None:
            continue
        c.suspended_days += clk.suspension_length(s.cal, c.rule.count, c.suspended_since, s.day)
        c.state, c.suspended_since = Clock.State.RUNNING, None
        deadlines.recompute(c, s.cal)
        c.save()
    return {"deadlines": deadlines.rows(s.supervised)}


def _extend(s: Step) -> dict[str, Any]:
    c = s.target_clock
    assert c is not None  # the guard checked it
    c.extension += int(s.extension or 0)
    c.extension_approved_by = s.approved_by
    deadlines.recompute(c, s.cal)
    c.save()
    return {
        "rule": c.rule.code,
        "extension": s.extension,
        "unit": c.rule.unit,
        "approved_by": s.approved_by,
        "due_on": c.due_on,
        "basis": c.rule.basis_en,
    }


def _restart(s: Step) -> dict[str, Any]:
    for c in s.supervised:
        c.started_on, c.suspended_days, c.extension = s.day, 0, 0
        c.suspended_since = None
        c.state = Clock.State.RUNNING
        c.restarts += 1
        deadlines.recompute(c, s.cal)
        c.save()
    return {"deadlines": deadlines.rows(s.supervised)}


EFFECTS: dict[str, Effect] = {
    "accept": _accept,
    "refuse": _refuse,
    "start": _start,
    "conclude": _conclude,
    "withdraw": _withdraw,
    "suspend": _suspend,
    "resume": _resume,
    "extend": _extend,
    "restart": _restart,
}


def proceeding_transition(
    *,
    actor: User,
    proceeding: Proceeding,
    action: str,
    on_date: dt.date | None = None,
    note: str = "",
    outcome: str = "",
    outcome_summary: str = "",
    approved_by: str = "",
    extension: int | None = None,
    rule: str = "",
) -> Proceeding:
    """One action of the proceeding table. Refusals raise Conflict (state), Forbidden (role)
    or ValidationFailed (guard); nothing is written then."""
    note = clean_text(note, "note")
    outcome_summary = clean_text(outcome_summary, "outcome_summary")
    approved_by = clean_text(approved_by, "approved_by", limit=200)
    with transaction.atomic():
        p = (
            Proceeding.objects.select_for_update(of=("self",))
            .select_related("case", "handling_area", "case__area", "case__handling_area")
            .get(pk=proceeding.pk)
        )
        running = list(p.clocks.select_related("rule").exclude(state=Clock.State.STOPPED))
        supervised = [c for c in running if c.rule.duty in ("body", "external")]
        target_clock = _pick_clock(supervised, rule, action)
        ext_max = target_clock.rule.extension_max if target_clock else 0
        facts = wf.Facts(
            channel=p.channel,
            status=p.status,
            note=note,
            outcome=outcome,
            approved_by=approved_by,
            extension=extension,
            extension_max=(
                None
                if ext_max is None
                else ext_max - (target_clock.extension if target_clock else 0)
            ),
            extendable=target_clock is not None and ext_max != 0,
            suspended=any(c.state == Clock.State.SUSPENDED for c in supervised),
            has_session=p.sessions.exists(),
            has_agreement_text=Agreement.objects.filter(proceeding=p).exists(),
        )
        t = check_or_raise(wf.PROCEEDING, action, facts, capabilities(actor, p))
        day = clean_date(on_date, "on_date", not_before=p.applied_on)
        from_status = p.status
        step = Step(
            actor=actor,
            p=p,
            target=t.target,
            day=day,
            cal=BusinessCalendar.load(),
            note=note,
            outcome=outcome,
            outcome_summary=outcome_summary,
            approved_by=approved_by,
            extension=extension,
            supervised=supervised,
            target_clock=target_clock,
        )
        effect = wf.PROCEEDING.effect_for(action, EFFECTS)
        data = effect(step) if effect is not None else {}
        if data is not None:
            timeline.record(p, actor, action, day, from_status=from_status, note=note, data=data)
    return p


def _pick_clock(clocks: list[Clock], code: str, action: str) -> Clock | None:
    if action != "extend":
        return None
    if code:
        found = [c for c in clocks if c.rule.code == code]
        if not found:
            raise ValidationFailed(f"no running clock {code!r} on this proceeding")
        return found[0]
    return next((c for c in clocks if c.rule.extension_max != 0), None)
