"""How API callers authenticate: a bearer token or a session (with CSRF). Apps' routers use
`AUTH` (either), `BEARER` (token only) and `optional_user` (public endpoints); the API root
(config.api) imports this module, never the other way round."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from accord.accounts.services import token_authenticate


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
        return super().__call__(request)


AUTH = [BearerToken(), Session()]
BEARER = BearerToken()


def optional_user(request: HttpRequest):
    """The caller if authenticated by token or session, else None (for public endpoints)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = token_authenticate(header[7:].strip())
        if user is None:
            raise AuthenticationError()
        return user
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None
