"""Template helpers for the shared layout."""

from __future__ import annotations

from django import template

from accord.accounts.permissions import is_case_staff

register = template.Library()


@register.filter(name="is_case_staff")
def is_case_staff_filter(user) -> bool:
    """True when the user works on cases somewhere (shows the staff navigation)."""
    return bool(getattr(user, "is_authenticated", False)) and is_case_staff(user)
