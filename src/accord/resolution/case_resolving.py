"""A case is being resolved while proceedings of it are open (registered into
`cases.hooks.CASE_RESOLVING` by `apps.py`): refuse, or conclude them in the same transaction.

What each open proceeding ends with, by its channel:
- mediation: the agreement if one is recorded, else no agreement (failure);
- a formal channel that allows an agreement and has one recorded: the agreement;
- any other formal channel: withdrawn (the dispute was settled elsewhere; no award, decision
  or judgment is invented).
The case itself is not moved by these conclusions: the resolution under way does that.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accord.accounts.models import User
from accord.core.errors import Conflict
from accord.resolution import deadlines, outcomes, timeline
from accord.resolution import workflow as wf
from accord.resolution.models import Agreement, Proceeding


def open_proceedings(case) -> list[Proceeding]:
    return list(
        Proceeding.objects.select_for_update()
        .filter(case_id=case.pk, status__in=wf.ACTIVE)
        .order_by("number")
    )


def outcome_for(p: Proceeding) -> str:
    """The outcome an open proceeding is concluded with when its case is resolved."""
    has_agreement = Agreement.objects.filter(proceeding=p).exists()
    if p.channel in wf.MEDIATION:
        return wf.AGREEMENT if has_agreement else wf.FAILURE
    if has_agreement and wf.AGREEMENT in wf.CHANNEL_OUTCOMES.get(p.channel, frozenset()):
        return wf.AGREEMENT
    return wf.WITHDRAWAL


def on_case_resolving(case, conclude_open: bool, actor: User) -> None:
    procs = open_proceedings(case)
    if not procs:
        return
    numbers = ", ".join(p.number for p in procs)
    if not conclude_open:
        raise Conflict(
            _(
                "The case still has open proceedings: %(numbers)s. Conclude them first, or "
                "resolve the case with its open proceedings concluded."
            )
            % {"numbers": numbers},
            code="open_proceedings",
        )
    day = timezone.localdate()
    note = _("Concluded because case %(reference)s was resolved.") % {"reference": case.reference}
    for p in procs:
        outcome = outcome_for(p)
        if outcome == wf.WITHDRAWAL:
            _withdraw(actor, p, day, note)
        else:
            outcomes.conclude(actor, p, outcome, day, note, follow_case=False)


def _withdraw(actor: User, p: Proceeding, day, note: str) -> None:
    from_status = p.status
    p.status, p.outcome, p.outcome_on, p.closed_on = wf.P.WITHDRAWN, wf.WITHDRAWAL, day, day
    stopped = deadlines.stop(p, "withdrawn", day)
    p.save()
    timeline.record(
        p,
        actor,
        "withdraw",
        day,
        from_status=from_status,
        note=note,
        data={"stopped": [c.rule.code for c in stopped], "case_resolved": True},
    )
