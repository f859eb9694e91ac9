"""Grid service: tasks of a grid's workers, service visits, on-the-spot mediations, and the
offline workbench's sync log.

Nothing here records where a person is: no coordinates, no position history. A visit names the
grid (an area), never a place or a route.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.core.crypto import EncryptedTextField


class TaskType(models.TextChoices):
    FOLLOW_UP_CASE = "follow_up_case", _("Follow up a case")
    DELIVER_NOTICE = "deliver_notice", _("Deliver a notice")
    CHECK_RECTIFICATION = "check_rectification", _("Check a hazard's rectification")
    RESIDENT_REQUEST = "resident_request", _("Visit on a resident's request")


class TaskStatus(models.TextChoices):
    # Own context: other parts translate "Open" and "Done" differently.
    OPEN = "open", pgettext_lazy("grid task", "Open")
    IN_PROGRESS = "in_progress", pgettext_lazy("grid task", "In progress")
    DONE = "done", pgettext_lazy("grid task", "Done")
    CANCELLED = "cancelled", pgettext_lazy("grid task", "Cancelled")


class GridTask(models.Model):
    """A task for the workers of one grid. `version` grows with every change, so an offline
    copy can tell whether the task changed on the server since it was taken."""

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="grid_tasks")
    task_type = models.CharField(_("task type"), max_length=24, choices=TaskType.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grid_tasks",
    )
    case_reference = models.CharField(_("case"), max_length=24, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["area", "status"])]

    def __str__(self) -> str:
        return f"task {self.pk} {self.task_type} {self.status}"


class VisitPurpose(models.TextChoices):
    HELP_REQUESTED = "help_requested", _("The resident asked for help")
    FOLLOW_UP_CASE = "follow_up_case", _("Follow-up of a case")
    ELDERLY_CARE = "elderly_care", _("Check on an older or disabled resident who agreed to visits")
    DELIVER_NOTICE = "deliver_notice", _("Deliver a notice or information")
    NEWCOMER = "newcomer", _("Welcome a newcomer who asked for information")


class Visit(models.Model):
    """A service visit: what it was for and that the resident agreed to it. Minimal fields:
    no remarks about the person's attitude or views, no position."""

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="grid_visits")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=24, choices=VisitPurpose.choices)
    consent = models.BooleanField(_("the resident agreed to the visit and to this record"))
    visited_on = models.DateField(_("date"))
    # What help was given or asked for (service, not judgement); encrypted.
    service_note = EncryptedTextField(_("help given or asked for"), blank=True)
    task = models.ForeignKey(GridTask, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"visit {self.pk} {self.purpose}"


class MediationOutcome(models.TextChoices):
    RESOLVED = "resolved", _("Resolved on the spot")
    UNRESOLVED = "unresolved", _("Not resolved: filed as a case at the community")


class GridMediation(models.Model):
    """A short record of a small matter mediated on the spot. The notice of formal channels
    (arbitration, reconsideration, court) is always shown and its acknowledgement stored."""

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="grid_mediations")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    category = models.ForeignKey("cases.Category", on_delete=models.PROTECT, related_name="+")
    parties = EncryptedTextField(_("parties"))
    issue = EncryptedTextField(_("issue"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=MediationOutcome.choices)
    agreement = EncryptedTextField(_("agreement"), blank=True)
    notice_acknowledged = models.BooleanField(_("notice of formal channels acknowledged"))
    notice_version = models.CharField(max_length=16)
    case_reference = models.CharField(_("case"), max_length=24, blank=True)
    held_on = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"grid mediation {self.pk} {self.outcome}"


class SyncItem(models.Model):
    """One item of a device's offline queue, as applied: replaying it returns the stored
    result instead of applying it again."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        CONFLICT = "conflict", _("Conflict")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_uuid = models.UUIDField()
    client_seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=Status.choices)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "client_uuid"], name="grid_syncitem_once")
        ]

    def __str__(self) -> str:
        return f"sync {self.client_uuid} {self.status}"
