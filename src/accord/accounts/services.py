"""Writes for users, memberships and tokens. Each audits in its own transaction."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import ApiToken, Membership, Role, TotpDevice, User
from accord.core.audit import audit_record
from accord.core.errors import NotFound, ValidationFailed
from accord.core.models import Area

TOKEN_PREFIX = "acc_"  # noqa: S105 (a public prefix, not a secret)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    area_code: str,
    password: str | None = None,
    display_name: str = "",
    validate: bool = True,
) -> User:
    if role not in Role.values:
        raise ValidationFailed(f"unknown role {role!r}; choose one of {', '.join(Role.values)}")
    area = Area.objects.filter(code=area_code).first()
    if area is None:
        raise NotFound(f"no area with code {area_code!r}", code="unknown_area")
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(f"user {username!r} already exists", code="duplicate")
    if password and validate:
        try:
            validate_password(password, User(username=username))
        except ValidationError as exc:
            raise ValidationFailed("; ".join(exc.messages), code="weak_password") from exc
    with transaction.atomic():
        user = User(username=username, display_name=display_name)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        Membership.objects.create(user=user, role=role, area=area)
        audit_record(
            actor=actor,
            action="user.create",
            object_type="user",
            object_id=user.pk,
            data={"username": username, "role": role, "area": area_code},
        )
    return user


def membership_add(*, actor: User | None, user: User, role: str, area_code: str) -> Membership:
    if role not in Role.values:
        raise ValidationFailed(f"unknown role {role!r}")
    area = Area.objects.filter(code=area_code).first()
    if area is None:
        raise NotFound(f"no area with code {area_code!r}", code="unknown_area")
    with transaction.atomic():
        m, _ = Membership.objects.get_or_create(user=user, role=role, area=area)
        audit_record(
            actor=actor,
            action="membership.add",
            object_type="user",
            object_id=user.pk,
            data={"role": role, "area": area_code},
        )
    return m


def token_create(*, actor: User | None, user: User, name: str = "") -> str:
    """Create a token and return it; only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user, prefix=token[:12], key_hash=hash_token(token), name=name
        )
        audit_record(
            actor=actor,
            action="token.create",
            object_type="api_token",
            object_id=row.pk,
            data={"user": user.username, "prefix": row.prefix},
        )
    return token


def token_authenticate(token: str) -> User | None:
    row = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if row is None:
        return None
    changed = row.user.credentials_changed_at
    if changed is not None and row.created_at < changed:
        return None  # issued before the password changed or sessions were ended
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def token_revoke(*, actor: User | None, token: ApiToken) -> None:
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="token.revoke",
            object_type="api_token",
            object_id=token.pk,
            data={"user": token.user.username, "prefix": token.prefix},
        )


def _end_sessions_and_tokens(user: User) -> int:
    """Revoke every live token of `user`; their sessions end through
    credentials_changed_at (checked by core.middleware.SessionTimeoutMiddleware for every
    session backend) and, for deactivation, through is_active."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def user_set_password(*, actor: User | None, user: User, password: str, request=None) -> None:
    """Set a new password (validated). Ends the user's other sessions and revokes all their
    tokens; when `request` is the user's own session it stays signed in."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed("; ".join(exc.messages), code="weak_password") from exc
    with transaction.atomic():
        user.set_password(password)  # stamps credentials_changed_at
        user.save(update_fields=["password", "credentials_changed_at"])
        revoked = _end_sessions_and_tokens(user)
        audit_record(
            actor=actor,
            action="user.password_change",
            object_type="user",
            object_id=user.pk,
            data={"username": user.username, "tokens_revoked": revoked},
        )
    if request is not None and getattr(request, "user", None) == user:
        _keep_current_session(request, user)


def user_end_sessions(*, actor: User | None, user: User, request=None) -> None:
    """Sign the user out everywhere (all sessions, all tokens), except `request`'s session
    when it is the user's own."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(credentials_changed_at=timezone.now())
        user.refresh_from_db(fields=["credentials_changed_at"])
        revoked = _end_sessions_and_tokens(user)
        audit_record(
            actor=actor,
            action="user.end_sessions",
            object_type="user",
            object_id=user.pk,
            data={"username": user.username, "tokens_revoked": revoked},
        )
    if request is not None and getattr(request, "user", None) == user:
        _keep_current_session(request, user)


def user_deactivate(*, actor: User | None, user: User) -> None:
    """Deactivate a user: no login, every session and token ends at once."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(
            is_active=False, credentials_changed_at=timezone.now()
        )
        user.refresh_from_db(fields=["is_active", "credentials_changed_at"])
        revoked = _end_sessions_and_tokens(user)
        audit_record(
            actor=actor,
            action="user.deactivate",
            object_type="user",
            object_id=user.pk,
            data={"username": user.username, "tokens_revoked": revoked},
        )


def _keep_current_session(request, user: User) -> None:
    import time

    from django.contrib.auth import update_session_auth_hash

    from accord.core.middleware import SESSION_VALID_FROM

    update_session_auth_hash(request, user)
    request.session[SESSION_VALID_FROM] = time.time()


def totp_reset(*, actor: User | None, user: User) -> None:
    """Remove a user's authenticator (lost phone): they enrol again at their next login."""
    with transaction.atomic():
        deleted, _ = TotpDevice.objects.filter(user=user).delete()
        audit_record(
            actor=actor,
            action="user.totp_reset",
            object_type="user",
            object_id=user.pk,
            data={"username": user.username, "removed": bool(deleted)},
        )


def totp_enrol(*, user: User, secret: str, code: str) -> TotpDevice | None:
    """Confirm an authenticator with its first code; replaces any earlier one. None when the
    code does not match (nothing written)."""
    from accord.accounts import twofactor

    with transaction.atomic():
        device = twofactor.confirm_enrolment(user, secret, code)
        if device is None:
            return None
        audit_record(
            actor=user,
            action="user.totp_enrol",
            object_type="user",
            object_id=user.pk,
            data={"username": user.username},
        )
    return device
