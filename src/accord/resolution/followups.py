"""After the outcome: the follow-up visit (was the agreement performed? how satisfied are the
parties? what risk remains?), the routes when it was not performed, and closing and archiving
the case once its dossier is complete. The visit itself is scheduled by `outcomes`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from accord.accounts.models import User
from accord.cases import transitions as case_transitions
from accord.cases import workflow as case_wf
from accord.cases.access import case_capabilities as case_staff_capabilities
from accord.cases.models import Case
from accord.core.errors import Conflict, Forbidden, ValidationFailed
from accord.resolution import documents, timeline
from accord.resolution import workflow as wf
from accord.resolution.access import case_capabilities
from accord.resolution.inputs import clean_date, clean_text
from accord.resolution.models import FollowUp, Proceeding
from accord.resolution.proceedings import nonperformance_route
from accord.resolution.selectors import dossier_checklist

RISK_LEVELS = ("none", "low", "medium", "high")
FOLLOWUP_ROUTES = ("reopen_mediation", "judicial_confirmation", "enforcement")


def followup_record(
    *,
    actor: User,
    followup: FollowUp,
    performed: bool,
    satisfaction: int,
    remaining_risk: str = "none",
    note: str = "",
    route: str = "",
    done_on: dt.date | None = None,
) -> FollowUp:
    """Record the visit. Non-performance can reopen mediation, start judicial confirmation
    (within its 30 days) or refer to enforcement (`route`)."""
    note = clean_text(note, "note")
    if not 1 <= int(satisfaction) <= 5:
        raise ValidationFailed("satisfaction must be 1-5")
    if remaining_risk not in RISK_LEVELS:
        raise ValidationFailed(f"remaining_risk must be one of {', '.join(RISK_LEVELS)}")
    if route and route not in FOLLOWUP_ROUTES:
        raise ValidationFailed(f"route must be one of {', '.join(FOLLOWUP_ROUTES)}")
    if route and performed:
        raise ValidationFailed("a route is only for an agreement that was not performed")
    with transaction.atomic():
        f = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("case", "proceeding")
            .get(pk=followup.pk)
        )
        if f.done_on is not None:
            raise Conflict("this follow-up visit is already recorded", code="followup_done")
        case = Case.objects.select_related("category").get(pk=f.case_id)
        if wf.HANDLER not in case_capabilities(actor, case):
            raise Forbidden("you may not record this follow-up visit")
        day = clean_date(done_on, "done_on")
        f.done_on, f.performed, f.satisfaction = day, performed, int(satisfaction)
        f.remaining_risk, f.note, f.route = remaining_risk, note, route
        f.save()
        p = f.proceeding
        if p is not None:
            timeline.record(
                p,
                actor,
                "followup",
                day,
                from_status=p.status,
                note=note,
                data={
                    "performed": performed,
                    "satisfaction": int(satisfaction),
                    "remaining_risk": remaining_risk,
                    "route": route,
                },
            )
        timeline.case_follows(
            actor,
            case,
            "follow_up",
            p or Proceeding(number="-", channel=""),
            note=note or "follow-up visit",
            satisfaction=int(satisfaction),
            agreement_performed=performed,
        )
        if route and p is not None:
            nonperformance_route(actor, case, p, route, day)
    return f


def case_archive(*, actor: User, case: Case, note: str = "") -> Case:
    """Close (after the follow-up visit) and archive the case when the dossier is complete;
    issues the dossier cover. Only a coordinator may archive."""
    note = clean_text(note, "note")
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("category").get(pk=case.pk)
        )
        caps = case_staff_capabilities(actor, case)
        if case_wf.COORDINATOR not in caps:
            raise Forbidden("only a coordinator may archive a case")
        if case.status not in (case_wf.S.FOLLOW_UP, case_wf.S.CLOSED):
            raise Conflict(
                f"the case is {case.status}; record the follow-up visit first",
                code="transition_state",
            )
        active = list(
            case.proceedings.filter(status__in=wf.ACTIVE).values_list("number", flat=True)
        )
        if active:
            raise Conflict(f"proceedings still open: {', '.join(active)}", code="proceedings_open")
        missing = [i for i in dossier_checklist(case) if i["required"] and not i["present"]]
        if missing:
            raise ValidationFailed(
                "the dossier is incomplete: " + ", ".join(i["en"] for i in missing),
                code="dossier_incomplete",
            )
        if case.status == case_wf.S.FOLLOW_UP:
            case_transitions.case_transition(actor=actor, case=case, action="close", note=note)
        case = case_transitions.case_transition(actor=actor, case=case, action="archive", note=note)
        last = case.proceedings.order_by("-created_at", "-id").first()
        ctx = _dossier_context(case)
        if last is not None:
            documents.issue("dossier_cover", last, actor, ctx)
    return case


def _dossier_context(case: Case) -> dict[str, Any]:
    rows = []
    for x in case.proceedings.order_by("created_at", "id"):
        rows.append(
            {
                "number": x.number,
                "channel_en": wf.CHANNEL_NAMES[x.channel][0],
                "channel_zh": wf.CHANNEL_NAMES[x.channel][1],
                "status": x.status,
                "status_zh": wf.STATE_NAMES[x.status][1],
                "outcome": x.outcome,
                "outcome_zh": wf.OUTCOME_NAMES[x.outcome][1] if x.outcome else "",
                "outcome_on": x.outcome_on,
            }
        )
    return {"case": case, "proceedings": rows, "checklist": dossier_checklist(case)}
