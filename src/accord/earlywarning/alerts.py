"""Writes on alerts: the lifecycle a person drives (acknowledge, action plan, close) and the
system's escalation of alerts nobody acknowledged in time. Each in one transaction with its
audit event; `lifecycle.ALERT` says what is allowed.

Also what every alert writer shares (`earlywarning.groups`, `earlywarning.detect`): the unit
that must respond, the acknowledgement deadline, an alert's event and audit record, severity
ranks.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import CASE_STAFF_ROLES, User
from accord.accounts.permissions import has_role_over, primary_role
from accord.cases.models import Category
from accord.core.audit import audit_record
from accord.core.calendar import BusinessCalendar
from accord.core.errors import Conflict, NotFound, ValidationFailed
from accord.core.models import LEVEL_RANK, Area
from accord.core.statemachine import Transition, check_or_raise
from accord.earlywarning import lifecycle
from accord.earlywarning.access import alert_capabilities
from accord.earlywarning.models import ActionTask, Alert, AlertEvent, TaskKind

MAX_TEXT = 5000


def responsible_area_for(area: Area, category: Category | None) -> Area:
    """The unit that must respond: the area's ancestor at the category's default tier (like
    case routing), or the area itself when it lies at or above that tier."""
    tier = category.default_tier if category is not None else "township"
    if LEVEL_RANK[area.level] <= LEVEL_RANK[tier]:
        return area
    return area.ancestor_at(tier) or area


def ack_deadline(day: dt.date, calendar: BusinessCalendar | None = None) -> dt.date:
    calendar = calendar or BusinessCalendar.load()
    return calendar.add_working_days(day, 1)


def alert_event(
    alert: Alert, action: str, *, actor=None, frm="", to="", note="", data=None, now=None
):
    return AlertEvent.objects.create(
        alert=alert,
        created_at=now or timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=frm,
        to_status=to,
        note=note,
        data=data or {},
    )


def alert_audit(actor, action: str, alert: Alert, data: dict | None = None) -> None:
    audit_record(
        actor=actor,
        role=primary_role(actor) if actor is not None and actor.is_authenticated else "",
        action=f"earlywarning.{action}",
        object_type="alert",
        object_id=alert.pk,
        data=data or {},
    )


SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def severity_rank(severity: str) -> int:
    return SEVERITY_RANK.get(severity, 0)


def _locked(alert: Alert) -> Alert:
    return (
        # of=self: PostgreSQL cannot lock the nullable side of an outer join (category)
        Alert.objects.select_for_update(of=("self",))
        .select_related("area", "responsible_area", "category")
        .get(pk=alert.pk)
    )


def _check(actor: User, alert: Alert, action: str, reason: str = "") -> Transition:
    facts = lifecycle.AlertFacts(alert.status, reason)
    caps = alert_capabilities(actor, alert)
    return check_or_raise(lifecycle.ALERT, action, facts, caps, code_prefix="alert")


def alert_acknowledge(*, actor: User, alert: Alert, note: str = "") -> Alert:
    if len(note) > MAX_TEXT:
        raise ValidationFailed(f"note is longer than {MAX_TEXT} characters")
    with transaction.atomic():
        alert = _locked(alert)
        t = _check(actor, alert, "acknowledge")
        now = timezone.now()
        frm = alert.status
        alert.status = t.target
        alert.acknowledged_at, alert.acknowledged_by, alert.updated_at = now, actor, now
        alert.save()
        alert_event(alert, "acknowledge", actor=actor, frm=frm, to=alert.status, note=note, now=now)
        alert_audit(actor, "alert.acknowledge", alert, {"from": frm, "to": alert.status})
    return alert


def alert_add_task(
    *,
    actor: User,
    alert: Alert,
    kind: str,
    owner: str,
    deadline: dt.date,
    description: str = "",
) -> ActionTask:
    if kind not in TaskKind.values:
        raise ValidationFailed(f"unknown task kind {kind!r}", code="invalid")
    if len(description) > MAX_TEXT:
        raise ValidationFailed(f"description is longer than {MAX_TEXT} characters")
    if deadline < timezone.localdate():
        raise ValidationFailed("the deadline must not be in the past", code="invalid_deadline")
    with transaction.atomic():
        alert = _locked(alert)
        t = _check(actor, alert, "add_task")
        target = User.objects.filter(username=owner, is_active=True).first()
        if target is None or not (
            has_role_over(target, alert.responsible_area, CASE_STAFF_ROLES)
            or has_role_over(target, alert.area, CASE_STAFF_ROLES)
        ):
            raise NotFound(f"no staff member {owner!r} who can own this task", code="unknown_owner")
        now = timezone.now()
        task = ActionTask.objects.create(
            alert=alert,
            kind=kind,
            description=description.strip(),
            owner=target,
            deadline=deadline,
            created_at=now,
            created_by=actor,
        )
        frm = alert.status
        alert.status = t.target
        alert.updated_at = now
        alert.save()
        data = {
            "task": task.pk,
            "kind": kind,
            "owner": target.username,
            "deadline": deadline.isoformat(),
        }
        alert_event(alert, "add_task", actor=actor, frm=frm, to=alert.status, data=data, now=now)
        alert_audit(actor, "alert.add_task", alert, data)
    return task


def alert_complete_task(
    *, actor: User, alert: Alert, task_id: int, outcome: str = ""
) -> ActionTask:
    if len(outcome) > MAX_TEXT:
        raise ValidationFailed(f"outcome is longer than {MAX_TEXT} characters")
    with transaction.atomic():
        alert = _locked(alert)
        task = ActionTask.objects.select_for_update().filter(alert=alert, pk=task_id).first()
        if task is None:
            raise NotFound(f"no task {task_id} on this alert")
        if task.owner_id != actor.pk:
            _check(actor, alert, "complete_task")
        elif alert.status not in lifecycle.TRANSITIONS["complete_task"].sources:
            raise Conflict(f"cannot complete a task of an alert that is {alert.status}")
        if task.done_at is not None:
            raise Conflict("the task is already done", code="task_done")
        now = timezone.now()
        task.done_at, task.outcome = now, outcome.strip()
        task.save()
        alert_event(
            alert, "complete_task", actor=actor, data={"task": task.pk}, note=outcome, now=now
        )
        alert_audit(actor, "alert.complete_task", alert, {"task": task.pk})
    return task


def alert_close(*, actor: User, alert: Alert, real: bool, reason: str) -> Alert:
    if len(reason) > MAX_TEXT:
        raise ValidationFailed(f"reason is longer than {MAX_TEXT} characters")
    action = "close_real" if real else "close_false"
    with transaction.atomic():
        alert = _locked(alert)
        t = _check(actor, alert, action, reason)
        now = timezone.now()
        frm = alert.status
        alert.status = t.target
        alert.closed_at, alert.closed_by, alert.close_reason = now, actor, reason.strip()
        alert.updated_at = now
        alert.save()
        alert_event(alert, action, actor=actor, frm=frm, to=alert.status, note=reason, now=now)
        alert_audit(actor, f"alert.{action}", alert, {"from": frm, "to": alert.status})
    return alert


def alerts_escalate_unacknowledged(*, today: dt.date | None = None) -> list[int]:
    """Alerts still new after their acknowledgement deadline go up a tier: the responsible
    unit becomes the parent area, with a fresh one-working-day deadline. Audited per alert."""
    today = today or timezone.localdate()
    calendar = BusinessCalendar.load()
    done = []
    escalate = lifecycle.TRANSITIONS["escalate"]  # the system's own row: never offered
    for pk in Alert.objects.filter(status__in=escalate.sources, ack_deadline__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            alert = (
                Alert.objects.select_for_update(of=("self",))
                .select_related("responsible_area")
                .get(pk=pk)
            )
            if alert.status not in escalate.sources or alert.ack_deadline >= today:
                continue
            now = timezone.now()
            frm_area = alert.responsible_area
            parent = frm_area.parent
            if parent is not None:
                alert.responsible_area = parent
            alert.escalations += 1
            alert.ack_deadline = calendar.add_working_days(today, 1)
            alert.updated_at = now
            alert.save()
            data = {
                "from_area": frm_area.code,
                "to_area": alert.responsible_area.code,
                "deadline": alert.ack_deadline.isoformat(),
            }
            alert_event(alert, "escalate", frm=alert.status, to=alert.status, data=data, now=now)
            alert_audit(None, "alert.escalate", alert, data)
        done.append(pk)
    return done
