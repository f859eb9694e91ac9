"""Strict request/response schemas of the wellbeing API (unknown fields are refused)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from accord.core.schemas import Strict


class ScreeningIn(Strict):
    instrument: Literal["phq9", "gad7"]
    answers: list[Annotated[int, Field(strict=True, ge=0, le=3)]] = Field(
        min_length=7, max_length=9
    )
    difficulty: int | None = Field(None, ge=0, le=3)
    area: str | None = Field(None, max_length=32)
    # A separate, purpose-specific consent to keep the answers; without it nothing is stored.
    consent: bool = False
    consent_by: Literal["self", "guardian"] = "self"
    contact: str = Field("", max_length=200)
    # The client's idempotency key: resending the same submission raises no second alert.
    submission_key: str = Field("", max_length=64, pattern=r"^[A-Za-z0-9_-]*$")


class ScreeningOut(Schema):
    instrument: str
    total: int
    band: str
    band_label: str
    crisis: bool
    level: str
    not_a_diagnosis: str
    hotline: str
    emergency: str
    alert: str | None
    stored: bool
    withdraw_code: str


class WithdrawIn(Strict):
    code: str = Field(min_length=6, max_length=32)


class DangerIn(Strict):
    area: str | None = Field(None, max_length=32)
    contact: str = Field("", max_length=200)
    submission_key: str = Field("", max_length=64, pattern=r"^[A-Za-z0-9_-]*$")


class DangerOut(Schema):
    alert: str
    hotline: str
    emergency: str


class RequestIn(Strict):
    area: str = Field(min_length=1, max_length=32)
    mode: Literal["in_person", "phone", "online"]
    contact: str = Field(min_length=1, max_length=200)
    name: str = Field("", max_length=200)
    message: str = Field("", max_length=4000)
    language: Literal["zh", "en"] = "zh"


class RequestCreatedOut(Schema):
    reference: str
    unit: str
    unit_phone: str


class RequestOut(Schema):
    reference: str
    unit: str
    area: str
    mode: str
    language: str
    status: str
    status_label: str
    name: str
    contact: str
    counsellor: str | None
    appointment_at: dt.datetime | None
    created_at: dt.datetime


class RequestTransitionIn(Strict):
    action: str = Field(min_length=1, max_length=32)
    counsellor: str = Field("", max_length=150)
    appointment_at: dt.datetime | None = None


class UnitOut(Schema):
    code: str
    kind: str
    kind_label: str
    name: str
    area: str
    phone: str
    address: str
    hours: dict
    languages: list[str]
    services: list[str]
    capacity: int
    open_now: bool


class AlertOut(Schema):
    reference: str
    area: str
    area_name: str
    level: str
    level_label: str
    source: str
    status: str
    status_label: str
    step: int
    contact: str
    raised_at: dt.datetime
    next_escalation_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    actions: list[str]


class AlertTransitionIn(Strict):
    action: str = Field(min_length=1, max_length=32)
    note: str = Field("", max_length=2000)
