"""Template helpers for the shared layout."""

from __future__ import annotations

from django import template
from django.utils import formats

from accord.accounts.permissions import is_case_staff, roles_of
from accord.web.selectors import DASHBOARD_ROLES

register = template.Library()


@register.filter(name="is_case_staff")
def is_case_staff_filter(user) -> bool:
    """True when the user works on cases somewhere (shows the staff navigation)."""
    return bool(getattr(user, "is_authenticated", False)) and is_case_staff(user)


@register.filter(name="sees_dashboard")
def sees_dashboard(user) -> bool:
    """True when the user may open the dashboards (staff and analysts)."""
    return bool(getattr(user, "is_authenticated", False)) and bool(
        roles_of(user) & set(DASHBOARD_ROLES)
    )


@register.filter(name="num")
def num(value, decimals: int | None = None) -> str:
    """A number in the reader's locale format, with thousands grouped ("—" when missing)."""
    if value is None or value == "":
        return "—"
    return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
