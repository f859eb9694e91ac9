"""Writes on the suggestions box (金点子): a suggestion gets a reference and an answer date in
working days; co-signatures under a pseudonym; above the threshold the answer must reply
point by point."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accord.core.audit import audit_record
from accord.core.calendar import BusinessCalendar
from accord.core.errors import Conflict, NotFound, ValidationFailed
from accord.core.models import Area
from accord.participation import access
from accord.participation.models import Cosignature, Suggestion


def _signed_in(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def suggestion_create(*, actor: Any, area: str, title: str, text: str) -> Suggestion:
    where = Area.objects.filter(code=area).first()
    if where is None:
        raise ValidationFailed(f"unknown area {area!r}", code="unknown_area")
    title, text = " ".join((title or "").split()), (text or "").strip()
    if not title or not text:
        raise ValidationFailed("a suggestion needs a title and a text", code="missing_text")
    if len(title) > 200 or len(text) > 5000:
        raise ValidationFailed("the suggestion is too long", code="too_long")
    today = timezone.localdate()
    due = BusinessCalendar.load().add_working_days(
        today, settings.ACCORD_SUGGESTION_ANSWER_WORKING_DAYS
    )
    with transaction.atomic():
        s = Suggestion.objects.create(
            reference=uuid.uuid4().hex[:20],
            area=where,
            title=title,
            text=text,
            author=actor if _signed_in(actor) else None,
            due_on=due,
        )
        s.reference = f"JD-{today.year}-{s.pk:05d}"
        s.save(update_fields=["reference"])
        audit_record(
            actor=actor if _signed_in(actor) else None,
            action="suggestion.create",
            object_type="suggestion",
            object_id=s.reference,
            data={"area": where.code, "due_on": due.isoformat()},
        )
    return s


def suggestion_cosign(*, suggestion: Suggestion, pseudonym: str) -> Suggestion:
    if suggestion.status != Suggestion.Status.RECEIVED:
        raise Conflict("this suggestion has been answered", code="suggestion_answered")
    with transaction.atomic():
        try:
            with transaction.atomic():
                Cosignature.objects.create(suggestion=suggestion, pseudonym=pseudonym)
        except IntegrityError:
            raise Conflict("you have co-signed this suggestion already", code="cosigned") from None
        Suggestion.objects.filter(pk=suggestion.pk).update(cosignatures=F("cosignatures") + 1)
        audit_record(
            actor=None,
            action="suggestion.cosign",
            object_type="suggestion",
            object_id=suggestion.reference,
        )
    suggestion.refresh_from_db()
    return suggestion


def needs_points(s: Suggestion) -> bool:
    return s.cosignatures >= settings.ACCORD_SUGGESTION_COSIGN_THRESHOLD


def suggestion_answer(
    *, actor: Any, suggestion: Suggestion, answer: str, points: list[str] | None = None
) -> Suggestion:
    """The responsible unit (staff over the area) answers; with at least the threshold of
    co-signatures the answer must reply point by point."""
    if not access.manages_area(actor, suggestion.area):
        raise NotFound(f"no suggestion {suggestion.reference!r}")
    if suggestion.status != Suggestion.Status.RECEIVED:
        raise Conflict("this suggestion has been answered", code="suggestion_answered")
    answer = (answer or "").strip()
    pts = [p.strip() for p in (points or []) if p and p.strip()]
    if not answer:
        raise ValidationFailed("the answer is empty", code="empty_answer")
    if needs_points(suggestion) and not pts:
        raise ValidationFailed(
            f"a suggestion with {suggestion.cosignatures} co-signatures needs a point-by-point "
            "reply before it is answered",
            code="points_needed",
        )
    with transaction.atomic():
        suggestion.answer = answer
        suggestion.points = pts
        suggestion.status = Suggestion.Status.ANSWERED
        suggestion.answered_at = timezone.now()
        suggestion.answered_by = actor
        suggestion.save()
        audit_record(
            actor=actor,
            action="suggestion.answer",
            object_type="suggestion",
            object_id=suggestion.reference,
            data={"points": len(pts), "late": timezone.localdate() > suggestion.due_on},
        )
    return suggestion
