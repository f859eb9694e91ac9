"""How API callers authenticate: a bearer token or a session (with CSRF). Apps' routers use
`AUTH` (either), `BEARER` (token only) and `optional_user` (public endpoints); the API root
(config.api) imports this module, never the other way round.

A write (POST/PUT/PATCH/DELETE) authenticated by the session cookie must carry the CSRF token
(the `X-CSRFToken` header), on public endpoints too: otherwise a foreign page could post in
the signed-in person's name. A bearer token needs none (a foreign page cannot send it)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from accord.accounts.services import token_authenticate
from accord.core.errors import Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def require_csrf(request: HttpRequest) -> None:
    """Refuse a write without a valid CSRF token with 403 `csrf_failed` (nothing is written:
    this runs before the operation)."""
    if request.method in SAFE_METHODS or getattr(request, "csrf_processing_done", False):
        return
    if check_csrf(request) is not None:
        raise Forbidden(
            _(
                "The security token (CSRF) is missing or wrong. Reload the page and try "
                "again; programs should use a bearer token."
            ),
            code="csrf_failed",
        )


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """Session auth (with CSRF) that skips to the next method when a bearer token is sent."""

    def __call__(self, request: HttpRequest):
        if request.headers.get("Authorization", "").startswith("Bearer "):
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            require_csrf(request)  # a clear 403 `csrf_failed` rather than ninja's bare one
        return super().__call__(request)


AUTH = [BearerToken(), Session()]
BEARER = BearerToken()


def optional_user(request: HttpRequest):
    """The caller if authenticated by token or session, else None (for public endpoints).
    A session write without its CSRF token is refused (403 `csrf_failed`)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = token_authenticate(header[7:].strip())
        if user is None:
            raise AuthenticationError()
        return user
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    require_csrf(request)
    return user
