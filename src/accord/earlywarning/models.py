"""Early warning: indicator counts, detection runs, alerts with their action plan, case risk.

Everything here is about situations — areas, categories, respondent organisations — never
about a natural person: no row is keyed by, grouped by or scored on a person's identity.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Freq(models.TextChoices):
    WEEKLY = "W", _("Weekly")
    DAILY = "D", _("Daily")


class PendingIntake(models.Model):
    """A new case whose early-warning work (indicator counts, group check, risk score) is still
    to do, when ACCORD_EW_INTAKE=deferred. Written in the filing's own transaction, deleted in
    the transaction that does the work: a crash between the two loses nothing."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    queued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"pending {self.case_id}"


class IndicatorCount(models.Model):
    """New cases in one area (any level of the tree: a case counts in its own area and in every
    ancestor) × category × period. Kept up to date case by case at intake; back-filled by
    `accord backfill-indicators`. Periods are local dates: a day, or the Monday of a week."""

    freq = models.CharField(max_length=1, choices=Freq.choices)
    area = models.ForeignKey("core.Area", on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey("cases.Category", on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["freq", "area", "category", "period"], name="ew_indicator_unique"
            )
        ]
        indexes = [models.Index(fields=["freq", "period"])]

    def __str__(self) -> str:
        return f"{self.freq} {self.area_id}/{self.category_id} {self.period}={self.count}"


class DetectionRun(models.Model):
    """One run of the engine over every indicator series."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    as_of = models.DateField()
    method = models.CharField(max_length=16)
    freq = models.CharField(max_length=1, choices=Freq.choices)
    period = models.DateField(null=True, blank=True)  # the monitored period
    n_series = models.PositiveIntegerField(default=0)
    n_alarms = models.PositiveIntegerField(default=0)
    n_new = models.PositiveIntegerField(default=0)
    n_extended = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    trigger = models.CharField(max_length=16, default="command")  # command | task | api

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"run {self.pk} {self.method} {self.period}"


class AlertKind(models.TextChoices):
    ABERRATION = "aberration", _("Unusual rise in cases")
    GROUP = "group_dispute", _("Collective dispute forming")


class AlertStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACTION_PLAN = "action_plan", _("Action plan")
    CLOSED_REAL = "closed_real", _("Closed: real situation")
    CLOSED_FALSE = "closed_false", _("Closed: false alarm")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=AlertKind.choices)
    # Where and what: the area is the series' area (aberration) or the smallest area holding
    # all linked cases (group dispute).
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        "cases.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(_("method"), max_length=16)
    freq = models.CharField(max_length=1, choices=Freq.choices, default=Freq.WEEKLY)
    # Normalised organisation name (group disputes by respondent); never a person.
    respondent = models.CharField(_("respondent organisation"), max_length=200, blank=True)
    respondent_display = models.CharField(max_length=200, blank=True)
    period_start = models.DateField(_("first period"))
    period_end = models.DateField(_("last period"))
    observed = models.FloatField(_("observed"), default=0)
    expected = models.FloatField(_("expected"), null=True, blank=True)
    upperbound = models.FloatField(_("upper bound"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.NEW
    )
    # The unit that must respond; moves up a tier when the alert is not acknowledged in time.
    responsible_area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    escalations = models.PositiveSmallIntegerField(default=0)
    ack_deadline = models.DateField(_("acknowledge by"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_reason = models.TextField(blank=True)
    cases = models.ManyToManyField("cases.Case", related_name="ew_alerts", blank=True)
    run = models.ForeignKey(
        DetectionRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-period_end", "-created_at"]
        indexes = [
            models.Index(fields=["kind", "method", "freq", "area", "category", "status"]),
            models.Index(fields=["status", "ack_deadline"]),
            models.Index(fields=["respondent", "status"]),
        ]

    def __str__(self) -> str:
        return f"alert {self.pk} {self.kind} {self.area_id}/{self.category_id}"

    @property
    def is_open(self) -> bool:
        return self.status not in (AlertStatus.CLOSED_REAL, AlertStatus.CLOSED_FALSE)


class AlertPoint(models.Model):
    """One alarming period of an aberration alert (a continuing alert has several)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="points")
    period = models.DateField()
    observed = models.FloatField()
    expected = models.FloatField(null=True, blank=True)
    upperbound = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["period"]
        constraints = [models.UniqueConstraint(fields=["alert", "period"], name="ew_point_unique")]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.period}"


class AlertEvent(models.Model):
    """The alert's timeline: created, extended, acknowledged, escalated, task added, closed."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    created_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.action}"


class TaskKind(models.TextChoices):
    JOINT_MEDIATION = "joint_mediation", _("Joint mediation")
    DEPARTMENT_VISIT = "department_visit", _("Department visit")
    MEETING = "meeting", _("Meeting with the parties")
    INVESTIGATION = "investigation", _("Fact-finding")
    OTHER = "other", _("Other")


class ActionTask(models.Model):
    """One step of an alert's action plan, with an owner and a deadline."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("task"), max_length=24, choices=TaskKind.choices)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ew_tasks"
    )
    deadline = models.DateField(_("deadline"))
    done_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.kind}"


class CaseRisk(models.Model):
    """The escalation-risk score of a case, with the factors that make it up (shown to staff).
    It orders work queues; it never limits what a party may do."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="ew_risk")
    score = models.PositiveSmallIntegerField(default=0)
    factors = models.JSONField(default=list)  # [{"code", "value", "weight", "points"}]
    open = models.BooleanField(default=True)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["open", "-score"])]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.score}"
