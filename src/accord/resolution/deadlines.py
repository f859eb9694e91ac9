"""The statutory clocks of a proceeding as rows: started and stopped by its events under the
statute table, recomputed after a suspension, an extension or a restart; and the deadlines a
party meets (limitation periods at intake, the labour mediation's 15 days). The day counting
itself is `clock.py` (pure)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accord.core.calendar import BusinessCalendar
from accord.resolution import clock as clk
from accord.resolution import workflow as wf
from accord.resolution.inputs import today as _today
from accord.resolution.models import Clock, Proceeding, StatuteRule


def rules_for(channel: str, procedure: str) -> list[StatuteRule]:
    return [
        r
        for r in StatuteRule.objects.filter(channel=channel, active=True, kind="period")
        if r.applies_to(procedure)
    ]


def start(p: Proceeding, event: str, on_date: dt.date, cal: BusinessCalendar) -> list[Clock]:
    """Start the clocks of the proceeding's rules that `event` starts."""
    started = []
    for rule in rules_for(p.channel, p.procedure):
        if rule.start_event != event:
            continue
        due = clk.due_date(cal, rule, on_date)
        started.append(
            Clock.objects.create(
                proceeding=p,
                rule=rule,
                started_on=on_date,
                due_on=due,
                warning_on=clk.warning_date(on_date, due),
            )
        )
    return started


def stop(p: Proceeding, event: str, on_date: dt.date) -> list[Clock]:
    """Stop the proceeding's clocks that `event` stops (the duty was met)."""
    stopped = []
    for c in p.clocks.select_related("rule").exclude(state=Clock.State.STOPPED):
        if event in (c.rule.stop_events or []):
            c.state, c.stopped_on, c.stopped_by = Clock.State.STOPPED, on_date, event
            c.save(update_fields=["state", "stopped_on", "stopped_by"])
            stopped.append(c)
    return stopped


def recompute(c: Clock, cal: BusinessCalendar) -> None:
    c.due_on = clk.due_date(
        cal, c.rule, c.started_on, extension=c.extension, suspended_days=c.suspended_days
    )
    c.warning_on = clk.warning_date(c.started_on, c.due_on)


def rows(clocks: list[Clock]) -> list[dict[str, Any]]:
    """The clocks as timeline data (no personal data)."""
    return [
        {"rule": c.rule.code, "due_on": c.due_on, "basis": c.rule.basis_en, "duty": c.rule.duty}
        for c in clocks
    ]


def limitation_warnings(
    *, channels: list[str], knew_on: dt.date, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """For each limitation rule of `channels`: the last day to apply, days left, expired?"""
    today = today or _today()
    cal = BusinessCalendar.load()
    out = []
    for rule in StatuteRule.objects.filter(
        kind="limitation", active=True, channel__in=channels
    ).order_by("channel"):
        due = clk.due_date(cal, rule, knew_on)
        left = clk.days_left(due, today)
        out.append(
            {
                "rule": rule.code,
                "channel": rule.channel,
                "channel_name": wf.CHANNEL_NAMES[rule.channel],
                "last_day": due,
                "days_left": left,
                "expired": left < 0,
                "urgent": 0 <= left <= 30,
                "basis_en": rule.basis_en,
                "basis_zh": rule.basis_zh,
            }
        )
    return out


def overdue_mediation(p: Proceeding, on_date: dt.date) -> bool:
    return p.clocks.filter(
        rule__duty="body", due_on__lt=on_date, state=Clock.State.RUNNING
    ).exists()


def labour_offers(p: Proceeding, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Labour mediation past day 15 without agreement: arbitration is offered (art. 14)."""
    today = today or _today()
    if p.channel != wf.LABOUR_MEDIATION or p.status not in wf.ACTIVE:
        return []
    c = p.clocks.filter(rule__code="labour_mediation.mediate").select_related("rule").first()
    if c is None or today <= c.due_on:
        return []
    return [
        {
            "channel": wf.LABOUR_ARBITRATION,
            "since": c.due_on + dt.timedelta(days=1),
            "basis_en": c.rule.basis_en,
            "basis_zh": c.rule.basis_zh,
        }
    ]
