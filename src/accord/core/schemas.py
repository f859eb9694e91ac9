"""The one base of every API input schema: strict (unknown fields are refused with a 422
rather than silently ignored) and no NUL characters in text (PostgreSQL cannot store them:
refused here with a 422, not in the database with a 500)."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, field_validator


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("text must not contain NUL characters")
        return value
