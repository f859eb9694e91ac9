"""Proceedings in resolution channels, their statutory clocks, mediation work, documents,
supervision orders, follow-up visits and reminders."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accord.core.crypto import EncryptedJSONField, EncryptedTextField
from accord.resolution import workflow as wf

CHANNEL_CHOICES = [(c, en) for c, (en, _zh) in wf.CHANNEL_NAMES.items()]
STATE_CHOICES = [(s, en) for s, (en, _zh) in wf.STATE_NAMES.items()]
OUTCOME_CHOICES = [(o, en) for o, (en, _zh) in wf.OUTCOME_NAMES.items()]


class StatuteRule(models.Model):
    """One row of the statute table (DESIGN §6). Seeded from `statutes.RULES`; editing a
    row (or adding one and deactivating the old) is how a change of the law is made."""

    class Unit(models.TextChoices):
        DAY = "day", _("days")
        MONTH = "month", _("months")
        YEAR = "year", _("years")

    class Count(models.TextChoices):
        CALENDAR = "calendar", _("calendar days")
        WORKING = "working", _("working days")

    class Duty(models.TextChoices):
        BODY = "body", _("handling body")
        PARTY = "party", _("party")
        EXTERNAL = "external", _("court or institution")

    class Kind(models.TextChoices):
        PERIOD = "period", _("period")
        LIMITATION = "limitation", _("limitation period")

    code = models.CharField(_("code"), max_length=64, unique=True)
    channel = models.CharField(_("channel"), max_length=32, choices=CHANNEL_CHOICES)
    procedure = models.CharField(_("procedure"), max_length=32, blank=True)
    step = models.CharField(_("step"), max_length=64)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    count = models.CharField(_("counting"), max_length=8, choices=Count.choices)
    extension_max = models.PositiveIntegerField(_("maximum extension"), null=True, blank=True)
    start_event = models.CharField(_("start event"), max_length=64)
    stop_events = models.JSONField(_("stop events"), default=list)
    duty = models.CharField(_("duty"), max_length=16, choices=Duty.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.PERIOD)
    roll_forward = models.BooleanField(_("roll forward to a working day"), default=True)
    basis_en = models.TextField(_("legal basis"))
    basis_zh = models.TextField(_("legal basis (Chinese)"))
    description_en = models.CharField(_("description"), max_length=200, blank=True)
    description_zh = models.CharField(_("description (Chinese)"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["channel", "code"]

    def __str__(self) -> str:
        return self.code

    def applies_to(self, procedure: str) -> bool:
        return not self.procedure or self.procedure == procedure


class Proceeding(models.Model):
    """One proceeding of a case in one channel. A case may have many over its life; at most
    one unfinished proceeding per channel at a time."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="proceedings")
    number = models.CharField(_("number"), max_length=40, unique=True)
    channel = models.CharField(_("channel"), max_length=32, choices=CHANNEL_CHOICES)
    procedure = models.CharField(_("procedure"), max_length=32, blank=True)
    handling_body = models.CharField(_("handling body"), max_length=200)
    handling_area = models.ForeignKey(
        "core.Area", on_delete=models.PROTECT, related_name="proceedings"
    )
    status = models.CharField(_("status"), max_length=16, choices=STATE_CHOICES)
    outcome = models.CharField(_("outcome"), max_length=16, choices=OUTCOME_CHOICES, blank=True)
    outcome_summary = EncryptedTextField(_("outcome summary"), blank=True)
    outcome_on = models.DateField(_("outcome date"), null=True, blank=True)
    applied_on = models.DateField(_("application date"))
    accepted_on = models.DateField(_("acceptance date"), null=True, blank=True)
    knew_on = models.DateField(_("date the party knew of the infringement"), null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_set"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proceedings",
    )
    claims = EncryptedTextField(_("claims"), blank=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    # Binds the encrypted columns to this row (see accord.core.crypto).
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["case_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "channel"],
                condition=Q(status__in=sorted(wf.ACTIVE)),
                name="proceeding_one_active_per_channel",
            )
        ]
        indexes = [models.Index(fields=["channel", "status"])]

    def __str__(self) -> str:
        return self.number


class ProceedingParty(models.Model):
    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")
        THIRD_PARTY = "third_party", _("Third party")

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="parties")
    case_party = models.ForeignKey(
        "cases.Party", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    kind = models.CharField(_("kind"), max_length=16)
    name = EncryptedTextField(_("name"))  # a copy of the case party's name
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    def __str__(self) -> str:
        return f"{self.role}: {self.name}"


class Clock(models.Model):
    """One statutory period running (or run) on a proceeding."""

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        SUSPENDED = "suspended", _("suspended")
        STOPPED = "stopped", _("stopped")

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="clocks")
    rule = models.ForeignKey(StatuteRule, on_delete=models.PROTECT, related_name="clocks")
    started_on = models.DateField()
    due_on = models.DateField()
    warning_on = models.DateField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.RUNNING)
    suspended_since = models.DateField(null=True, blank=True)
    suspended_days = models.PositiveIntegerField(default=0)
    extension = models.PositiveIntegerField(default=0)
    extension_approved_by = models.CharField(max_length=200, blank=True)
    restarts = models.PositiveIntegerField(default=0)
    stopped_on = models.DateField(null=True, blank=True)
    stopped_by = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["proceeding_id", "started_on", "id"]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.proceeding_id} {self.rule.code} due {self.due_on}"


class ProceedingEvent(models.Model):
    """One step on a proceeding's timeline (also mirrored onto the case timeline)."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField()
    on_date = models.DateField()  # the legal date of the event
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = EncryptedTextField(blank=True)
    # Facts of the step (dates, codes, counts); never names or free text (they are encrypted
    # on the objects the event is about).
    data = models.JSONField(default=dict)
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.proceeding_id} {self.action}"


class MediationSession(models.Model):
    proceeding = models.ForeignKey(Proceeding, on_delete=models.CASCADE, related_name="sessions")
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    attendees = EncryptedJSONField(_("attendees"), default=list)  # names
    record = EncryptedTextField(_("record"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["held_at", "id"]

    def __str__(self) -> str:
        return f"session {self.held_at:%Y-%m-%d} ({self.proceeding_id})"


class Agreement(models.Model):
    """The mediation agreement: text, terms with performance dates, signatures."""

    proceeding = models.OneToOneField(
        Proceeding, on_delete=models.CASCADE, related_name="agreement"
    )
    text = EncryptedTextField(_("agreement text"))
    terms = EncryptedJSONField(_("terms"), default=list)  # [{"text", "due_on"}]
    signatures = EncryptedJSONField(default=list)  # [{"name", "role", "signed_on"}]
    effective_on = models.DateField(_("effective date"), null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    def __str__(self) -> str:
        return f"agreement of {self.proceeding_id}"


class Document(models.Model):
    class Kind(models.TextChoices):
        ACCEPTANCE_NOTICE = "acceptance_notice", _("Notice of acceptance")
        RIGHTS_NOTICE = "rights_notice", _("Notice of rights")
        MEDIATION_AGREEMENT = "mediation_agreement", _("Mediation agreement")
        REFERRAL_LETTER = "referral_letter", _("Referral letter")
        SUPERVISION_ORDER = "supervision_order", _("Supervision order")
        DOSSIER_COVER = "dossier_cover", _("Dossier cover")
        APPLICATION = "application", _("Application")
        IDENTITY = "identity", _("Identity of the parties")
        INVESTIGATION = "investigation", _("Investigation record")
        PROOF_OF_PERFORMANCE = "proof_of_performance", _("Proof of performance")
        CONFIRMATION = "confirmation", _("Judicial confirmation ruling")
        OTHER = "other", _("Other")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
    proceeding = models.ForeignKey(
        Proceeding, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    language = models.CharField(max_length=8, default="zh-hans")
    title = EncryptedTextField(_("title"))  # staff-given titles may name people
    body = EncryptedTextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.language} ({self.case_id})"


class SupervisionOrder(models.Model):
    """督办: a higher tier orders the handling unit to act, with a reply deadline."""

    proceeding = models.ForeignKey(
        Proceeding, on_delete=models.CASCADE, related_name="supervision_orders"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issuing_area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    reply_due = models.DateField()
    reply = EncryptedTextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"order on {self.proceeding_id} reply by {self.reply_due}"


class FollowUp(models.Model):
    """回访: a visit scheduled after resolution."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="follow_ups")
    proceeding = models.ForeignKey(
        Proceeding, null=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    performed = models.BooleanField(null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    remaining_risk = models.CharField(max_length=16, blank=True)  # none / low / medium / high
    note = EncryptedTextField(blank=True)
    route = models.CharField(max_length=32, blank=True)  # what followed non-performance
    created_at = models.DateTimeField()
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"follow-up of {self.case_id} due {self.due_on}"


class Notification(models.Model):
    """A message to a staff member (deadline reminders, supervision orders)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resolution_notices"
    )
    kind = models.CharField(max_length=32)
    object_ref = models.CharField(max_length=64)
    on_date = models.DateField()
    text_en = models.TextField()
    text_zh = models.TextField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "object_ref", "on_date"], name="notification_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_ref} to {self.recipient_id}"
