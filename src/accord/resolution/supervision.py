"""Supervision of proceedings: supervision orders (督办) from a higher tier and their replies,
the daily deadline reminders of yellow and red clocks, and reading a notification."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import COORDINATOR_ROLES, User
from accord.accounts.permissions import areas_for
from accord.core.audit import audit_record
from accord.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from accord.resolution import documents, timeline
from accord.resolution import workflow as wf
from accord.resolution.access import capabilities
from accord.resolution.inputs import clean_text
from accord.resolution.inputs import today as _today
from accord.resolution.models import Clock, Notification, Proceeding, SupervisionOrder


def supervision_order_issue(
    *, actor: User, proceeding: Proceeding, text: str, reply_due: dt.date
) -> SupervisionOrder:
    """督办: staff of a higher tier than the handling unit order it to act by a date."""
    text = clean_text(text, "text", required=True)
    if reply_due <= _today():
        raise ValidationFailed("reply_due must be after today", code="date_order")
    with transaction.atomic():
        p = Proceeding.objects.select_related("case", "handling_area").get(pk=proceeding.pk)
        higher = [
            a
            for a in areas_for(actor, COORDINATOR_ROLES | {"county_supervisor"})
            if a.contains(p.handling_area) and a.path != p.handling_area.path
        ]
        if not higher:
            raise Forbidden(
                "only a coordinator or supervisor of a higher tier than the handling unit "
                "may issue a supervision order"
            )
        order = SupervisionOrder.objects.create(
            proceeding=p,
            issued_by=actor,
            issuing_area=max(higher, key=lambda a: a.rank),
            text=text,
            reply_due=reply_due,
            created_at=timezone.now(),
        )
        documents.issue("supervision_order", p, actor, {"order": order})
        timeline.record(
            p,
            actor,
            "supervision_order",
            _today(),
            from_status=p.status,
            note=text,
            data={"order": order.pk, "reply_due": reply_due},
        )
        for user in _responsible(p):
            _notify(
                user,
                "supervision_order",
                p.number,
                _today(),
                f"Supervision order on {p.number}: reply by {reply_due}",
                f"{p.number} 收到督办通知，请于{reply_due}前回复",
            )
    return order


def supervision_order_reply(
    *, actor: User, order: SupervisionOrder, reply: str
) -> SupervisionOrder:
    reply = clean_text(reply, "reply", required=True)
    with transaction.atomic():
        order = (
            SupervisionOrder.objects.select_for_update(of=("self",))
            .select_related("proceeding")
            .get(pk=order.pk)
        )
        p = order.proceeding
        if wf.HANDLER not in capabilities(actor, p):
            raise Forbidden("you may not reply to this supervision order")
        if order.replied_at is not None:
            raise Conflict("the order has already been answered")
        order.reply, order.replied_at = reply, timezone.now()
        order.save(update_fields=["reply", "replied_at"])
        timeline.record(
            p,
            actor,
            "supervision_reply",
            _today(),
            from_status=p.status,
            note=reply,
            data={"order": order.pk, "late": _today() > order.reply_due},
        )
    return order


def _responsible(p: Proceeding) -> list[User]:
    users = [u for u in (p.assignee, p.case.assignee) if u is not None]
    return list({u.pk: u for u in users}.values())


def _notify(user: User, kind: str, ref: str, day: dt.date, en: str, zh: str) -> bool:
    _, created = Notification.objects.get_or_create(
        recipient=user,
        kind=kind,
        object_ref=ref,
        on_date=day,
        defaults={"text_en": en, "text_zh": zh, "created_at": timezone.now()},
    )
    return created


def reminders_send(*, today: dt.date | None = None) -> int:
    """Notify the assignees of every yellow or red clock the handling body must meet (once a
    day per clock). System action, audited once per run with the count."""
    today = today or _today()
    sent = 0
    with transaction.atomic():
        clocks = (
            Clock.objects.filter(
                state=Clock.State.RUNNING, rule__duty="body", warning_on__lte=today
            )
            .select_related("rule", "proceeding__case__assignee", "proceeding__assignee")
            .order_by("due_on", "id")
        )
        for c in clocks:
            p = c.proceeding
            if p.status not in wf.ACTIVE:
                continue
            red = today > c.due_on
            en_step, zh_step = c.rule.description_en, c.rule.description_zh
            for user in _responsible(p):
                if red:
                    en = f"OVERDUE: {p.number} — {en_step} was due on {c.due_on}"
                    zh = f"已超期：{p.number}——{zh_step}，期限为{c.due_on}"
                else:
                    en = f"Due soon: {p.number} — {en_step} by {c.due_on}"
                    zh = f"即将到期：{p.number}——{zh_step}，请于{c.due_on}前完成"
                kind = "deadline_red" if red else "deadline_yellow"
                sent += _notify(user, kind, f"{p.number}:{c.rule.code}", today, en, zh)
        audit_record(actor=None, action="resolution.reminders", data={"date": today, "sent": sent})
    return sent


def notification_read(*, actor: User, notification_id: int) -> Notification:
    with transaction.atomic():
        n = Notification.objects.filter(pk=notification_id, recipient=actor).first()
        if n is None:
            raise NotFound("no such notification")
        if n.read_at is None:
            n.read_at = timezone.now()
            n.save(update_fields=["read_at"])
            audit_record(
                actor=actor,
                action="notification.read",
                object_type="notification",
                object_id=n.pk,
            )
    return n
