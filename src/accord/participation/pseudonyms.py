"""Per-consultation pseudonyms: one vote per person and statement without a stored link to
the account. The pseudonym is an HMAC, keyed by the server's secret and the consultation's
salt, of the account id (signed in) or of a random id held in the browser session
(anonymous). Neither the key nor the session id is stored beside the votes, so nobody reading
the database can turn a pseudonym back into an account."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.conf import settings

SESSION_KEY = "participation_voter"


def _key(salt: str) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(),
        b"accord-participation-pseudonym:" + salt.encode(),
        hashlib.sha256,
    ).digest()


def pseudonym(salt: str, *, user: Any = None, session_id: str = "") -> str:
    if user is not None and getattr(user, "is_authenticated", False):
        msg = f"u:{user.pk}"
    elif session_id:
        msg = f"s:{session_id}"
    else:
        raise ValueError("a pseudonym needs an account or a session id")
    return hmac.new(_key(salt), msg.encode(), hashlib.sha256).hexdigest()[:32]


def session_voter_id(session: Any) -> str:
    """The random id this browser session votes under (created on first use)."""
    value = session.get(SESSION_KEY)
    if not value:
        value = secrets.token_hex(16)
        session[SESSION_KEY] = value
    return value


def for_request(salt: str, request: Any) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return pseudonym(salt, user=user)
    return pseudonym(salt, session_id=session_voter_id(request.session))
