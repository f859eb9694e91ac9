"""Template helpers for the safety part's navigation links."""

from django import template
from django.utils.translation import pgettext_lazy

from accord.safety.access import is_safety_staff

register = template.Library()


@register.filter(name="safety_staff")
def safety_staff(user) -> bool:
    """True when the user works on hazards somewhere (shows the staff link)."""
    return is_safety_staff(user)


# The staff navigation link's label (web/base.html); here so that makemessages finds it.
NAV_LABEL = pgettext_lazy("navigation", "Safety")
