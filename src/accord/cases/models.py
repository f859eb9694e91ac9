"""Dispute categories, cases, parties and the case timeline."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.cases.workflow import S
from accord.core.crypto import BlindIndexField, EncryptedTextField


class Tier(models.TextChoices):
    COMMUNITY = "community", _("Community / village")
    TOWNSHIP = "township", _("Township / street")
    COUNTY = "county", _("County / district")
    CITY = "city", _("City")


class Status(models.TextChoices):
    REGISTERED = S.REGISTERED, _("Registered")
    ACCEPTED = S.ACCEPTED, _("Accepted")
    REJECTED = S.REJECTED, _("Rejected")
    REDIRECTED = S.REDIRECTED, _("Redirected")
    ASSIGNED = S.ASSIGNED, _("Assigned")
    IN_PROGRESS = S.IN_PROGRESS, _("In progress")
    RESOLVED = S.RESOLVED, _("Resolved")
    REFERRED = S.REFERRED, _("Referred")
    ESCALATED = S.ESCALATED, _("Escalated")
    FOLLOW_UP = S.FOLLOW_UP, _("Follow-up visit done")
    CLOSED = S.CLOSED, _("Closed")
    ARCHIVED = S.ARCHIVED, _("Archived")
    WITHDRAWN = S.WITHDRAWN, _("Withdrawn")
    REOPENED = S.REOPENED, _("Reopened")


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in")
    HOTLINE = "hotline", _("Hotline")
    GRID_WORKER = "grid_worker", _("Grid worker")
    WEB = "web", _("Web")
    API = "api", _("API")
    REFERRAL = "referral", _("Referral")


def default_deadlines() -> dict[str, list]:
    # state -> [days, "working" | "calendar"]: how long a case may stay in that state.
    return {
        S.REGISTERED: [3, "working"],
        S.ACCEPTED: [2, "working"],
        S.ASSIGNED: [3, "working"],
        S.IN_PROGRESS: [30, "calendar"],
        S.ESCALATED: [3, "working"],
        S.REOPENED: [3, "working"],
        S.RESOLVED: [15, "calendar"],
        S.REFERRED: [30, "calendar"],
        S.FOLLOW_UP: [5, "working"],
    }


class Category(models.Model):
    """A dispute category and its default handling (DESIGN §5); seeded, editable."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("English name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    default_tier = models.CharField(_("default tier"), max_length=16, choices=Tier.choices)
    channels = models.JSONField(_("typical channels"), default=list)
    department_en = models.CharField(_("competent department"), max_length=200)
    department_zh = models.CharField(_("competent department (Chinese)"), max_length=200)
    help_en = models.TextField(_("plain-language help"), blank=True)
    help_zh = models.TextField(_("plain-language help (Chinese)"), blank=True)
    deadlines = models.JSONField(_("deadlines per state"), default=default_deadlines)
    allow_anonymous = models.BooleanField(_("anonymous filing allowed"), default=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.code

    def name(self, language: str | None = None) -> str:
        from accord.core.i18n import is_zh

        return self.name_zh if is_zh(language) else self.name_en


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=24, unique=True)
    # Random per-row id chosen before the INSERT: encrypted values are bound to it (AAD).
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_secret_hash = models.CharField(max_length=64)
    # category, area and handling_area are indexed by Meta.indexes, which lead with them: a
    # second, single-column index each only made every filing write three more index pages.
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    area = models.ForeignKey(
        "core.Area",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("area"),
        db_index=False,
    )
    # The unit that handles the case: the ancestor of `area` at the case's tier.
    handling_area = models.ForeignKey(
        "core.Area", on_delete=models.PROTECT, related_name="handled_cases", db_index=False
    )
    description = EncryptedTextField(_("description"))
    people_count = models.PositiveIntegerField(_("people involved"), default=1)
    amount = models.DecimalField(
        _("amount in dispute"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    channel = models.CharField(_("intake channel"), max_length=16, choices=Channel.choices)
    risk_of_violence = models.BooleanField(_("risk of violence"), default=False)
    vulnerable_party = models.BooleanField(_("vulnerable party"), default=False)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="filed_cases",
    )
    routing = models.JSONField(default=list)  # [{"rule", "en", "zh"}], newest last
    police_liaison = models.BooleanField(default=False)
    failed_attempts_at_tier = models.PositiveIntegerField(default=0)
    failed_attempts_total = models.PositiveIntegerField(default=0)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    agreement_performed = models.BooleanField(null=True, blank=True)
    clock_suspended = models.BooleanField(default=False)
    status_changed_at = models.DateTimeField()
    deadline = models.DateField(null=True, blank=True)
    # From this day the supervision colour is yellow (≤ 20% of the time left); see clock.
    deadline_warning = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Set when `accord purge` removed the personal data after the retention period.
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["category", "created_at"]),
            models.Index(fields=["area", "created_at"]),
            models.Index(fields=["handling_area", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference


class Party(models.Model):
    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")
        THIRD_PARTY = "third_party", _("Third party")

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = EncryptedTextField(_("name"))
    contact = EncryptedTextField(_("contact"), blank=True)
    # Keyed HMAC of the normalised name: exact-match search without storing the name.
    name_index = BlindIndexField(source="name", purpose="party.name", db_index=False)
    # Resident identity card or organisation credit code, if given.
    id_number = EncryptedTextField(_("identity number"), blank=True, default="")
    id_number_index = BlindIndexField(source="id_number", purpose="party.id_number", db_index=False)
    # Lower-cased, punctuation- and suffix-stripped organisation name, for group disputes.
    normalised_name = models.CharField(max_length=200, blank=True)

    class Meta:
        # Plain indexes for exact matches. (db_index=True on a text column also gave
        # PostgreSQL a second, pattern-matching index that no query uses.)
        indexes = [
            models.Index(fields=["name_index"], name="cases_party_name_idx"),
            models.Index(fields=["id_number_index"], name="cases_party_idnum_idx"),
            models.Index(fields=["normalised_name"], name="cases_party_normname_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.name}"


class CaseEvent(models.Model):
    """One step on a case's timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = EncryptedTextField(blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class CaseSearchToken(models.Model):
    """Keyword blind index of a case's description: one row per distinct word (Chinese:
    character pair), holding a keyed HMAC of the word, never the word (see core.crypto)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="search_tokens")
    token = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["token", "case"])]

    def __str__(self) -> str:
        return f"{self.case_id} {self.token[:8]}"


class Counter(models.Model):
    """Named sequences (e.g. case references per year), incremented under a row lock."""

    name = models.CharField(max_length=32, unique=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Attachment(models.Model):
    """Evidence attached to a case: an image or a PDF whose type was checked by its first
    bytes. The file lives outside the web root (settings.ACCORD_UPLOAD_DIR) under a random
    name; it is only served through a view that checks the reader's jurisdiction."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    content_type = models.CharField(_("type"), max_length=40)
    original_name = models.CharField(_("file name"), max_length=200)
    stored_name = models.CharField(max_length=80, unique=True)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.original_name}"


class FilingKey(models.Model):
    """A one-time filing token (web form) or an `Idempotency-Key` (API), so that a repeated
    submission files nothing and answers with the first filing. Only hashes are kept: the key
    (with its caller) and the request body; the case, once filed. Kept 24 hours."""

    key_hash = models.CharField(max_length=64, unique=True)
    request_hash = models.CharField(max_length=64)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"filing key {self.key_hash[:8]}"
