"""Resident notifications: a filer who opted in is told of every step of their case, by
e-mail and/or SMS, in their language, with the tracking link.

- `subscribe()` records the opt-in (contact details encrypted), keyed by case reference.
- `notify_case_step()` is called by a part when a case changes (inside that change's
  transaction): it writes one `Notification` row per channel (status "queued") and, once the
  transaction commits, enqueues its delivery (django-tasks).
- `deliver()` tries once; a failure is retried with a growing delay up to
  `ACCORD_NOTIFY_MAX_ATTEMPTS`, after which the row says "failed" with the error. A message is
  never dropped silently: its row always tells what happened.

E-mail goes through Django's mail framework (`EMAIL_BACKEND`: SMTP, or files under var/mail/
in the demo). SMS goes through a pluggable gateway (`ACCORD_SMS_GATEWAY`): "log" writes the
message to the log only (the demo's), "http" posts it to a generic HTTP provider.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import urllib.request
from collections.abc import Mapping
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from accord.core.audit import audit_record
from accord.core.errors import ValidationFailed
from accord.core.notify_models import CaseSubscription, Notification

log = logging.getLogger(__name__)

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
PHONE_RE = re.compile(r"^\+?[0-9 -]{6,20}$")
LANGUAGES = ("en", "zh-hans")
RETRY_DELAYS = (60, 300, 1800, 7200)  # seconds before the 2nd, 3rd, ... attempt


# --- SMS gateways ------------------------------------------------------------------------------


class SmsGateway(Protocol):
    def send(self, to: str, text: str) -> None:
        """Send or raise an exception saying why not."""


class LogSmsGateway:
    """The demo's gateway: the message goes to the log (the number masked), nowhere else."""

    def send(self, to: str, text: str) -> None:
        log.info("SMS to ***%s: %s", to[-4:], text)


class HttpSmsGateway:
    """A generic HTTP provider: POST {"to", "text"} as JSON with a bearer token; any 2xx is
    success."""

    def __init__(self, url: str, token: str = "", timeout: float = 10.0) -> None:
        if not url.startswith(("https://", "http://")):
            raise ValueError("ACCORD_SMS_HTTP_URL must be an http(s) URL")
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, to: str, text: str) -> None:
        body = json.dumps({"to": to, "text": text}).encode()
        req = urllib.request.Request(self.url, data=body, method="POST")  # noqa: S310
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310
            if not 200 <= resp.status < 300:
                raise OSError(f"SMS provider answered {resp.status}")


def sms_gateway() -> SmsGateway:
    kind = settings.ACCORD_SMS_GATEWAY
    if kind == "http":
        return HttpSmsGateway(settings.ACCORD_SMS_HTTP_URL, settings.ACCORD_SMS_HTTP_TOKEN)
    if kind == "log":
        return LogSmsGateway()
    raise ValueError(f"unknown ACCORD_SMS_GATEWAY {kind!r} (log or http)")


# --- opt-in ------------------------------------------------------------------------------------


def subscribe(*, reference: str, email: str = "", phone: str = "", language: str = "zh-hans",
              actor=None) -> CaseSubscription:  # fmt: skip
    """Record a filer's opt-in for one case. The caller has checked that they may (the
    tracking secret, or the filer's own session)."""
    email, phone = email.strip(), phone.strip()
    if not email and not phone:
        raise ValidationFailed(_("Give an e-mail address or a mobile number."), code="no_contact")
    if email and not EMAIL_RE.match(email):
        raise ValidationFailed(_("That e-mail address does not look right."), code="bad_email")
    if phone and not PHONE_RE.match(phone):
        raise ValidationFailed(_("That mobile number does not look right."), code="bad_phone")
    language = language if language in LANGUAGES else "zh-hans"
    with transaction.atomic():
        sub = CaseSubscription.objects.create(
            case_reference=reference, email=email, phone=phone, language=language
        )
        audit_record(
            actor=actor,
            action="notification.subscribe",
            object_type="case",
            object_id=reference,
            data={"email": bool(email), "sms": bool(phone), "language": language},
        )
    return sub


def unsubscribe(*, reference: str, actor=None) -> int:
    with transaction.atomic():
        n = CaseSubscription.objects.filter(
            case_reference=reference, cancelled_at__isnull=True
        ).update(cancelled_at=timezone.now())
        audit_record(actor=actor, action="notification.unsubscribe", object_type="case",
                     object_id=reference, data={"count": n})  # fmt: skip
    return n


# --- messages ----------------------------------------------------------------------------------


def tracking_link(reference: str) -> str:
    return f"{settings.ACCORD_PUBLIC_URL}/track/?ref={reference}"


def _compose(reference: str, label: str, language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = _("Your case %(reference)s: %(status)s") % {
            "reference": reference,
            "status": label,
        }
        body = _(
            "The status of your case %(reference)s is now: %(status)s.\n\n"
            "See every step and what you can do next: %(link)s\n"
            "(you will need the tracking code you were given when you filed).\n\n"
            "You can always choose arbitration, administrative reconsideration or a court "
            "instead.\n\nAccord. You receive this because you asked to be told of each step."
        ) % {"reference": reference, "status": label, "link": tracking_link(reference)}
    return subject, body


def notify_case_step(*, reference: str, step: str, labels: Mapping[str, str]) -> list[Notification]:
    """Queue a message to every active subscriber of the case, one per channel, for the step
    `step` (e.g. "accepted@<event id>"). `labels` maps a language to the step's wording.
    Call inside the change's transaction; delivery starts once it commits."""
    made: list[Notification] = []
    subs = CaseSubscription.objects.filter(case_reference=reference, cancelled_at__isnull=True)
    for sub in subs:
        label = labels.get(sub.language) or labels.get("en") or step
        subject, body = _compose(reference, label, sub.language)
        for channel, to in ((Notification.Channel.EMAIL, sub.email),
                            (Notification.Channel.SMS, sub.phone)):  # fmt: skip
            if not to:
                continue
            key = f"{sub.pk}:{channel}:{step}"[:120]
            n, created = Notification.objects.get_or_create(
                dedupe_key=key,
                defaults=dict(
                    subscription=sub, channel=channel, recipient=to, language=sub.language,
                    subject=subject[:200], body=body, case_reference=reference,
                ),
            )  # fmt: skip
            if created:
                made.append(n)
                transaction.on_commit(lambda pk=n.pk: _enqueue(pk))
    return made


def _enqueue(notification_id: int, delay: int = 0) -> None:
    if delay and default_task_backend.supports_defer:
        run_after = timezone.now() + dt.timedelta(seconds=delay)
        deliver_notification.using(run_after=run_after).enqueue(notification_id)
    else:
        deliver_notification.enqueue(notification_id)


def _send(n: Notification) -> None:
    if n.channel == Notification.Channel.EMAIL:
        EmailMessage(n.subject, n.body, settings.DEFAULT_FROM_EMAIL, [n.recipient]).send()
    else:
        sms_gateway().send(n.recipient, f"{n.subject} {tracking_link(n.case_reference)}")


def deliver(notification_id: int) -> str:
    """One attempt at sending; returns the row's status afterwards."""
    n = Notification.objects.filter(pk=notification_id).first()
    if n is None or n.status != Notification.Status.QUEUED:
        return n.status if n else "missing"
    n.attempts += 1
    try:
        _send(n)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the row
        n.last_error = f"{type(exc).__name__}: {exc}"[:300]
        if n.attempts >= settings.ACCORD_NOTIFY_MAX_ATTEMPTS:
            n.status = Notification.Status.FAILED
            log.warning("notification %s failed after %s attempts", n.pk, n.attempts)
        n.save(update_fields=["attempts", "last_error", "status"])
        if n.status == Notification.Status.QUEUED:
            delay = RETRY_DELAYS[min(n.attempts - 1, len(RETRY_DELAYS) - 1)]
            _enqueue(n.pk, delay)
        return n.status
    n.status = Notification.Status.SENT
    n.sent_at = timezone.now()
    n.save(update_fields=["attempts", "last_error", "status", "sent_at"])
    return n.status


@task()
def deliver_notification(notification_id: int) -> str:
    return deliver(notification_id)


def retry_stalled(*, older_than_seconds: int = 3600) -> int:
    """Enqueue again the queued messages whose delivery was lost (e.g. the queue was
    cleared); for a periodic job."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    ids = list(
        Notification.objects.filter(
            status=Notification.Status.QUEUED, created_at__lt=cutoff
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in ids:
        _enqueue(pk)
    return len(ids)
