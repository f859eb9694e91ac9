"""Writes on comments: a resident comments (signed in or, where allowed, anonymously); staff
dispose of comments one by one or in bulk (audited per item) and hide one only for a listed
reason."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.core.audit import audit_record, audit_records
from accord.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from accord.participation import access
from accord.participation import workflow as wf
from accord.participation.models import Comment, Consultation

MAX_COMMENT = 5000


def _signed_in(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def comment_create(
    *, actor: Any, consultation: Consultation, text: str, article: int | None = None
) -> Comment:
    """Comment on the whole draft (article None) or on article number `article`."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("the comment is empty", code="empty_comment")
    if len(text) > MAX_COMMENT:
        raise ValidationFailed(f"a comment has at most {MAX_COMMENT} characters", code="too_long")
    today = timezone.localdate()
    if consultation.status != wf.OPEN or not (
        consultation.opens_on <= today <= consultation.closes_on
    ):
        raise Conflict("this consultation is not open for comment", code="consultation_closed")
    if not _signed_in(actor) and not consultation.allow_anonymous:
        raise Forbidden("sign in to comment on this consultation", code="sign_in_to_comment")
    art = None
    if article is not None:
        art = consultation.articles.filter(number=article).first()
        if art is None:
            raise ValidationFailed(f"the draft has no article {article}", code="unknown_article")
    with transaction.atomic():
        c = Comment.objects.create(
            consultation=consultation,
            article=art,
            author=actor if _signed_in(actor) else None,
            text=text,
        )
        audit_record(
            actor=actor if _signed_in(actor) else None,
            action="comment.create",
            object_type="comment",
            object_id=c.pk,
            data={"consultation": consultation.reference, "article": article},
        )
    return c


def _check_disposition(disposition: str, reason: str) -> None:
    if disposition not in wf.DISPOSITION_NAMES:
        raise ValidationFailed(
            f"disposition must be one of {', '.join(wf.DISPOSITION_NAMES)}", code="bad_disposition"
        )
    if not (reason or "").strip():
        raise ValidationFailed("every disposition needs a reason", code="missing_reason")


def _check_staff(actor: Any, consultation: Consultation) -> None:
    if not access.manages_area(actor, consultation.area):
        raise NotFound(f"no consultation {consultation.reference!r}")
    if consultation.status not in (wf.OPEN, wf.CLOSED):
        raise Conflict(
            "comments are answered while the consultation is open or closed",
            code="consultation_state",
        )


def comments_dispose(
    *,
    actor: Any,
    consultation: Consultation,
    comment_ids: list[int],
    disposition: str,
    reason: str,
    theme: str | None = None,
) -> int:
    """Give the same disposition and reason to a group of comments (one audit event each)."""
    _check_staff(actor, consultation)
    _check_disposition(disposition, reason)
    ids = sorted(set(comment_ids))
    if not ids:
        raise ValidationFailed("choose at least one comment", code="no_comments")
    with transaction.atomic():
        rows = list(
            Comment.objects.select_for_update().filter(consultation=consultation, pk__in=ids)
        )
        if len(rows) != len(ids):
            missing = sorted(set(ids) - {r.pk for r in rows})
            raise NotFound(f"no comment {missing[0]} in this consultation")
        now = timezone.now()
        for r in rows:
            r.disposition = disposition
            r.reason = reason.strip()
            r.disposed_at = now
            r.disposed_by = actor
            if theme is not None:
                r.theme = theme.strip()[:100]
        Comment.objects.bulk_update(
            rows, ["disposition", "reason", "disposed_at", "disposed_by", "theme"]
        )
        audit_records(
            [
                dict(
                    actor=actor,
                    action="comment.dispose",
                    object_type="comment",
                    object_id=r.pk,
                    data={
                        "consultation": consultation.reference,
                        "disposition": disposition,
                        "bulk": len(rows) > 1,
                    },
                )  # fmt: skip
                for r in rows
            ]
        )
    return len(rows)


def comment_hide(*, actor: Any, comment: Comment, reason: str) -> Comment:
    """Hide a comment for one of the listed reasons (never for criticism); the author sees
    why, and the public page counts hidden items per reason."""
    c = comment.consultation
    if not access.manages_area(actor, c.area):
        raise NotFound(f"no comment {comment.pk}")
    if reason not in wf.HIDE_REASONS:
        raise ValidationFailed(
            f"a comment may be hidden only for: {', '.join(wf.HIDE_REASONS)}", code="bad_reason"
        )
    if c.status == wf.RESPONDED:
        raise Conflict("the consultation has been responded", code="consultation_state")
    with transaction.atomic():
        comment.hidden_reason = reason
        comment.hidden_at = timezone.now()
        comment.save(update_fields=["hidden_reason", "hidden_at"])
        audit_record(
            actor=actor,
            action="comment.hide",
            object_type="comment",
            object_id=comment.pk,
            data={"consultation": c.reference, "reason": reason},
        )
    return comment


def comment_theme_set(
    *, actor: Any, consultation: Consultation, comment_ids: list[int], theme: str
) -> int:
    """Name the theme of those of `comment_ids` that have none yet (a suggested group that
    staff reviewed and named); comments that already have a theme keep it. One audit event
    per comment changed. Returns how many were changed."""
    _check_staff(actor, consultation)
    theme = (theme or "").strip()
    if not theme:
        raise ValidationFailed("give the theme a name", code="missing_theme")
    if len(theme) > 100:
        raise ValidationFailed("a theme has at most 100 characters", code="too_long")
    ids = sorted(set(comment_ids))
    if not ids:
        raise ValidationFailed("choose at least one comment", code="no_comments")
    with transaction.atomic():
        rows = list(
            Comment.objects.select_for_update().filter(consultation=consultation, pk__in=ids)
        )
        if len(rows) != len(ids):
            missing = sorted(set(ids) - {r.pk for r in rows})
            raise NotFound(f"no comment {missing[0]} in this consultation")
        rows = [r for r in rows if not r.theme]
        for r in rows:
            r.theme = theme
        Comment.objects.bulk_update(rows, ["theme"])
        audit_records(
            [
                dict(
                    actor=actor,
                    action="comment.theme",
                    object_type="comment",
                    object_id=r.pk,
                    data={"consultation": consultation.reference, "theme": theme},
                )  # fmt: skip
                for r in rows
            ]
        )
    return len(rows)
