"""Users, their memberships (role x area) and API tokens."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accord.core.crypto import EncryptedTextField


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    # Least senior staff role (primary_role reads this list from the end).
    GRID_WORKER = "grid_worker", _("Grid worker")
    MEDIATOR = "mediator", _("Mediator")
    TOWNSHIP_COORDINATOR = "township_coordinator", _("Township coordinator")
    COUNTY_SUPERVISOR = "county_supervisor", _("County supervisor")
    DEPARTMENT_HANDLER = "department_handler", _("Department handler")
    ANALYST = "analyst", _("Analyst")
    COUNSELOR = "counselor", _("Counsellor")
    INSPECTOR = "inspector", _("Safety inspector")
    ADMIN = "admin", _("Administrator")


# Roles that work on dispute cases within their jurisdiction.
CASE_STAFF_ROLES = frozenset(
    {
        Role.MEDIATOR,
        Role.TOWNSHIP_COORDINATOR,
        Role.COUNTY_SUPERVISOR,
        Role.DEPARTMENT_HANDLER,
        Role.ADMIN,
    }
)
# Every role except resident is staff: staff must pass a second factor when
# ACCORD_REQUIRE_TOTP is on.
STAFF_ROLES = frozenset(set(Role) - {Role.RESIDENT})
# Roles that may (re)assign cases to other staff.
COORDINATOR_ROLES = frozenset({Role.TOWNSHIP_COORDINATOR, Role.COUNTY_SUPERVISOR, Role.ADMIN})


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # When the password was last set or all sessions were ended. Sessions that began and
    # tokens that were issued before it are no longer valid (whatever code path changed it).
    credentials_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        self.credentials_changed_at = timezone.now()


class Membership(models.Model):
    """A role held over an area; it covers the area's whole subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "area"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.area.code}"


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class TotpDevice(models.Model):
    """A user's TOTP (RFC 6238) authenticator. Usable once confirmed with a first code.
    `last_step` blocks replaying a code within its 30-second window."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device")
    # The shared secret is a credential: encrypted at rest like personal data (AES-GCM bound
    # to table, column and row; ACCORD_FIELD_KEYS), so a database dump cannot mint codes.
    secret = EncryptedTextField()
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"TOTP of {self.user}"
