"""Token issuance for integrations and apps: password (+ TOTP code for staff) -> bearer token."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from accord.accounts import services, twofactor
from accord.accounts.apiauth import BEARER
from accord.accounts.models import ApiToken
from accord.core.errors import DomainError, Forbidden
from accord.core.schemas import Strict

router = Router(tags=["authentication"])


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class TokenIn(Strict):
    username: str = Field(min_length=1, max_length=150, pattern=r"^[^\x00]*$")
    password: str = Field(min_length=1, max_length=1024, pattern=r"^[^\x00]*$")
    otp: str = Field("", max_length=8, pattern=r"^[0-9 ]*$")
    name: str = Field("", max_length=100, pattern=r"^[^\x00]*$")


class TokenOut(Schema):
    token: str
    prefix: str
    username: str


@router.post("/auth/token", response={201: TokenOut}, auth=None)
def issue_token(request: HttpRequest, payload: TokenIn):
    """Exchange a user name and password (and, for staff when second factors are required,
    a current TOTP code) for a bearer token, shown once. Failures count towards the lockout
    of the user name and the address (429 when locked)."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise Unauthenticated(_("Wrong user name or password."), code="invalid_credentials")
    if twofactor.required_for(user):
        device = twofactor.confirmed_device(user)
        if device is None:
            raise Forbidden(
                _("Set up an authenticator first: sign in on the web once."),
                code="totp_enrolment_required",
            )
        if not payload.otp:
            raise Unauthenticated(
                _("A code from your authenticator is required."), code="totp_required"
            )
        if not twofactor.verify_device(device, payload.otp):
            twofactor.report_failure(request, user)
            raise Unauthenticated(_("That code is not valid."), code="totp_invalid")
    token = services.token_create(actor=user, user=user, name=payload.name or "api")
    return Status(201, {"token": token, "prefix": token[:12], "username": user.get_username()})


@router.delete("/auth/token", response={204: None}, auth=BEARER)
def revoke_token(request: HttpRequest):
    """Revoke the bearer token this request was made with."""
    header = request.headers.get("Authorization", "")
    row = ApiToken.objects.filter(
        key_hash=services.hash_token(header[7:].strip()), revoked_at__isnull=True
    ).first()
    if row is not None:
        services.token_revoke(actor=request.auth, token=row)
    return Status(204, None)
