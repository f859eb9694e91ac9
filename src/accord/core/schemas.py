"""The one base of every API input schema: strict (unknown fields are refused with a 422
rather than silently ignored), no NUL characters in text (PostgreSQL cannot store them:
refused here with a 422, not in the database with a 500) and no dates outside 1900-2200
(arithmetic such as `date - timedelta` on 0001-01-01 or 9999-12-31 would overflow: a 500)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import ConfigDict, field_validator

# The range of dates any input may carry (also the fuzzing's extremes are outside it).
MIN_YEAR, MAX_YEAR = 1900, 2200


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        if isinstance(value, dt.date) and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(f"dates must be between {MIN_YEAR} and {MAX_YEAR}")
        return value
