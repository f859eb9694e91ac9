"""TOTP second factor (RFC 6238, 30-second steps, 6 digits, SHA-1 as authenticator apps
expect), required for every staff role when settings.ACCORD_REQUIRE_TOTP is on.

Web login is two steps: the password form authenticates the user but does not log them in;
it stores a short-lived *pending* marker in the session and sends them to the code page
(or to enrolment when they have no confirmed authenticator yet). Only a valid code calls
django.contrib.auth.login(), which gives the session a new key.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyotp
from django.conf import settings
from django.contrib.auth import user_logged_in, user_login_failed
from django.http import HttpRequest
from django.utils import timezone

from accord.accounts.models import STAFF_ROLES, TotpDevice, User
from accord.accounts.permissions import roles_of

PENDING = "accord.pending_2fa"
PENDING_SECONDS = 300
MAX_CODE_FAILURES = 5
STEP_SECONDS = 30


def required_for(user: User) -> bool:
    """Staff (any role but resident, or Django staff/superuser) need a second factor."""
    if not settings.ACCORD_REQUIRE_TOTP:
        return False
    return bool(user.is_staff or user.is_superuser or roles_of(user) & set(STAFF_ROLES))


def confirmed_device(user: User) -> TotpDevice | None:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def new_secret() -> str:
    return pyotp.random_base32(length=32)


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.get_username(), issuer_name=settings.ACCORD_TOTP_ISSUER
    )


def matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step whose code equals `code` (current step ± 1 for clock drift), else None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    now = time.time() if at is None else at
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if pyotp.utils.strings_equal(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def verify_device(device: TotpDevice, code: str) -> bool:
    """Check a code against a confirmed device; each step's code is accepted once."""
    step = matching_step(device.secret, code)
    if step is None:
        return False
    # Atomic compare-and-set: a concurrent replay of the same code loses.
    updated = TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
    return updated == 1


def confirm_enrolment(user: User, secret: str, code: str) -> TotpDevice | None:
    step = matching_step(secret, code)
    if step is None:
        return None
    TotpDevice.objects.filter(user=user).delete()
    return TotpDevice.objects.create(
        user=user, secret=secret, confirmed_at=timezone.now(), last_step=step
    )


def report_failure(request: HttpRequest, user: User) -> None:
    """A wrong code counts as a failed login (django-axes locks out user and address)."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


# --- the pending (password checked, code not yet) state in the session ---------------------------


@dataclass
class Pending:
    user: User
    backend: str
    next_url: str
    secret: str  # enrolment secret offered to the user (not yet confirmed), else ""


def begin(request: HttpRequest, user: User, next_url: str) -> None:
    """Password accepted: remember who is half-way through login (not logged in)."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "uid": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "next": next_url,
        "at": time.time(),
        "fails": 0,
        "secret": "",
    }


def pending(request: HttpRequest) -> Pending | None:
    data = request.session.get(PENDING)
    if not isinstance(data, dict) or time.time() - data.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    user = User.objects.filter(pk=data.get("uid"), is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        return None
    return Pending(user, data["backend"], data.get("next", ""), data.get("secret", ""))


def remember_secret(request: HttpRequest, secret: str) -> None:
    data = dict(request.session[PENDING])
    data["secret"] = secret
    request.session[PENDING] = data


def count_failure(request: HttpRequest) -> bool:
    """Count a wrong code; after MAX_CODE_FAILURES the pending login is dropped (the
    password must be entered again). Returns True while the attempt may continue."""
    data = dict(request.session.get(PENDING) or {})
    data["fails"] = data.get("fails", 0) + 1
    if data["fails"] >= MAX_CODE_FAILURES:
        request.session.pop(PENDING, None)
        return False
    request.session[PENDING] = data
    return True


def finish(request: HttpRequest, state: Pending) -> None:
    from django.contrib.auth import login

    request.session.pop(PENDING, None)
    login(request, state.user, backend=state.backend)


def _stamp_login(sender, request, user, **kwargs) -> None:
    """Connected to user_logged_in: the session's start, for the timeouts
    (core.middleware.SessionTimeoutMiddleware) and for ending sessions that began before a
    password change."""
    from accord.core.middleware import SESSION_AUTH_AT, SESSION_SEEN_AT, SESSION_VALID_FROM

    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_AUTH_AT] = now
        request.session[SESSION_SEEN_AT] = now
        request.session[SESSION_VALID_FROM] = now


def connect_signals() -> None:
    user_logged_in.connect(_stamp_login, dispatch_uid="accord.accounts.stamp_login")
