"""Crisis alerts: raising (inside the submission's transaction), the timed escalation
ladder, and the one `alert_transition()` for people's actions.

Mental Health Law art. 28: when there is a danger of self-harm, protective action is taken
at once. The person is shown the hotline immediately (that needs no one); the alert calls the
area's first on-call counsellor; not acknowledged within ACCORD_WELLBEING_ACK_MINUTES, it
calls the next on-call and the unit head, and so on until someone acknowledges. Each step is
a row (`AlertStep`) with its time, and an audit event.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.core.audit import audit_record
from accord.core.errors import NotFound, ValidationFailed
from accord.core.models import Area
from accord.core.statemachine import SYSTEM, check_or_raise
from accord.wellbeing.access import alert_capabilities
from accord.wellbeing.models import OPEN_ALERT, AlertStep, CrisisAlert, OnCall
from accord.wellbeing.workflow import ALERT, AlertFacts


def ack_interval() -> dt.timedelta:
    return dt.timedelta(minutes=float(settings.ACCORD_WELLBEING_ACK_MINUTES))


def _reference() -> str:
    return "WB-" + secrets.token_hex(5).upper()


def rota_for(area: Area) -> list[OnCall]:
    """The call order for an alert in `area`: the rota of the nearest area (itself first)
    that has one, then the rotas of the areas above it."""
    chain = list(reversed(area.ancestors()))  # the area first, then up to the root
    rows = list(OnCall.objects.filter(area__in=chain).select_related("unit", "user", "area"))
    rank = {a.pk: i for i, a in enumerate(chain)}
    rows.sort(key=lambda r: (rank[r.area_id], r.position))
    return rows


def calls_at(rota: list[OnCall], step: int) -> list[int]:
    """User ids called at escalation `step` (0: raised). Step 0 calls the first on-call;
    step k calls on-call k+1 and the heads of the units called so far, whoever of them was
    not called before; past the end of the rota everyone on it and the heads are called
    again (until someone acknowledges)."""
    if not rota:
        return []
    if step >= len(rota):
        everyone = [uid for r in rota for uid in (r.user_id, r.unit.head_id)]
        return list(dict.fromkeys(u for u in everyone if u))
    seen: set[int] = set()
    out: list[int] = []
    for k in range(step + 1):
        wanted = [rota[k].user_id] + ([r.unit.head_id for r in rota[: k + 1]] if k else [])
        out = [u for u in dict.fromkeys(wanted) if u and u not in seen]
        seen |= set(out)
    return out


def who_to_call(area: Area, step: int) -> list[int]:
    """The people called at `step`; where no rota covers the area (a deployment gap), every
    unit head is called, so that no alert ever goes to nobody."""
    called = calls_at(rota_for(area), step)
    if not called:
        from accord.wellbeing.models import Unit

        heads = Unit.objects.filter(active=True, head__isnull=False).order_by("code")
        called = list(dict.fromkeys(heads.values_list("head_id", flat=True)))
    return called


def _steps(alert: CrisisAlert, step: int, action: str, at, user_ids, actor=None) -> None:
    rows = [
        AlertStep(alert=alert, step=step, action=action, at=at, notified_id=uid, actor=actor)
        for uid in user_ids
    ] or [AlertStep(alert=alert, step=step, action=action, at=at, actor=actor)]
    AlertStep.objects.bulk_create(rows)


def alert_raise(
    *, area: Area, level: str, source: str, submission_key: str, contact: str = "", now=None
) -> CrisisAlert:
    """Write a crisis alert. Must run inside the submission's own transaction, so that a
    submission acknowledged to the person always has its alert (and a failed one has none).
    A resent submission (same key) returns the alert it already raised."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("alert_raise must run inside the submission's transaction")
    existing = CrisisAlert.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing
    now = now or timezone.now()
    alert = CrisisAlert(
        reference=_reference(), submission_key=submission_key, area=area, level=level,
        source=source, contact=contact[:200], raised_at=now,
        next_escalation_at=now + ack_interval(),
    )  # fmt: skip
    try:
        with transaction.atomic():  # a savepoint: a concurrent resend lost the race
            alert.save()
    except IntegrityError:
        return CrisisAlert.objects.get(submission_key=submission_key)
    called = who_to_call(area, 0)
    _steps(alert, 0, "raise", now, called)
    audit_record(
        actor=None, action="wellbeing.alert.raise", object_type="crisis_alert",
        object_id=alert.reference,
        data={"area": area.code, "level": level, "source": source, "called": called},
        role=SYSTEM,
    )  # fmt: skip
    return alert


def alerts_escalate_due(*, now=None, limit: int = 500) -> list[str]:
    """Escalate every open alert whose acknowledgement time has passed, one step each.
    Idempotent and safe to run from several processes at once: each step is a conditional
    UPDATE on the alert's step number, in its own transaction with its audit event."""
    now = now or timezone.now()
    due = list(
        CrisisAlert.objects.filter(status__in=OPEN_ALERT, next_escalation_at__lte=now)
        .order_by("next_escalation_at")
        .values_list("pk", "step")[:limit]
    )
    done = []
    for pk, step in due:
        with transaction.atomic():
            moved = CrisisAlert.objects.filter(
                pk=pk, step=step, status__in=OPEN_ALERT, next_escalation_at__lte=now
            ).update(status="escalated", step=step + 1, next_escalation_at=now + ack_interval())
            if not moved:
                continue  # acknowledged meanwhile, or another worker took this step
            alert = CrisisAlert.objects.select_related("area").get(pk=pk)
            called = who_to_call(alert.area, step + 1)
            _steps(alert, step + 1, "escalate", now, called)
            audit_record(
                actor=None, action="wellbeing.alert.escalate", object_type="crisis_alert",
                object_id=alert.reference,
                data={"step": step + 1, "called": called,
                      "waited_s": round((now - alert.raised_at).total_seconds())},
                role=SYSTEM,
            )  # fmt: skip
            done.append(alert.reference)
    return done


def _close(alert: CrisisAlert, actor, note: str, now) -> None:
    alert.closed_at = now
    alert.note = note


def _acknowledge(alert: CrisisAlert, actor, note: str, now) -> None:
    alert.acknowledged_at = now
    alert.acknowledged_by = actor
    alert.next_escalation_at = None


def _hand_over(alert: CrisisAlert, actor, note: str, now) -> None:
    if alert.acknowledged_at is None:
        _acknowledge(alert, actor, note, now)
    _close(alert, actor, note, now)


EFFECTS = {"acknowledge": _acknowledge, "resolve": _close, "hand_over": _hand_over}


def alert_transition(*, actor, reference: str, action: str, note: str = "", now=None):
    """The only way a person changes an alert's state."""
    from accord.accounts.permissions import primary_role

    now = now or timezone.now()
    if len(note) > 2000:
        raise ValidationFailed("the note is too long (2000 characters at most)")
    with transaction.atomic():
        alert = (
            CrisisAlert.objects.select_for_update().select_related("area")
            .filter(reference=reference).first()
        )  # fmt: skip
        caps = alert_capabilities(actor, alert) if alert else set()
        if alert is None or not caps:
            raise NotFound(f"no crisis alert {reference!r}")
        t = check_or_raise(ALERT, action, AlertFacts(alert.status, note), caps, code_prefix="alert")
        effect = ALERT.effect_for(action, EFFECTS)
        if effect:
            effect(alert, actor, note, now)
        before = alert.status
        alert.status = t.target or alert.status
        alert.save()
        AlertStep.objects.create(alert=alert, step=alert.step, action=action, at=now, actor=actor)
        audit_record(
            actor=actor, action=f"wellbeing.alert.{action}", object_type="crisis_alert",
            object_id=alert.reference, role=primary_role(actor),
            data={"from": before, "to": alert.status,
                  "after_s": round((now - alert.raised_at).total_seconds())},
        )  # fmt: skip
    return alert
