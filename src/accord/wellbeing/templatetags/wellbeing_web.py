"""Template helpers for the shared layout: the "Help now" banner's numbers and the
counsellors' nav link."""

from __future__ import annotations

from django import template
from django.conf import settings

from accord.wellbeing.access import is_counsellor

register = template.Library()


@register.filter(name="is_counsellor")
def is_counsellor_filter(user) -> bool:
    return is_counsellor(user)


@register.simple_tag
def wellbeing_numbers() -> dict:
    return {"hotline": settings.ACCORD_WELLBEING_HOTLINE,
            "emergency": settings.ACCORD_EMERGENCY_NUMBER}  # fmt: skip
