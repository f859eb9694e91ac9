"""Dicts for the API and the pages: labels in the reader's language, never internal codes
alone, never an author or (for the public) a comment's text."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from accord.core.models import Area
from accord.participation import access
from accord.participation import workflow as wf
from accord.participation.consultations import min_days
from accord.participation.models import Comment, Consultation


def is_zh() -> bool:
    return (get_language() or "en").startswith("zh")


def pick(obj: Any, name: str) -> str:
    return getattr(obj, f"{name}_zh" if is_zh() else f"{name}_en")


def consultation_summary(c: Consultation) -> dict[str, Any]:
    return {
        "reference": c.reference,
        "title": pick(c, "title"),
        "area": c.area.code,
        "area_name": c.area.name_zh if is_zh() else c.area.name_en,
        "status": c.status,
        "status_label": wf.state_label(c.status, is_zh()),
        "opens_on": c.opens_on,
        "closes_on": c.closes_on,
        "period_days": c.period_days,
    }


def consultation_detail(c: Consultation, actor: Any = None) -> dict[str, Any]:
    zh = is_zh()
    short = c.period_days < min_days(c.decision_type)
    caps = access.consultation_capabilities(actor, c)
    from accord.participation.consultations import facts_of

    names = {
        a.code: (a.name_zh if is_zh() else a.name_en)
        for a in Area.objects.filter(code__in=c.affected or [])
    }
    return {
        **consultation_summary(c),
        "affected": [{"code": code, "name": names.get(code, code)} for code in c.affected or []],
        "decision_type": c.decision_type,
        "decision_type_label": str(Consultation.DecisionType(c.decision_type).label),
        "title_en": c.title_en,
        "title_zh": c.title_zh,
        "explanation": pick(c, "explanation"),
        "short_period": short,
        "short_reason": pick(c, "short_reason") if short else "",
        "min_days": min_days(c.decision_type),
        "allow_anonymous": c.allow_anonymous,
        "allow_statements": c.allow_statements,
        "articles": [
            {"number": a.number, "heading": pick(a, "heading"), "body": pick(a, "body")}
            for a in c.articles.all()
        ],
        "hearings": [
            {
                "id": h.pk,
                "held_at": h.held_at,
                "place": h.place,
                "materials": pick(h, "materials") if h.materials_published_at else "",
                "materials_published_at": h.materials_published_at,
            }
            for h in c.hearings.all()
        ],
        "decision_summary": pick(c, "decision_summary") if c.status == wf.RESPONDED else "",
        "decision_url": c.decision_url if c.status == wf.RESPONDED else "",
        "actions": [
            {"action": a, "label": wf.CONSULTATION.by_action[a].label(zh)}
            for a in wf.CONSULTATION.allowed(c.status, caps)
        ]
        if caps
        else [],
        "undisposed": facts_of(c).undisposed if caps else None,
    }


def comment_public(m: Comment) -> dict[str, Any]:
    zh = is_zh()
    return {
        "id": m.pk,
        "article": m.article.number if m.article_id else None,
        "created_at": m.created_at,
        "theme": m.theme,
        "disposition": m.disposition,
        "disposition_label": wf.disposition_label(m.disposition, zh),
        "reason": m.reason,
        "hidden": bool(m.hidden_reason),
        "hidden_reason_label": wf.hide_reason_label(m.hidden_reason, zh) if m.hidden_reason else "",
    }


def comment_staff(m: Comment) -> dict[str, Any]:
    return {**comment_public(m), "text": m.text, "anonymous": m.author_id is None}


def comment_mine(m: Comment) -> dict[str, Any]:
    return {
        **comment_public(m),
        "text": m.text,
        "consultation": m.consultation.reference,
        "consultation_title": pick(m.consultation, "title"),
    }


def suggestion_dict(s) -> dict[str, Any]:
    from accord.participation.suggestions import needs_points

    zh = is_zh()
    return {
        "reference": s.reference,
        "area": s.area.code,
        "area_name": s.area.name_zh if zh else s.area.name_en,
        "title": s.title,
        "text": s.text,
        "status": s.status,
        "status_label": ("已答复" if zh else "Answered")
        if s.status == "answered"
        else ("已收到" if zh else "Received"),
        "created_on": s.created_at.date(),
        "due_on": s.due_on,
        "cosignatures": s.cosignatures,
        "needs_points": needs_points(s),
        "answer": s.answer,
        "points": list(s.points or []),
        "answered_on": s.answered_at.date() if s.answered_at else None,
        "overdue": s.status == "received" and timezone.localdate() > s.due_on,
    }
