"""Consultations on drafts (articles, comments with dispositions, hearings), opinion-map
statements and votes under per-consultation pseudonyms, and the suggestions box."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core.crypto import EncryptedTextField
from accord.participation import workflow as wf

STATE_CHOICES = [(s, en) for s, (en, _zh) in wf.STATE_NAMES.items()]
DISPOSITION_CHOICES = [(d, en) for d, (en, _zh) in wf.DISPOSITION_NAMES.items()]
HIDE_CHOICES = [(h, en) for h, (en, _zh) in wf.HIDE_REASONS.items()]


def new_salt() -> str:
    return secrets.token_hex(16)


class Consultation(models.Model):
    """A draft put out for public comment by the staff of an area."""

    class DecisionType(models.TextChoices):
        MAJOR = "major_decision", _("Major administrative decision")
        REGULATION = "regulation", _("Normative document")
        PLAN = "plan", _("Plan or project")
        OTHER = "other", _("Other draft")

    reference = models.CharField(_("reference"), max_length=24, unique=True)
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    # The areas the draft affects (codes, within `area`'s subtree); empty: the whole area.
    affected = models.JSONField(_("areas affected"), default=list, blank=True)
    decision_type = models.CharField(
        _("decision type"), max_length=20, choices=DecisionType.choices, default="other"
    )
    title_en = models.CharField(_("title"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    explanation_en = models.TextField(_("explanation"), blank=True)
    explanation_zh = models.TextField(_("explanation (Chinese)"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=STATE_CHOICES, default=wf.DRAFT)
    opens_on = models.DateField(_("comments open on"))
    closes_on = models.DateField(_("comments close on"))
    short_reason_en = models.TextField(_("reason for a shorter period"), blank=True)
    short_reason_zh = models.TextField(_("reason for a shorter period (Chinese)"), blank=True)
    allow_anonymous = models.BooleanField(_("anonymous comments allowed"), default=True)
    allow_statements = models.BooleanField(_("opinion map"), default=False)
    decision_summary_en = models.TextField(_("how the opinions were handled"), blank=True)
    decision_summary_zh = models.TextField(_("how the opinions were handled (Chinese)"), blank=True)
    decision_url = models.CharField(_("decision record link"), max_length=300, blank=True)
    # Keys the per-consultation pseudonyms of voters (never shown, never exported).
    salt = models.CharField(max_length=32, default=new_salt, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["status", "opens_on"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def period_days(self) -> int:
        return (self.closes_on - self.opens_on).days + 1


class Article(models.Model):
    """One article or section of the draft, in both languages."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="articles"
    )
    number = models.PositiveIntegerField(_("number"))
    heading_en = models.CharField(_("heading"), max_length=200, blank=True)
    heading_zh = models.CharField(_("heading (Chinese)"), max_length=200, blank=True)
    body_en = models.TextField(_("text"))
    body_zh = models.TextField(_("text (Chinese)"))

    class Meta:
        ordering = ["consultation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="article_number_unique")
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Comment(models.Model):
    """A resident's comment on the whole draft (no article) or on one article."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="comments"
    )
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = EncryptedTextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)
    theme = models.CharField(_("theme"), max_length=100, blank=True)
    disposition = models.CharField(
        _("disposition"), max_length=16, choices=DISPOSITION_CHOICES, blank=True
    )
    reason = models.TextField(_("reason"), blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(
        _("hidden because"), max_length=16, choices=HIDE_CHOICES, blank=True
    )
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["consultation", "id"]
        indexes = [models.Index(fields=["consultation", "disposition"])]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Hearing(models.Model):
    """A hearing (art. 16): materials must be public at least N days before it is held."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="hearings"
    )
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=200)
    materials_en = models.TextField(_("materials"), blank=True)
    materials_zh = models.TextField(_("materials (Chinese)"), blank=True)
    materials_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["held_at"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Statement(models.Model):
    """A short statement residents vote on (the opinion map). Authored under a pseudonym."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="statements"
    )
    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    text = EncryptedTextField(_("statement"))
    author_pseudonym = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    hidden_reason = models.CharField(max_length=16, choices=HIDE_CHOICES, blank=True)

    class Meta:
        ordering = ["consultation", "id"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Vote(models.Model):
    """+1 agree, -1 disagree, 0 pass; one per pseudonym and statement."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    pseudonym = models.CharField(max_length=64)
    value = models.SmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "pseudonym"], name="vote_once"),
            models.CheckConstraint(condition=models.Q(value__in=[-1, 0, 1]), name="vote_value"),
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class OpinionMap(models.Model):
    """One computed opinion map: aggregates only (group sizes, per-statement rates, group
    centres); never a participant's group or position."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="maps")
    computed_at = models.DateTimeField(auto_now_add=True)
    n_groups = models.PositiveSmallIntegerField()
    candidate_groups = models.PositiveSmallIntegerField()
    participants = models.PositiveIntegerField()
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Suggestion(models.Model):
    """A resident's suggestion (金点子): a reference, an answer due in working days,
    co-signatures; above the threshold a point-by-point reply is needed before closing."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ANSWERED = "answered", _("Answered")

    row_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("reference"), max_length=24, unique=True)
    area = models.ForeignKey("core.Area", on_delete=models.PROTECT, related_name="+")
    title = EncryptedTextField(_("title"))
    text = EncryptedTextField(_("suggestion"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    created_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField(_("answer due"))
    cosignatures = models.PositiveIntegerField(default=0)
    answer = models.TextField(_("answer"), blank=True)
    points = models.JSONField(_("point-by-point reply"), default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"


class Cosignature(models.Model):
    """One co-signature, under a pseudonym (one per person and suggestion)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="signatures")
    pseudonym = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "pseudonym"], name="cosign_once")
        ]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"
