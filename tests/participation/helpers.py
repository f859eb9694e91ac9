"""Builders for participation tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accord.participation import consultations as svc


def draft_input(area_code: str, *, days: int = 30, **kw) -> svc.ConsultationInput:
    today = timezone.localdate()
    fields = dict(
        area=area_code,
        title_en="Draft rules on parking in Qingshan",
        title_zh="青山停车管理办法（征求意见稿）",
        opens_on=today,
        closes_on=today + dt.timedelta(days=days - 1),
        articles=(
            svc.ArticleInput(
                body_en="Parking on pavements is banned.",
                body_zh="禁止人行道停车。",
                heading_en="Pavements",
                heading_zh="人行道",
            ),
            svc.ArticleInput(body_en="Residents get one permit each.", body_zh="每户一张停车证。"),
        ),  # fmt: skip
        explanation_en="Why: the pavements are blocked.",
        explanation_zh="说明：人行道被堵。",
    )
    fields.update(kw)
    return svc.ConsultationInput(**fields)


def open_consultation(actor, area_code: str, **kw):
    c = svc.consultation_create(actor=actor, data=draft_input(area_code, **kw))
    return svc.consultation_transition(actor=actor, consultation=c, action="publish")
