"""The reader's language, in one place."""

from __future__ import annotations

from django.utils.translation import get_language


def is_zh(language: str | None = None) -> bool:
    """True when `language` (by default the active one) is Chinese (zh, zh-hans, ...)."""
    return (language or get_language() or "en").lower().startswith("zh")
