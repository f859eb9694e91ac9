from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import Field

from accord.cases.schemas import Strict


class SyncItemIn(Strict):
    uuid: uuid.UUID
    seq: int = Field(ge=0, le=2**53)
    kind: Literal["case", "visit", "mediation", "hazard", "task"]
    payload: dict[str, Any] = Field(default_factory=dict)


class SyncIn(Strict):
    items: list[SyncItemIn] = Field(max_length=100)


class GridTaskIn(Strict):
    area: str = Field(min_length=1, max_length=32)
    task_type: str = Field(min_length=1, max_length=24)
    note: str = Field("", max_length=2000)
    case_reference: str = Field("", max_length=24)
    due: dt.date | None = None
    assignee: str | None = Field(None, max_length=150)


class TaskTransitionIn(Strict):
    action: str = Field(min_length=1, max_length=32)
    version: int | None = None


class ReassignIn(Strict):
    to_user: str = Field(min_length=1, max_length=150)
