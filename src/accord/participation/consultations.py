"""Writes on consultations: create a draft, schedule hearings and publish their materials,
record how the opinions were handled, and the one `consultation_transition()`."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accord.core.audit import audit_record
from accord.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from accord.core.models import Area
from accord.core.statemachine import check_or_raise
from accord.participation import access
from accord.participation import workflow as wf
from accord.participation.models import Article, Comment, Consultation, Hearing


@dataclass(frozen=True)
class ArticleInput:
    body_en: str
    body_zh: str
    heading_en: str = ""
    heading_zh: str = ""


@dataclass(frozen=True)
class ConsultationInput:
    area: str
    title_en: str
    title_zh: str
    opens_on: dt.date
    closes_on: dt.date
    articles: tuple[ArticleInput, ...] = ()
    explanation_en: str = ""
    explanation_zh: str = ""
    decision_type: str = "other"
    short_reason_en: str = ""
    short_reason_zh: str = ""
    allow_anonymous: bool = True
    allow_statements: bool = False
    affected: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def min_days(decision_type: str) -> int:
    table = settings.ACCORD_CONSULTATION_MIN_DAYS
    return int(table.get(decision_type, table.get("other", 30)))


def facts_of(c: Consultation) -> wf.ConsultationFacts:
    undisposed = (
        Comment.objects.filter(consultation=c, disposition="", hidden_reason="").count()
        if c.pk
        else 0
    )
    return wf.ConsultationFacts(
        status=c.status,
        articles=c.articles.count() if c.pk else 0,
        period_days=c.period_days,
        min_days=min_days(c.decision_type),
        short_reason=c.short_reason_en + c.short_reason_zh,
        undisposed=undisposed,
        decision_summary=c.decision_summary_en + c.decision_summary_zh,
    )


def _check_text_pair(en: str, zh: str, what: str) -> None:
    if not en.strip() or not zh.strip():
        raise ValidationFailed(f"{what} is needed in English and in Chinese", code="missing_text")


def _validated(actor: Any, data: ConsultationInput) -> dict[str, Any]:
    """The checked field values of a draft (403 not staff of the area, 422 a rule)."""
    area = Area.objects.filter(code=data.area).first()
    if area is None:
        raise ValidationFailed(f"unknown area {data.area!r}", code="unknown_area")
    if not access.manages_area(actor, area):
        raise Forbidden("only coordinators, supervisors and administrators over the area may "
                        "publish a consultation there")  # fmt: skip
    if data.decision_type not in Consultation.DecisionType.values:
        raise ValidationFailed(f"unknown decision type {data.decision_type!r}", code="invalid")
    _check_text_pair(data.title_en, data.title_zh, "the title")
    if data.closes_on < data.opens_on:
        raise ValidationFailed("the comment period ends before it starts", code="bad_period")
    if not data.articles:
        raise ValidationFailed("the draft needs at least one article", code="no_articles")
    for a in data.articles:
        _check_text_pair(a.body_en, a.body_zh, "each article's text")
    affected = []
    for code in dict.fromkeys(data.affected):
        a = Area.objects.filter(code=code).first()
        if a is None or not area.contains(a):
            raise ValidationFailed(
                f"affected area {code!r} is not within {area.code}", code="unknown_area"
            )
        affected.append(a.code)
    days = (data.closes_on - data.opens_on).days + 1
    if days < min_days(data.decision_type):
        _check_text_pair(
            data.short_reason_en,
            data.short_reason_zh,
            f"a period under {min_days(data.decision_type)} days needs a public reason; it",
        )
    return dict(
        area=area,
        affected=affected,
        decision_type=data.decision_type,
        title_en=data.title_en.strip(),
        title_zh=data.title_zh.strip(),
        explanation_en=data.explanation_en,
        explanation_zh=data.explanation_zh,
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        short_reason_en=data.short_reason_en,
        short_reason_zh=data.short_reason_zh,
        allow_anonymous=data.allow_anonymous,
        allow_statements=data.allow_statements,
    )


def _articles(c: Consultation, data: ConsultationInput) -> None:
    Article.objects.bulk_create(
        Article(consultation=c, number=i, heading_en=a.heading_en, heading_zh=a.heading_zh,
                body_en=a.body_en, body_zh=a.body_zh)
        for i, a in enumerate(data.articles, start=1)
    )  # fmt: skip


def consultation_create(*, actor: Any, data: ConsultationInput) -> Consultation:
    fields = _validated(actor, data)
    with transaction.atomic():
        c = Consultation.objects.create(reference=uuid.uuid4().hex[:20], created_by=actor, **fields)
        c.reference = f"ZQ-{data.opens_on.year}-{c.pk:05d}"
        c.save(update_fields=["reference"])
        _articles(c, data)
        audit_record(
            actor=actor,
            action="consultation.create",
            object_type="consultation",
            object_id=c.reference,
            data={"area": c.area.code, "articles": len(data.articles), "days": c.period_days},
        )
    return c


def _stamp_published(c: Consultation, actor: Any) -> None:
    c.published_at = timezone.now()


def _stamp_closed(c: Consultation, actor: Any) -> None:
    c.closed_at = timezone.now()


def _stamp_responded(c: Consultation, actor: Any) -> None:
    c.responded_at = timezone.now()


EFFECTS = {"publish": _stamp_published, "close": _stamp_closed, "respond": _stamp_responded}


def consultation_transition(
    *, actor: Any, consultation: Consultation, action: str, system: bool = False
) -> Consultation:
    """The only way a consultation's status changes: 409 wrong state, 403 not staff of the
    area, 422 a guard (short period without a reason, an unanswered comment, ...)."""
    with transaction.atomic():
        c = Consultation.objects.select_for_update().get(pk=consultation.pk)
        caps = {"system"} if system else access.consultation_capabilities(actor, c)
        t = check_or_raise(wf.CONSULTATION, action, facts_of(c), caps, code_prefix="consultation")
        before = c.status
        c.status = t.target or c.status
        effect = wf.CONSULTATION.effect_for(action, EFFECTS)
        if effect:
            effect(c, actor)
        c.save()
        audit_record(
            actor=actor,
            action=f"consultation.{action}",
            object_type="consultation",
            object_id=c.reference,
            data={"from": before, "to": c.status},
        )
    return c


def close_expired(*, today: dt.date | None = None) -> int:
    """Close every open consultation whose period has ended (run daily)."""
    today = today or timezone.localdate()
    n = 0
    for c in Consultation.objects.filter(status=wf.OPEN, closes_on__lt=today):
        consultation_transition(actor=None, consultation=c, action="close", system=True)
        n += 1
    return n


def consultation_record_decision(
    *, actor: Any, consultation: Consultation, summary_en: str, summary_zh: str, url: str = ""
) -> Consultation:
    """How the opinions were handled in the decision (art. 32), shown on "you said, we did"."""
    if not access.manages_area(actor, consultation.area):
        raise Forbidden("only staff of the area may record the decision")
    if consultation.status not in (wf.OPEN, wf.CLOSED):
        raise Conflict("the decision is recorded while the consultation is open or closed",
                       code="consultation_state")  # fmt: skip
    _check_text_pair(summary_en, summary_zh, "how the opinions were handled")
    if url and not (url.startswith("https://") or url.startswith("http://") or url.startswith("/")):
        raise ValidationFailed("the decision record link must be a web address", code="bad_url")
    with transaction.atomic():
        consultation.decision_summary_en = summary_en.strip()
        consultation.decision_summary_zh = summary_zh.strip()
        consultation.decision_url = url.strip()
        consultation.save(
            update_fields=["decision_summary_en", "decision_summary_zh", "decision_url"]
        )
        audit_record(
            actor=actor,
            action="consultation.record_decision",
            object_type="consultation",
            object_id=consultation.reference,
        )
    return consultation


def hearing_schedule(
    *, actor: Any, consultation: Consultation, held_at: dt.datetime, place: str
) -> Hearing:
    if not access.manages_area(actor, consultation.area):
        raise Forbidden("only staff of the area may schedule a hearing")
    if consultation.status not in (wf.DRAFT, wf.OPEN):
        raise Conflict("hearings are scheduled before comments close", code="consultation_state")
    if held_at <= timezone.now():
        raise ValidationFailed("a hearing is scheduled in the future", code="past_hearing")
    if not place.strip():
        raise ValidationFailed("say where the hearing is held", code="missing_place")
    with transaction.atomic():
        h = Hearing.objects.create(consultation=consultation, held_at=held_at, place=place.strip())
        audit_record(
            actor=actor,
            action="hearing.schedule",
            object_type="hearing",
            object_id=h.pk,
            data={"consultation": consultation.reference, "held_at": held_at.isoformat()},
        )
    return h


def hearing_publish_materials(
    *, actor: Any, hearing: Hearing, materials_en: str, materials_zh: str, now: Any = None
) -> Hearing:
    """Publish a hearing's materials; refused when fewer than ACCORD_HEARING_NOTICE_DAYS days
    are left before the hearing (art. 16)."""
    if not access.manages_area(actor, hearing.consultation.area):
        raise NotFound(f"no hearing {hearing.pk}")
    now = now or timezone.now()
    notice = dt.timedelta(days=settings.ACCORD_HEARING_NOTICE_DAYS)
    if hearing.held_at - now < notice:
        raise Conflict(
            f"hearing materials must be public at least {settings.ACCORD_HEARING_NOTICE_DAYS} "
            "days before the hearing; reschedule the hearing instead",
            code="hearing_notice_too_late",
        )
    _check_text_pair(materials_en, materials_zh, "the materials")
    with transaction.atomic():
        hearing.materials_en = materials_en
        hearing.materials_zh = materials_zh
        hearing.materials_published_at = now
        hearing.save()
        audit_record(
            actor=actor,
            action="hearing.publish_materials",
            object_type="hearing",
            object_id=hearing.pk,
        )
    return hearing


def consultation_update_draft(
    *, actor: Any, consultation: Consultation, data: ConsultationInput
) -> Consultation:
    """Replace a draft's texts, dates and articles, with the rules of a new draft; only while
    it is a draft. The area stays."""
    if not access.manages_area(actor, consultation.area):
        raise NotFound(f"no consultation {consultation.reference!r}")
    if consultation.status != wf.DRAFT:
        raise Conflict("only a draft can be edited", code="consultation_state")
    if data.area != consultation.area.code:
        raise ValidationFailed("the area of a consultation cannot be changed", code="invalid")
    fields = _validated(actor, data)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(consultation, name, value)
        consultation.save()
        consultation.articles.all().delete()
        _articles(consultation, data)
        audit_record(
            actor=actor,
            action="consultation.update_draft",
            object_type="consultation",
            object_id=consultation.reference,
            data={"articles": len(data.articles), "days": consultation.period_days},
        )
    return consultation
