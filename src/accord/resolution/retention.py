"""Retention: the resolution part's share of anonymising a case (registered into
`cases.hooks.CASES_ANONYMISING` by `apps.py`)."""

from __future__ import annotations

from accord.resolution.models import (
    Agreement,
    Document,
    FollowUp,
    MediationSession,
    Proceeding,
    ProceedingEvent,
    ProceedingParty,
    SupervisionOrder,
)


def anonymise_for_cases(case_ids: list[int]) -> None:
    """Remove the personal data the resolution part holds about these cases (run by
    `accord purge` inside the case anonymisation transaction): claims and outcomes, party
    names, event notes, session records and attendees, agreement text, terms and signatures,
    document titles and bodies, supervision orders and replies, follow-up notes. Channels,
    dates, clocks and outcomes' kinds stay, so metrics and supervision history stay whole."""
    procs = Proceeding.objects.filter(case_id__in=case_ids)
    ProceedingParty.objects.filter(proceeding__in=procs).update(name="")
    ProceedingEvent.objects.filter(proceeding__in=procs).update(note="")
    MediationSession.objects.filter(proceeding__in=procs).update(record="", attendees="")
    Agreement.objects.filter(proceeding__in=procs).update(text="", terms="", signatures="")
    SupervisionOrder.objects.filter(proceeding__in=procs).update(text="", reply="")
    Document.objects.filter(case_id__in=case_ids).update(title="", body="")
    FollowUp.objects.filter(case_id__in=case_ids).update(note="")
    procs.update(claims="", outcome_summary="")
