"""Authentication backends."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, first in AUTHENTICATION_BACKENDS.

    Every HTTP login path (web form, second-factor step, API token issuance) passes the
    request, so lockouts apply there. Code that calls authenticate() without a request
    (shell, tests using Client.login) is not an attack surface and skips the check instead
    of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
