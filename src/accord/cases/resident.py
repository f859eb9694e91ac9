"""What a party can do with a case's reference and tracking secret alone (no account).

The secret proves that the caller is the party who filed the case. A party's request to
escalate is always honoured (DESIGN §2): it goes through `case_transition` like every other
status change, as the applicant. Rating the follow-up records the party's satisfaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.cases import routing, selectors, workflow
from accord.cases.filing import MAX_DESCRIPTION
from accord.cases.models import Case, CaseEvent
from accord.cases.transitions import case_transition
from accord.core.audit import audit_record
from accord.core.errors import Conflict, NotFound, ValidationFailed

# Statuses in which the party may rate how the case was handled.
RATEABLE = frozenset(
    {
        workflow.S.RESOLVED,
        workflow.S.REFERRED,
        workflow.S.FOLLOW_UP,
        workflow.S.CLOSED,
        workflow.S.ARCHIVED,
    }
)


def can_escalate(case: Case) -> bool:
    """Whether the escalate action is open in the case's status and tier."""
    return case.status in workflow.BY_ACTION["escalate"].sources and case.tier != routing.TIERS[-1]


def case_party_escalate(
    *, reference: str, secret: str, note: str = "", actor: User | None = None
) -> Case:
    """The party asks for the case to move to the next tier."""
    case = selectors.case_track(reference=reference, secret=secret)
    return case_transition(
        actor=actor,  # type: ignore[arg-type]
        case=case,
        action="escalate",
        note=note.strip() or "escalation requested by the party",
        party_proven=True,
    )


def case_party_rate(
    *, reference: str, secret: str, satisfaction: int, comment: str = "", actor: User | None = None
) -> Case:
    """The party rates the handling (1 = very unhappy … 5 = very satisfied) once the case has
    been resolved or referred. A later rating replaces an earlier one."""
    _check_rating(satisfaction, comment)
    found = selectors.case_track(reference=reference, secret=secret)
    return _rate(found, satisfaction, comment, actor)


def _filed_by(actor: User, reference: str) -> Case:
    case = selectors.case_get_for(actor=actor, reference=reference)
    if case.filed_by_id != actor.pk:
        raise NotFound(f"no case {reference!r} filed by you")
    return case


def case_filer_escalate(*, actor: User, reference: str, note: str = "") -> Case:
    """A signed-in resident asks for escalation of a case they filed."""
    case = _filed_by(actor, reference)
    return case_transition(
        actor=actor,
        case=case,
        action="escalate",
        note=note.strip() or "escalation requested by the party",
    )


def case_filer_rate(*, actor: User, reference: str, satisfaction: int, comment: str = "") -> Case:
    """A signed-in resident rates the handling of a case they filed."""
    _check_rating(satisfaction, comment)
    return _rate(_filed_by(actor, reference), satisfaction, comment, actor)


def _check_rating(satisfaction: int, comment: str) -> None:
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValidationFailed("satisfaction (1-5) is required", code="satisfaction")
    if len(comment) > MAX_DESCRIPTION:
        raise ValidationFailed(f"comment is longer than {MAX_DESCRIPTION} characters")


def _rate(found: Case, satisfaction: int, comment: str, actor: User | None) -> Case:
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=found.pk)
        if case.status not in RATEABLE:
            raise Conflict(
                "the case can be rated once it has been resolved or referred", code="not_rateable"
            )
        now = timezone.now()
        case.satisfaction = satisfaction
        case.save(update_fields=["satisfaction", "updated_at"])
        is_user = actor is not None and actor.is_authenticated
        CaseEvent.objects.create(
            case=case,
            created_at=now,
            actor=actor if is_user else None,
            actor_role="applicant",
            action="party_rating",
            from_status=case.status,
            to_status=case.status,
            note=comment.strip(),
            data={"satisfaction": satisfaction},
        )
        audit_record(
            actor=actor,
            role="applicant",
            action="case.party_rating",
            object_type="case",
            object_id=case.reference,
            data={"satisfaction": satisfaction},
        )
    return case
