"""Strict request and response schemas of the participation API (unknown fields refused)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from accord.cases.schemas import Strict

Disposition = Literal["adopted", "partly", "not_adopted", "out_of_scope"]
HideReason = Literal["unlawful", "personal_data", "spam", "off_topic"]


class ArticleIn(Strict):
    heading_en: str = Field("", max_length=200)
    heading_zh: str = Field("", max_length=200)
    body_en: str = Field(min_length=1, max_length=20000)
    body_zh: str = Field(min_length=1, max_length=20000)


class ConsultationIn(Strict):
    area: str = Field(min_length=1, max_length=32)
    title_en: str = Field(min_length=1, max_length=200)
    title_zh: str = Field(min_length=1, max_length=200)
    explanation_en: str = Field("", max_length=20000)
    explanation_zh: str = Field("", max_length=20000)
    decision_type: Literal["major_decision", "regulation", "plan", "other"] = "other"
    opens_on: dt.date
    closes_on: dt.date
    short_reason_en: str = Field("", max_length=2000)
    short_reason_zh: str = Field("", max_length=2000)
    allow_anonymous: bool = True
    allow_statements: bool = False
    affected: list[str] = Field(default_factory=list, max_length=200)
    articles: list[ArticleIn] = Field(min_length=1, max_length=200)


class ActionIn(Strict):
    action: str = Field(min_length=1, max_length=32)


class DecisionIn(Strict):
    summary_en: str = Field(min_length=1, max_length=20000)
    summary_zh: str = Field(min_length=1, max_length=20000)
    url: str = Field("", max_length=300)


class CommentIn(Strict):
    text: str = Field(min_length=1, max_length=5000)
    article: int | None = Field(None, ge=1, le=10000)


class DispositionIn(Strict):
    comment_ids: list[int] = Field(min_length=1, max_length=1000)
    disposition: Disposition
    reason: str = Field(min_length=1, max_length=5000)
    theme: str | None = Field(None, max_length=100)


class HideIn(Strict):
    reason: HideReason


class ArticleOut(Schema):
    number: int
    heading: str
    body: str


class HearingOut(Schema):
    id: int
    held_at: dt.datetime
    place: str
    materials: str
    materials_published_at: dt.datetime | None


class ActionOut(Schema):
    action: str
    label: str


class ConsultationSummaryOut(Schema):
    reference: str
    title: str
    area: str
    area_name: str
    status: str
    status_label: str
    opens_on: dt.date
    closes_on: dt.date
    period_days: int


class AffectedOut(Schema):
    code: str
    name: str


class ConsultationOut(ConsultationSummaryOut):
    affected: list[AffectedOut]
    decision_type: str
    decision_type_label: str
    title_en: str
    title_zh: str
    explanation: str
    short_period: bool
    short_reason: str
    min_days: int
    allow_anonymous: bool
    allow_statements: bool
    articles: list[ArticleOut]
    hearings: list[HearingOut]
    decision_summary: str
    decision_url: str
    actions: list[ActionOut]
    undisposed: int | None


class CommentOut(Schema):
    id: int
    article: int | None
    created_at: dt.datetime
    theme: str
    disposition: str
    disposition_label: str
    reason: str
    hidden: bool
    hidden_reason_label: str
    text: str | None = None
    anonymous: bool | None = None


class MyCommentOut(CommentOut):
    consultation: str
    consultation_title: str


class CreatedOut(Schema):
    id: int


class DisposedOut(Schema):
    disposed: int


class ReasonOut(Schema):
    disposition: str
    label: str
    reason: str


class GroupOut(Schema):
    key: str
    label: str
    total: int
    counts: dict[str, int]
    pending: int
    adoption_rate: float | None
    reasons: list[ReasonOut]


class HiddenOut(Schema):
    reason: str
    label: str
    count: int


class ResultsOut(Schema):
    by: str
    groups: list[GroupOut]
    total: int
    counts: dict[str, int]
    pending: int
    adoption_rate: float | None
    hidden: list[HiddenOut]
    decision_summary: str
    decision_url: str


class StatementIn(Strict):
    text: str = Field(min_length=1, max_length=280)


class VoteIn(Strict):
    vote: Literal[-1, 0, 1]


class StatementOut(Schema):
    id: int
    text: str
    agree: int
    disagree: int
    passed: int


class RepresentativeOut(Schema):
    text: str
    direction: str
    pct: int | None


class MapGroupOut(Schema):
    name: str
    size: int
    centre: list[float]
    representative: list[RepresentativeOut]


class ConsensusOut(Schema):
    text: str
    direction: str


class MapOut(Schema):
    computed_at: dt.datetime
    participants: int
    groups: list[MapGroupOut]
    hidden_groups: int
    consensus: list[ConsensusOut]


class SuggestionIn(Strict):
    area: str = Field(min_length=1, max_length=32)
    title: str = Field(min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=5000)


class AnswerIn(Strict):
    answer: str = Field(min_length=1, max_length=20000)
    points: list[str] = Field(default_factory=list, max_length=100)


class SuggestionOut(Schema):
    reference: str
    area: str
    area_name: str
    title: str
    text: str
    status: str
    status_label: str
    created_on: dt.date
    due_on: dt.date
    cosignatures: int
    needs_points: bool
    answer: str
    points: list[str]
    answered_on: dt.date | None
    overdue: bool


class HearingIn(Strict):
    held_at: dt.datetime
    place: str = Field(min_length=1, max_length=200)


class MaterialsIn(Strict):
    materials_en: str = Field(min_length=1, max_length=20000)
    materials_zh: str = Field(min_length=1, max_length=20000)


class ExportOut(Schema):
    consultation: ConsultationSummaryOut
    decision_summary_en: str
    decision_summary_zh: str
    decision_url: str
    comments: list[dict]
