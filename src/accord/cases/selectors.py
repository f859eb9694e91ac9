"""Reads on cases that reach users, always scoped to the actor's jurisdiction."""

from __future__ import annotations

import datetime as dt
import hmac

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from accord.accounts.models import CASE_STAFF_ROLES, User
from accord.accounts.permissions import area_scope_q, roles_of
from accord.cases import workflow
from accord.cases.clock import COLOUR_ORDER, GREEN, GREY, RED, YELLOW, supervision_colour
from accord.cases.identity import DESCRIPTION_INDEX, hash_secret
from accord.cases.models import Case, CaseEvent, CaseSearchToken, Party
from accord.core.audit import access_record
from accord.core.crypto import blind_index, search_tokens
from accord.core.errors import NotFound


def case_scope_q(actor: User) -> Q:
    """Cases an actor may see: staff see their jurisdiction (where the case happened or the
    unit handling it); residents see what they filed. Anyone else sees nothing. Case staff
    who file for a walk-in or a hotline caller see that case through their jurisdiction only,
    not for having typed it in (once it is routed elsewhere it is no longer theirs)."""
    q = area_scope_q(actor, CASE_STAFF_ROLES, "area__path") | area_scope_q(
        actor, CASE_STAFF_ROLES, "handling_area__path"
    )
    if actor.is_authenticated and not (roles_of(actor) & set(CASE_STAFF_ROLES)):
        q |= Q(filed_by=actor)
    return q


def case_list_for(
    *,
    actor: User,
    status: str | None = None,
    tier: str | None = None,
    category: str | None = None,
    area: str | None = None,
    overdue: bool | None = None,
    search: str | None = None,
) -> QuerySet[Case]:
    qs = Case.objects.filter(case_scope_q(actor)).select_related(
        "category", "area", "handling_area", "assignee"
    )
    if status:
        qs = qs.filter(status=status)
    if tier:
        qs = qs.filter(tier=tier)
    if category:
        qs = qs.filter(category__code=category)
    if area:
        qs = qs.filter(Q(area__path__contains=f"/{area}/"))
    if overdue is not None:
        today = timezone.localdate()
        late = Q(deadline__lt=today, clock_suspended=False) & ~Q(status__in=workflow.FINISHED)
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if search and search.strip():
        qs = qs.filter(search_q(search))
    return with_urgency(qs).order_by("urgency", "deadline", "-created_at")


def search_q(term: str) -> Q:
    """Search without plaintext in the database: the reference (case-insensitive), a party's
    exact name or identity number (blind indexes) or words of the description (keyword blind index: every word of
    the term must occur; Chinese is matched by character pairs)."""
    term = term.strip()
    parties = Party.objects.filter(
        Q(name_index=blind_index("party.name", term))
        | Q(id_number_index=blind_index("party.id_number", term))
    )
    q = Q(reference__iexact=term) | Q(pk__in=parties.values("case_id"))
    tokens = search_tokens(DESCRIPTION_INDEX, term)
    if tokens:
        matching = (
            CaseSearchToken.objects.filter(token__in=tokens)
            .values("case_id")
            .annotate(n=Count("token", distinct=True))
            .filter(n=len(tokens))
            .values("case_id")
        )
        q |= Q(pk__in=matching)
    return q


def with_urgency(qs: QuerySet[Case], today: dt.date | None = None) -> QuerySet[Case]:
    """Annotate the supervision colour's rank (red 0, yellow 1, green 2, grey 3) in SQL, the
    same rule as `clock.supervision_colour`, so that lists sort most urgent first."""
    today = today or timezone.localdate()

    def rank(colour: str) -> Value:
        return Value(COLOUR_ORDER[colour])

    return qs.annotate(
        urgency=SqlCase(
            When(status__in=workflow.FINISHED, then=rank(GREEN)),
            When(clock_suspended=True, then=rank(GREY)),
            When(deadline__isnull=True, then=rank(GREEN)),
            When(deadline__lt=today, then=rank(RED)),
            When(deadline_warning__lte=today, then=rank(YELLOW)),
            default=rank(GREEN),
            output_field=IntegerField(),
        )
    )


def case_get_for(*, actor: User, reference: str, purpose: str = "case.view") -> Case:
    """The case if the actor may see it; otherwise NotFound (never reveal it exists).
    Both outcomes are recorded in the access chain under `purpose` (a read of the case's
    personal data, or a refused attempt)."""
    case = case_list_for(actor=actor).filter(reference=reference).first()
    if case is None:
        access_record(
            actor=actor,
            action=purpose,
            object_type="case",
            object_id=reference[:64],
            outcome="not_found",
        )
        raise NotFound(f"no case {reference!r}")
    access_record(actor=actor, action=purpose, object_type="case", object_id=case.reference)
    return case


def case_events_for(*, actor: User, reference: str) -> QuerySet[CaseEvent]:
    case = case_get_for(actor=actor, reference=reference, purpose="case.events.view")
    return case.events.select_related("actor").order_by("created_at", "id")


def record_list_view(
    *, actor: User, shown: list[Case], total: int, filters: dict, searched: bool
) -> None:
    """Record that a list of cases (with descriptions) was shown: which references, how many
    matched, the filters used; a search term is not recorded (it may be a person's name)."""
    access_record(
        actor=actor,
        action="case.list",
        object_type="case",
        data={
            "shown": [c.reference for c in shown],
            "count": total,
            "filters": {k: v for k, v in filters.items() if v not in (None, "")},
            "search": searched,
        },
    )


def case_track(*, reference: str, secret: str) -> Case:
    """Public lookup by reference + tracking secret. Same error for both mismatches; a
    mismatch is recorded in the access chain (without the secret)."""
    case = (
        Case.objects.select_related("category", "handling_area").filter(reference=reference).first()
    )
    if case is None or not _same(case.tracking_secret_hash, hash_secret(secret)):
        access_record(
            actor=None,
            action="case.track",
            object_type="case",
            object_id=reference[:64],
            outcome="not_found",
        )
        raise NotFound("no case with that reference and tracking secret")
    return case


def case_receipt(*, reference: str) -> Case:
    """The filing receipt of a case this browser session filed (the caller checks the session):
    what the public tracking page shows."""
    case = (
        Case.objects.select_related("category", "handling_area").filter(reference=reference).first()
    )
    if case is None:
        raise NotFound("no such case")
    return case


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


def colour_of(case: Case, today: dt.date | None = None) -> str:
    return supervision_colour(
        status=case.status,
        entered=timezone.localdate(case.status_changed_at),
        deadline=case.deadline,
        today=today or timezone.localdate(),
        suspended=case.clock_suspended,
    )
