from django import template

from accord.accounts.models import STAFF_ROLES
from accord.accounts.permissions import roles_of
from accord.grid.access import is_grid_worker as _is_grid_worker

register = template.Library()


@register.filter
def is_grid_worker(user) -> bool:
    return _is_grid_worker(user)


@register.filter
def is_staff_member(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and roles_of(user) & set(STAFF_ROLES))
