"""What concluding a proceeding with an outcome does: its status and outcome, the clocks the
conclusion stops and the outcome starts (e.g. the 30 days to apply for judicial confirmation),
the documents the outcome issues (the mediation agreement, the notice of rights), the case that
follows, and the follow-up visit a resolving outcome schedules."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

from accord.accounts.models import User
from accord.core.calendar import BusinessCalendar
from accord.resolution import deadlines, documents, timeline
from accord.resolution import workflow as wf
from accord.resolution.models import Agreement, FollowUp, Proceeding


def followup_days() -> int:
    return int(getattr(settings, "ACCORD_FOLLOWUP_DAYS", 15))


def conclude(
    actor: User,
    p: Proceeding,
    outcome: str,
    day: dt.date,
    note: str,
    *,
    summary: str = "",
    party_choice: bool = False,
    follow_case: bool = True,
) -> None:
    """Conclude `p` with `outcome` (inside the caller's transaction; the caller checked the
    table). `party_choice`: a mediation the party left for a formal channel. `follow_case`
    False: the case is not moved (it is being resolved already, see `case_resolving`)."""
    from_status = p.status
    p.status, p.outcome, p.outcome_on, p.closed_on = wf.P.CONCLUDED, outcome, day, day
    p.outcome_summary = summary
    if party_choice:
        p.data = {**p.data, "ended_by_party_choice": True}
    p.save()
    cal = BusinessCalendar.load()
    stopped = deadlines.stop(p, "concluded", day)
    started = deadlines.start(p, f"outcome:{outcome}", day, cal)
    if outcome == wf.AGREEMENT:
        Agreement.objects.filter(proceeding=p, effective_on__isnull=True).update(effective_on=day)
    timeline.record(
        p,
        actor,
        "conclude",
        day,
        from_status=from_status,
        note=note,
        data={
            "outcome": outcome,  # the summary stays on the proceeding (encrypted)
            "stopped": [c.rule.code for c in stopped],
            # e.g. the deadline to sue after an award, or to apply for judicial confirmation
            "deadlines": deadlines.rows(started),
        },
    )
    if outcome == wf.FAILURE and p.channel in wf.MEDIATION:
        documents.issue("rights_notice", p, actor, {"routes": documents.rights_routes(p.case, day)})
    if outcome == wf.AGREEMENT and p.channel in wf.MEDIATION:
        agreement = Agreement.objects.filter(proceeding=p).first()
        documents.issue(
            "mediation_agreement",
            p,
            actor,
            {
                "agreement": _agreement_ctx(agreement),
                "confirm_due": started[0].due_on if started else None,
            },
        )
    # The case follows.
    case = p.case
    if not follow_case:
        pass
    elif outcome == wf.AGREEMENT and p.channel in wf.MEDIATION:
        timeline.case_follows(actor, case, "resolve", p, note=f"{p.number}: agreement")
    elif outcome == wf.FAILURE and p.channel in wf.MEDIATION and not party_choice:
        timeline.case_follows(actor, case, "record_attempt", p, note=f"{p.number}: no agreement")
    if outcome in wf.RESOLVING:
        followup_schedule(actor, p, day)


def _agreement_ctx(agreement: Agreement | None) -> dict[str, Any] | None:
    if agreement is None:
        return None
    sigs = [
        {**s, "role_zh": documents.ROLE_ZH.get(s.get("role", ""), s.get("role", ""))}
        for s in agreement.signatures
    ]
    return {
        "text": agreement.text,
        "terms": agreement.terms,
        "signatures": sigs,
        "effective_on": agreement.effective_on,
    }


def followup_schedule(actor: User, p: Proceeding, day: dt.date) -> FollowUp | None:
    """The follow-up visit after a resolving outcome (one open visit per case at a time)."""
    if FollowUp.objects.filter(case=p.case, done_on__isnull=True).exists():
        return None
    due = day + dt.timedelta(days=followup_days())
    f = FollowUp.objects.create(case=p.case, proceeding=p, due_on=due, created_at=timezone.now())
    timeline.record(p, actor, "followup_scheduled", day, from_status=p.status, data={"due_on": due})
    return f
