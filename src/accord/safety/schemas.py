from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from accord.core.schemas import Strict


class HazardIn(Strict):
    description: str = Field(min_length=1, max_length=4000)
    sector: str = Field("", max_length=40)
    place: int | None = Field(None, ge=1)
    area: str = Field("", max_length=32)
    address: str = Field("", max_length=300)
    lat: float | None = Field(None, ge=-90, le=90)
    long: float | None = Field(None, ge=-180, le=180)
    source: Literal["", "inspector", "grid_worker", "self_inspection", "committee"] = ""


class HazardCreatedOut(Schema):
    reference: str
    tracking_secret: str
    status: str
    handling_unit: str
    department: str


class HazardOut(Schema):
    reference: str
    status: str
    status_label: str
    grade: str
    sector: str
    department: str
    area: str
    handling_unit: str
    deadline: dt.date | None
    colour: str
    work_suspended: bool
    escalation_level: int
    created_at: dt.datetime


class HazardDetailOut(HazardOut):
    description: str
    address: str
    criterion: str
    allowed_actions: list[str]
    listing: dict | None
    five: dict | None


class HazardActionIn(Strict):
    action: str = Field(min_length=1, max_length=32)
    note: str = Field("", max_length=4000)
    grade: Literal["", "general", "major"] = ""
    criterion: str = Field("", max_length=40)
    days: int | None = Field(None, ge=1, le=250)
    new_deadline: dt.date | None = None


class HazardFiveIn(Strict):
    responsibility: str = Field("", max_length=4000)
    measures: str = Field("", max_length=4000)
    funds: str = Field("", max_length=4000)
    deadline: dt.date | None = None
    contingency: str = Field("", max_length=4000)
    plan: str = Field("", max_length=4000)


class HazardTrackIn(Strict):
    reference: str = Field(min_length=1, max_length=24)
    secret: str = Field(min_length=1, max_length=64)


class HazardTrackOut(Schema):
    reference: str
    status: str
    status_label: str
    sector: str
    department: str
    handling_unit: str
    deadline: dt.date | None
    events: list[dict]


class SafetyPlaceIn(Strict):
    kind: Literal["enterprise", "construction_site", "market", "school", "residential"]
    name: str = Field(min_length=1, max_length=200)
    area: str = Field(min_length=1, max_length=32)
    sector: str = Field(min_length=1, max_length=40)
    address: str = Field("", max_length=300)
    responsible_name: str = Field("", max_length=200)
    responsible_phone: str = Field("", max_length=40)
    safety_manager_name: str = Field("", max_length=200)
    safety_manager_phone: str = Field("", max_length=40)
    licences: str = Field("", max_length=2000)


class SafetyPlaceOut(Schema):
    id: int
    kind: str
    name: str
    area: str
    sector: str
    department: str
    address: str
    licences: str


class SafetyPlaceDetailOut(SafetyPlaceOut):
    responsible_name: str
    responsible_phone: str
    safety_manager_name: str
    safety_manager_phone: str
    hazard_sources: list[dict]


class SafetySectorOut(Schema):
    code: str
    name_en: str
    name_zh: str
    department_en: str
    department_zh: str


class InspectionItemIn(Strict):
    result: Literal["ok", "finding"]
    note: str = Field("", max_length=3700)


class InspectionIn(Strict):
    place: int
    checklist: str = Field(..., max_length=40)
    inspected_on: dt.date | None = None
    results: dict[str, InspectionItemIn]


class InspectionItemOut(Schema):
    item: str
    text: str
    result: str
    hazard: str


class InspectionOut(Schema):
    id: int
    place: int
    place_name: str
    checklist: str
    checklist_name: str
    inspected_on: dt.date
    inspector: str
    findings: int
    items: list[InspectionItemOut]
