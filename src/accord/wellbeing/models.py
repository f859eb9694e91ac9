"""Tables of the wellbeing part: the counselling network, counselling requests, session
notes, referrals, consented screenings and crisis alerts.

There is no diagnosis field anywhere: counsellors neither diagnose nor treat (Mental Health
Law arts. 23 and 29); they listen, support and refer. Personal free text and contacts are
encrypted (`EncryptedTextField`, bound to the row's `row_key`)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core.crypto import EncryptedTextField


class UnitKind(models.TextChoices):
    STATION = "station", _("Community psychological service station")
    HOSPITAL = "hospital", _("Hospital psychology department")
    SCHOOL = "school", _("School counselling office")
    SOCIAL_WORK = "social_work", _("Social-work organisation")
    HOTLINE = "hotline", _("Hotline")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    ONLINE = "online", _("Online")


class Unit(models.Model):
    """A counselling unit. `hours` is data: {"mon": [["09:00", "17:00"]], ...} (local time);
    `languages` and `services` are lists of codes (zh, en, ...; Mode values)."""

    code = models.CharField(max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    name_en = models.CharField(max_length=200)
    name_zh = models.CharField(max_length=200)
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="wb_units")
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address_en = models.CharField(max_length=300, blank=True)
    address_zh = models.CharField(max_length=300, blank=True)
    hours = models.JSONField(default=dict)
    languages = models.JSONField(default=list)
    services = models.JSONField(default=list)
    capacity = models.PositiveIntegerField(_("sessions a week"), default=0)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wb_units_headed",
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def name(self, zh: bool = False) -> str:
        return self.name_zh if zh else self.name_en


class Counsellor(models.Model):
    """A staff member (role counselor, Membership over an area) working for a unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wb_posts"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="counsellors")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="wb_counsellor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.unit_id}"


class OnCall(models.Model):
    """The on-call rota of an area: position 1 is called first, then 2, ...; the unit head of
    the person called is added from the first escalation on."""

    area = models.ForeignKey("core.Area", on_delete=models.CASCADE, related_name="wb_rota")
    position = models.PositiveSmallIntegerField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wb_oncall"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="rota")

    class Meta:
        ordering = ["area", "position"]
        constraints = [
            models.UniqueConstraint(fields=["area", "position"], name="wb_oncall_position")
        ]

    def __str__(self) -> str:
        return f"{self.area_id}#{self.position}"


class RequestStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting in the queue")
    SCHEDULED = "scheduled", _("Appointment made")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class CounsellingRequest(models.Model):
    reference = models.CharField(max_length=16, unique=True)
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="requests")
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    mode = models.CharField(_("how"), max_length=16, choices=Mode.choices)
    language = models.CharField(max_length=8, default="zh")
    name = EncryptedTextField(blank=True)
    contact = EncryptedTextField()
    message = EncryptedTextField(blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.QUEUED
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="wb_requests",
    )  # fmt: skip
    appointment_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["unit", "status", "created_at"])]

    def __str__(self) -> str:
        return self.reference


class SessionNote(models.Model):
    """A counsellor's note of a session: read only by the assigned counsellor and the unit
    head (supervisor); every read is an access event."""

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(CounsellingRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"note {self.pk}"


class ReferralTo(models.TextChoices):
    PSYCHIATRY = "psychiatry", _("Psychiatric outpatient clinic")
    EMERGENCY = "emergency", _("Hospital emergency department")
    PRIMARY_CARE = "primary_care", _("Community health centre")
    SOCIAL_WORK = "social_work", _("Social-work services")


class Referral(models.Model):
    """A referral to medical or social care (Mental Health Law art. 29): where to, when, by
    whom. No diagnosis: the receiving service assesses."""

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(
        CounsellingRequest, on_delete=models.CASCADE, related_name="referrals"
    )
    to_kind = models.CharField(max_length=16, choices=ReferralTo.choices)
    to_name = models.CharField(max_length=200, blank=True)
    note = EncryptedTextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"referral {self.pk}"


class Screening(models.Model):
    """A screening stored with the person's separate, purpose-specific consent (PIPL arts.
    28-31). Without consent nothing is stored. Withdrawal deletes the row; `accord purge`
    deletes rows past ACCORD_RETENTION_DAYS["wellbeing_screening"]."""

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    instrument = models.CharField(max_length=8)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    # An anonymous person withdraws with the code shown once (only its SHA-256 is kept).
    withdraw_hash = models.CharField(max_length=64, blank=True, db_index=True)
    answers = EncryptedTextField()  # JSON list of item scores, plus difficulty
    total = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=24)
    area = models.ForeignKey(
        "core.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_version = models.CharField(max_length=16)
    consent_by = models.CharField(max_length=16)  # "self" | "guardian" (under 14)
    created_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"screening {self.pk}"


class AlertStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    ESCALATED = "escalated", _("Escalated")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    RESOLVED = "resolved", _("Resolved")
    HANDED_OVER = "handed_over", _("Handed to emergency services")


class AlertLevel(models.TextChoices):
    URGENT = "urgent", _("Urgent: danger of self-harm")
    HIGH = "high", _("High: severe distress")


class AlertSource(models.TextChoices):
    SCREENING = "screening", _("Self-screening")
    DANGER = "danger", _("“I am in danger” button")


OPEN_ALERT = (AlertStatus.RAISED, AlertStatus.ESCALATED)


class CrisisAlert(models.Model):
    """A crisis alert. Written in the same transaction as the submission that raised it; it
    carries only the area, the time, the level, the source and a contact if one was given."""

    reference = models.CharField(max_length=16, unique=True)
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The client's idempotency key: a resent submission finds its alert instead of a second.
    submission_key = models.CharField(max_length=64, unique=True)
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=8, choices=AlertLevel.choices)
    source = models.CharField(max_length=16, choices=AlertSource.choices)
    contact = EncryptedTextField(blank=True)
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default="raised")
    step = models.PositiveSmallIntegerField(default=0)  # escalations so far
    raised_at = models.DateTimeField()
    next_escalation_at = models.DateTimeField(null=True, blank=True, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    closed_at = models.DateTimeField(null=True, blank=True)
    note = EncryptedTextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "area"])]

    def __str__(self) -> str:
        return self.reference


class AlertStep(models.Model):
    """One timed step of an alert: who was called at each level, and every action."""

    alert = models.ForeignKey(CrisisAlert, on_delete=models.CASCADE, related_name="steps")
    step = models.PositiveSmallIntegerField()
    action = models.CharField(max_length=16)  # raise | escalate | acknowledge | resolve | ...
    at = models.DateTimeField()
    notified = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="wb_alert_calls",
    )  # fmt: skip
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    class Meta:
        ordering = ["alert", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.alert_id}:{self.step}:{self.action}"
