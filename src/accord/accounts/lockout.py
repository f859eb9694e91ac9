"""The answer when django-axes has locked a user name or an address out."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from accord.core.middleware import error_response


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response: HttpResponse = error_response(
        request,
        429,
        _("Too many failed sign-in attempts. Try again in %(minutes)d minutes.")
        % {"minutes": minutes},
        "locked_out",
        _("Sign-in locked"),
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
