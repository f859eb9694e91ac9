"""Escalation-risk scores of cases (`earlywarning.risk` is the pure rule): written for new
cases by the intake, re-scored after each transition (`on_case_changed`, registered into
`cases.hooks.CASE_CHANGED`) and for every open case daily (`risk_refresh`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accord.cases import workflow
from accord.cases.models import Case, CaseEvent
from accord.core.audit import audit_record
from accord.core.calendar import BusinessCalendar
from accord.earlywarning import lifecycle
from accord.earlywarning import risk as riskmod
from accord.earlywarning.models import Alert, AlertKind, CaseRisk


def on_case_changed(case: Case) -> None:
    """`cases.hooks.CASE_CHANGED`: called by `cases.transitions.case_transition` inside the
    transition's transaction."""
    risk_update(case)


def _overdue_days(case: Case, today: dt.date, calendar: BusinessCalendar) -> int:
    if (
        case.deadline is None
        or case.clock_suspended
        or case.status in workflow.FINISHED
        or case.deadline >= today
    ):
        return 0
    return calendar.working_days_between(
        case.deadline, min(today, case.deadline + dt.timedelta(days=40))
    )


def _contacts(case_ids: list[int]) -> dict[int, int]:
    rows = (
        CaseEvent.objects.filter(case_id__in=case_ids)
        .filter(Q(action="reopen") | Q(action="escalate", data__requested_by="party"))
        .values("case_id")
        .annotate(n=Count("id"))
    )
    return {r["case_id"]: r["n"] for r in rows}


def _grouped(case_ids: list[int]) -> set[int]:
    return set(
        Alert.cases.through.objects.filter(
            case_id__in=case_ids,
            alert__kind=AlertKind.GROUP,
            alert__status__in=lifecycle.OPEN,
        ).values_list("case_id", flat=True)
    )


def _facts(case: Case, contacts: int, grouped: bool, overdue: int) -> riskmod.RiskFacts:
    return riskmod.RiskFacts(
        repeated_contact=contacts,
        people_count=case.people_count,
        failed_attempts=case.failed_attempts_total,
        overdue_days=overdue,
        risk_of_violence=case.risk_of_violence,
        vulnerable_party=case.vulnerable_party,
        in_group=grouped,
        collective_parties=int(getattr(settings, "ACCORD_COLLECTIVE_PARTIES", 10)),
    )


def risk_update(case: Case, *, today: dt.date | None = None) -> None:
    """Recompute one case's score (inside the caller's transaction)."""
    risk_write([case], today=today)


def risk_write(
    cases: list[Case],
    *,
    today: dt.date | None = None,
    fresh: Iterable[int] = (),
    grouped: set[int] | None = None,
    calendar: BusinessCalendar | None = None,
) -> int:
    """Score these cases and write their rows in one statement (insert or update).
    `fresh`: ids of cases filed in this very transaction (no history to look up). `grouped`:
    ids known to be linked to an open group alert (the others are looked up)."""
    if not cases:
        return 0
    today = today or timezone.localdate()
    fresh = set(fresh)
    older = [c.pk for c in cases if c.pk not in fresh]
    contacts = _contacts(older) if older else {}
    grouped = set(grouped or ()) | (_grouped(older) if older else set())
    now = timezone.now()
    rows = []
    for case in cases:
        overdue = 0
        if case.deadline is not None and case.deadline < today:
            calendar = calendar or BusinessCalendar.load()
            overdue = _overdue_days(case, today, calendar)
        score, factors = riskmod.score(
            _facts(case, contacts.get(case.pk, 0), case.pk in grouped, overdue)
        )
        rows.append(
            CaseRisk(
                case=case,
                score=score,
                factors=factors,
                open=case.status not in workflow.FINISHED,
                updated_at=now,
            )
        )
    CaseRisk.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=["score", "factors", "open", "updated_at"],
    )
    return len(rows)


def risk_refresh(*, today: dt.date | None = None, batch: int = 2000) -> int:
    """Recompute the score of every open case (overdue days grow with time); mark scores of
    finished cases closed. Returns the number of open cases scored."""
    today = today or timezone.localdate()
    calendar = BusinessCalendar.load()
    n = 0
    with transaction.atomic():
        CaseRisk.objects.filter(open=True, case__status__in=workflow.FINISHED).update(open=False)
        ids = list(Case.objects.exclude(status__in=workflow.FINISHED).values_list("pk", flat=True))
        for i in range(0, len(ids), batch):
            chunk = list(Case.objects.filter(pk__in=ids[i : i + batch]))
            n += risk_write(chunk, today=today, calendar=calendar)
        audit_record(
            actor=None,
            action="earlywarning.risk_refresh",
            object_type="case_risk",
            data={"open": n},
        )
    return n
