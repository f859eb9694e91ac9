"""Tables of resident notifications (see core.notifications): who asked to be told of a
case's steps, and every message sent or tried. Imported by core.models."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core.crypto import EncryptedTextField


class CaseSubscription(models.Model):
    """A filer's opt-in to be told of every step of one case, keyed by the case reference
    (core does not depend on cases). Contact details are encrypted."""

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case_reference = models.CharField(max_length=24, db_index=True)
    email = EncryptedTextField(_("e-mail"), blank=True)
    phone = EncryptedTextField(_("mobile phone"), blank=True)
    language = models.CharField(max_length=8, default="zh-hans")
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"subscription {self.pk} {self.case_reference}"


class Notification(models.Model):
    """One message to a resident: queued, then sent or failed (never lost silently)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        CaseSubscription, null=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = EncryptedTextField()
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=200)
    body = EncryptedTextField()
    case_reference = models.CharField(max_length=24, db_index=True)
    # One message per subscription, channel and step: a repeated hook call sends nothing new.
    dedupe_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"notification {self.pk} {self.channel} {self.status}"
