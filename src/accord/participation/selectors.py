"""Reads on participation that reach users. Published consultations are public; drafts and
the comments' text are for staff of the area (others: 404); reads of comment text record an
access event."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db.models import Q, QuerySet

from accord.accounts.permissions import area_scope_q
from accord.core.audit import access_record
from accord.core.errors import NotFound
from accord.participation import access
from accord.participation import workflow as wf
from accord.participation.models import Comment, Consultation

PUBLIC_STATES = (wf.OPEN, wf.CLOSED, wf.RESPONDED)


def consultation_scope_q(actor: Any) -> Q:
    q = Q(status__in=PUBLIC_STATES)
    if actor is not None and getattr(actor, "is_authenticated", False):
        q |= area_scope_q(actor, access.CONSULTATION_ROLES, "area__path")
    return q


def consultation_list_for(*, actor: Any, status: str | None = None) -> QuerySet[Consultation]:
    qs = Consultation.objects.filter(consultation_scope_q(actor)).select_related("area")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-opens_on", "-id")


def consultation_list_managed(*, actor: Any) -> QuerySet[Consultation]:
    """The consultations of the staff member's jurisdiction, drafts included."""
    return (
        Consultation.objects.filter(area_scope_q(actor, access.CONSULTATION_ROLES, "area__path"))
        .select_related("area")
        .order_by("-opens_on", "-id")
    )


def consultation_get_for(*, actor: Any, reference: str) -> Consultation:
    c = consultation_list_for(actor=actor).filter(reference=reference).first()
    if c is None:
        raise NotFound(f"no consultation {reference!r}")
    return c


def consultation_get_managed(*, actor: Any, reference: str) -> Consultation:
    c = consultation_list_managed(actor=actor).filter(reference=reference).first()
    if c is None:
        raise NotFound(f"no consultation {reference!r}")
    return c


def comments_for_staff(*, actor: Any, consultation: Consultation) -> list[Comment]:
    """Every comment with its text, for the staff of the area (an access event records the
    read)."""
    if not access.manages_area(actor, consultation.area):
        raise NotFound(f"no consultation {consultation.reference!r}")
    rows = list(consultation.comments.select_related("article").order_by("id"))
    access_record(
        actor=actor,
        action="comment.list",
        object_type="consultation",
        object_id=consultation.reference,
        data={"count": len(rows)},
    )
    return rows


def my_comments(*, actor: Any) -> list[Comment]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    return list(
        Comment.objects.filter(author=actor)
        .select_related("consultation", "article")
        .order_by("-created_at", "-id")
    )


def comment_get_managed(*, actor: Any, comment_id: int) -> Comment:
    c = (
        Comment.objects.filter(pk=comment_id)
        .filter(consultation__in=consultation_list_managed(actor=actor).values("pk"))
        .select_related("consultation", "consultation__area")
        .first()
    )
    if c is None:
        raise NotFound(f"no comment {comment_id}")
    return c


def _adoption_rate(counts: Counter) -> float | None:
    considered = counts[wf.ADOPTED] + counts[wf.PARTLY] + counts[wf.NOT_ADOPTED]
    if not considered:
        return None
    return round((counts[wf.ADOPTED] + counts[wf.PARTLY]) / considered, 3)


def you_said_we_did(consultation: Consultation, *, zh: bool = False) -> dict[str, Any]:
    """The public answer: per theme (or per article when no comment has a theme) the counts
    by disposition, the adoption rate (adopted or partly adopted among the comments in
    scope) and the reasons given; hidden items counted per reason. No comment text, no
    author."""
    rows = list(
        consultation.comments.select_related("article").values(
            "theme", "article__number", "article__heading_en", "article__heading_zh",
            "disposition", "reason", "hidden_reason",
        )
    )  # fmt: skip
    visible = [r for r in rows if not r["hidden_reason"]]
    by_theme = any(r["theme"] for r in visible)
    groups: dict[str, dict[str, Any]] = {}
    counts: dict[str, Counter] = defaultdict(Counter)
    reasons: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in visible:
        if by_theme:
            key = r["theme"] or ("其他" if zh else "Other")
            label = key
            order = (0 if r["theme"] else 1, key)
        else:
            n = r["article__number"]
            key = f"a{n}" if n else "whole"
            heading = r["article__heading_zh" if zh else "article__heading_en"]
            if n:
                label = (f"第{n}条" if zh else f"Article {n}") + (
                    f" · {heading}" if heading else ""
                )
            else:
                label = "整体意见" if zh else "The draft as a whole"
            order = (n or 0, key)
        groups.setdefault(key, {"key": key, "label": label, "order": order})
        counts[key][r["disposition"] or "pending"] += 1
        if r["disposition"] and r["reason"]:
            reasons[key][r["disposition"]].add(r["reason"])
    out = []
    for key, g in sorted(groups.items(), key=lambda kv: kv[1]["order"]):
        cnt = counts[key]
        out.append(
            {
                "key": key,
                "label": g["label"],
                "total": sum(cnt.values()),
                "counts": {d: cnt[d] for d in wf.DISPOSITION_NAMES},
                "pending": cnt["pending"],
                "adoption_rate": _adoption_rate(cnt),
                "reasons": [
                    {"disposition": d, "label": wf.disposition_label(d, zh), "reason": text}
                    for d in wf.DISPOSITION_NAMES
                    for text in sorted(reasons[key][d])
                ],
            }
        )
    total = Counter()
    for key in groups:
        total.update(counts[key])
    hidden = Counter(r["hidden_reason"] for r in rows if r["hidden_reason"])
    return {
        "by": "theme" if by_theme else "article",
        "groups": out,
        "total": sum(total.values()),
        "counts": {d: total[d] for d in wf.DISPOSITION_NAMES},
        "pending": total["pending"],
        "adoption_rate": _adoption_rate(total),
        "hidden": [
            {"reason": h, "label": wf.hide_reason_label(h, zh), "count": hidden[h]}
            for h in wf.HIDE_REASONS
            if hidden[h]
        ],
        "decision_summary": consultation.decision_summary_zh
        if zh
        else consultation.decision_summary_en,
        "decision_url": consultation.decision_url,
    }


def suggestion_list_public(*, limit: int = 100):
    from accord.participation.models import Suggestion

    return Suggestion.objects.select_related("area").order_by("-created_at", "-id")[:limit]


def suggestion_get_public(*, reference: str):
    from accord.participation.models import Suggestion

    s = Suggestion.objects.filter(reference=reference).select_related("area").first()
    if s is None:
        raise NotFound(f"no suggestion {reference!r}")
    return s


def suggestion_list_managed(*, actor: Any):
    from accord.participation.models import Suggestion

    return (
        Suggestion.objects.filter(area_scope_q(actor, access.CONSULTATION_ROLES, "area__path"))
        .select_related("area")
        .order_by("status", "due_on", "id")
    )


def suggestion_get_managed(*, actor: Any, reference: str):
    s = suggestion_list_managed(actor=actor).filter(reference=reference).first()
    if s is None:
        raise NotFound(f"no suggestion {reference!r}")
    return s


def hearing_get_managed(*, actor: Any, hearing_id: int):
    from accord.participation.models import Hearing

    h = (
        Hearing.objects.filter(pk=hearing_id)
        .filter(consultation__in=consultation_list_managed(actor=actor).values("pk"))
        .select_related("consultation", "consultation__area")
        .first()
    )
    if h is None:
        raise NotFound(f"no hearing {hearing_id}")
    return h


def statement_get_managed(*, actor: Any, statement_id: int):
    from accord.participation.models import Statement

    s = (
        Statement.objects.filter(pk=statement_id)
        .filter(consultation__in=consultation_list_managed(actor=actor).values("pk"))
        .select_related("consultation", "consultation__area")
        .first()
    )
    if s is None:
        raise NotFound(f"no statement {statement_id}")
    return s


def export_rows(consultation: Consultation) -> list[dict[str, Any]]:
    """One row per comment: article, theme, disposition, reason, moderation, dates. No text,
    no author (open data)."""
    rows = []
    for m in consultation.comments.select_related("article").order_by("id"):
        rows.append(
            {
                "consultation": consultation.reference,
                "comment": m.pk,
                "article": m.article.number if m.article_id else "",
                "received_on": m.created_at.date().isoformat(),
                "theme": m.theme,
                "disposition": m.disposition,
                "reason": m.reason,
                "hidden_reason": m.hidden_reason,
            }
        )
    return rows
