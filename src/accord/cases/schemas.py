from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from accord.core.schemas import Strict


class PartyIn(Strict):
    role: Literal["applicant", "respondent", "third_party"]
    kind: Literal["person", "organisation"] = "person"
    name: str = Field(min_length=1, max_length=200)
    contact: str = Field("", max_length=200)
    # Identity card number or unified social credit code; stored encrypted.
    id_number: str = Field("", max_length=32)


class CaseIn(Strict):
    category: str = Field(min_length=1, max_length=40)
    area: str = Field(min_length=1, max_length=32)
    description: str = Field(min_length=1, max_length=5000)
    parties: list[PartyIn] = Field(default_factory=list, max_length=50)
    people_count: int = Field(1, ge=1, le=100000)
    amount: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    channel: Literal["walk_in", "hotline", "grid_worker", "web", "api", "referral"] | None = None
    risk_of_violence: bool = False
    vulnerable_party: bool = False


class TransitionIn(Strict):
    action: str = Field(min_length=1, max_length=32)
    note: str = Field("", max_length=5000)
    assignee: str | None = Field(None, max_length=150)
    satisfaction: int | None = Field(None, ge=1, le=5)
    agreement_performed: bool | None = None
    # resolve: conclude the case's open proceedings with it (else 409 open_proceedings)
    conclude_open: bool = False


class TrackIn(Strict):
    reference: str = Field(min_length=1, max_length=24)
    secret: str = Field(min_length=1, max_length=64)


class PartyOut(Schema):
    role: str
    kind: str
    name: str
    contact: str
    id_number: str = ""


class CaseOut(Schema):
    reference: str
    category: str
    category_name: str
    area: str
    area_name: str
    handling_area: str
    handling_unit: str
    tier: str
    status: str
    status_label: str
    channel: str
    description: str
    people_count: int
    amount: Decimal | None
    risk_of_violence: bool
    vulnerable_party: bool
    police_liaison: bool
    assignee: str | None
    deadline: dt.date | None
    colour: str
    routing_explanation: list[str]
    created_at: dt.datetime
    closed_at: dt.datetime | None
    satisfaction: int | None
    agreement_performed: bool | None


class CaseDetailOut(CaseOut):
    parties: list[PartyOut]
    allowed_actions: list[str]


class CaseCreatedOut(CaseDetailOut):
    # Absent on a replay (same Idempotency-Key): the secret is shown once, stored hashed.
    tracking_secret: str | None = None
    replayed: bool = False


class CasePageOut(Schema):
    items: list[CaseOut]
    count: int


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    note: str
    actor: str | None
    actor_role: str
    created_at: dt.datetime
    data: dict


class TrackEventOut(Schema):
    action: str
    to_status: str
    status_label: str
    created_at: dt.datetime


class TrackOut(Schema):
    reference: str
    status: str
    status_label: str
    category_name: str
    tier: str
    handling_unit: str
    deadline: dt.date | None
    timeline: list[TrackEventOut]


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    name_zh: str
    default_tier: str
    department: str
    help: str
    channels: list[str]
    allow_anonymous: bool
