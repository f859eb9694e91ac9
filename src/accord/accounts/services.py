"""Writes for users, memberships and tokens. Each audits in its own transaction."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import ApiToken, Membership, Role, User
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
    now = timezone.now()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user
