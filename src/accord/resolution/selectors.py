"""Reads on proceedings that reach users, always scoped to the actor's jurisdiction."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accord.accounts.models import CASE_STAFF_ROLES, Role, User
from accord.accounts.permissions import area_scope_q, areas_for, roles_of
from accord.cases import workflow as case_wf
from accord.cases.models import Case, CaseEvent
from accord.cases.selectors import case_get_for, case_scope_q
from accord.core.errors import NotFound, ValidationFailed
from accord.core.models import Area
from accord.resolution import clock as clk
from accord.resolution import workflow as wf
from accord.resolution.models import (
    Agreement,
    Clock,
    Document,
    FollowUp,
    Notification,
    Proceeding,
    SupervisionOrder,
)


def proceeding_scope_q(actor: User) -> Q:
    """Proceedings an actor may see: those of cases in scope, or handled by a unit in scope."""
    q = area_scope_q(actor, CASE_STAFF_ROLES, "handling_area__path")
    q |= area_scope_q(actor, CASE_STAFF_ROLES, "case__area__path")
    q |= area_scope_q(actor, CASE_STAFF_ROLES, "case__handling_area__path")
    if actor.is_authenticated and not (roles_of(actor) & set(CASE_STAFF_ROLES)):
        q |= Q(case__filed_by=actor)  # residents: the cases they filed (as case_scope_q)
    return q


def proceeding_list_for(
    *,
    actor: User,
    case: str | None = None,
    channel: str | None = None,
    status: str | None = None,
) -> QuerySet[Proceeding]:
    qs = Proceeding.objects.filter(proceeding_scope_q(actor)).select_related(
        "case", "case__area", "case__handling_area", "case__category", "handling_area", "assignee"
    )
    if case:
        qs = qs.filter(case__reference=case)
    if channel:
        qs = qs.filter(channel=channel)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


def proceeding_get_for(*, actor: User, number: str) -> Proceeding:
    p = proceeding_list_for(actor=actor).filter(number=number).first()
    if p is None:
        raise NotFound(f"no proceeding {number!r}")
    return p


def followup_get_for(*, actor: User, followup_id: int) -> FollowUp:
    case_ids = Case.objects.filter(case_scope_q(actor)).values("pk")
    f = FollowUp.objects.filter(pk=followup_id, case__in=case_ids).first()
    if f is None:
        raise NotFound(f"no follow-up visit {followup_id}")
    return f


def order_get_for(*, actor: User, order_id: int) -> SupervisionOrder:
    qs = SupervisionOrder.objects.filter(
        pk=order_id, proceeding__in=Proceeding.objects.filter(proceeding_scope_q(actor))
    )
    order = qs.first()
    if order is None:
        raise NotFound(f"no supervision order {order_id}")
    return order


def document_get_for(*, actor: User, document_id: int) -> Document:
    case_ids = Case.objects.filter(case_scope_q(actor)).values("pk")
    doc = Document.objects.filter(pk=document_id, case__in=case_ids).first()
    if doc is None:
        raise NotFound(f"no document {document_id}")
    return doc


def clock_colour(c: Clock, today: dt.date) -> str:
    return clk.colour(
        start=c.started_on,
        due=c.due_on,
        today=today,
        stopped=c.state == Clock.State.STOPPED,
        suspended=c.state == Clock.State.SUSPENDED,
    )


# --- dossier -------------------------------------------------------------------------------

CHECKLIST = (
    ("application", "Application / intake record", "申请书 / 登记表"),
    ("rights_notice", "Notice of rights", "权利告知书"),
    ("identity", "Identity of the parties", "当事人身份材料"),
    ("investigation", "Investigation record", "调查记录"),
    ("sessions", "Mediation session records", "调解笔录"),
    ("agreement", "Mediation agreement (signed)", "调解协议书（已签名）"),
    ("proof_of_performance", "Proof of performance", "履行凭证"),
    ("follow_up", "Follow-up visit record", "回访记录"),
    ("confirmation", "Judicial confirmation ruling", "司法确认裁定"),
)


def dossier_checklist(case: Case) -> list[dict[str, Any]]:
    """What the dossier holds and what it must hold for this case's history."""
    procs = list(case.proceedings.all())
    kinds = set(Document.objects.filter(case=case).values_list("kind", flat=True))
    mediations = [p for p in procs if p.channel in wf.MEDIATION]
    failed = [p for p in mediations if p.outcome == wf.FAILURE]
    agreed = [p for p in mediations if p.outcome == wf.AGREEMENT]
    agreements = list(Agreement.objects.filter(proceeding__in=agreed))
    worked = [p for p in mediations if p.outcome in (wf.AGREEMENT, wf.FAILURE)]
    follow = list(FollowUp.objects.filter(case=case, done_on__isnull=False))
    confirmations = [p for p in procs if p.channel == wf.JUDICIAL_CONFIRMATION]
    has_sessions = any(p.sessions.exists() for p in worked)
    state = {
        "application": (True, bool(procs) or case.events.filter(action="register").exists()),
        "rights_notice": (bool(failed), "rights_notice" in kinds),
        "identity": (True, "identity" in kinds),
        "investigation": (False, "investigation" in kinds),
        "sessions": (bool(worked), has_sessions),
        "agreement": (
            bool(agreed),
            bool(agreements) and all(len(a.signatures) >= 2 for a in agreements),
        ),
        "proof_of_performance": (
            any(f.performed for f in follow),
            "proof_of_performance" in kinds,
        ),
        "follow_up": (case.status not in case_wf.TERMINAL, bool(follow)),
        "confirmation": (
            bool(confirmations),
            "confirmation" in kinds or any(p.status in wf.FINISHED for p in confirmations),
        ),
    }
    return [
        {"key": key, "en": en, "zh": zh, "required": state[key][0], "present": state[key][1]}
        for key, en, zh in CHECKLIST
    ]


# --- supervision board -------------------------------------------------------------------------


def supervision_items(
    *,
    actor: User,
    today: dt.date | None = None,
    colours: tuple[str, ...] = ("yellow", "red", "grey"),
) -> list[dict[str, Any]]:
    """Unfinished clocks the handling bodies must meet, in the actor's jurisdiction, with
    their colour; most urgent first."""
    today = today or timezone.localdate()
    procs = Proceeding.objects.filter(proceeding_scope_q(actor), status__in=wf.ACTIVE)
    clocks = (
        Clock.objects.filter(proceeding__in=procs, rule__duty="body")
        .exclude(state=Clock.State.STOPPED)
        .select_related(
            "rule", "proceeding__handling_area", "proceeding__case", "proceeding__assignee"
        )
        .order_by("due_on", "id")
    )
    out = []
    for c in clocks:
        colour = clock_colour(c, today)
        if colour not in colours:
            continue
        p = c.proceeding
        out.append(
            {
                "proceeding": p.number,
                "case": p.case.reference,
                "channel": p.channel,
                "unit": p.handling_area.code,
                "unit_name": p.handling_area.name(),
                "rule": c.rule.code,
                "step": c.rule.description_en,
                "due_on": c.due_on,
                "days_left": clk.days_left(c.due_on, today),
                "colour": colour,
                "assignee": p.assignee.username if p.assignee else None,
            }
        )
    order = {clk.RED: 0, clk.YELLOW: 1, clk.GREY: 2, clk.GREEN: 3}
    out.sort(key=lambda r: (order[r["colour"]], r["due_on"]))
    return out


def supervision_board(
    *, actor: User, today: dt.date | None = None, tier: str | None = None
) -> dict[str, Any]:
    """Counts of yellow / red / grey by handling unit and channel. `tier` (a level) groups
    the units by their ancestor at that level (e.g. a county sees its townships)."""
    items = supervision_items(actor=actor, today=today)
    if tier:
        codes = {r["unit"] for r in items}
        areas = {a.code: a for a in Area.objects.filter(code__in=codes)}
        for r in items:
            above = areas[r["unit"]].ancestor_at(tier)
            if above is not None:
                r["unit"], r["unit_name"] = above.code, above.name()
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for r in items:
        key = (r["unit"], r["channel"])
        row = rows.setdefault(
            key,
            {
                "unit": r["unit"],
                "unit_name": r["unit_name"],
                "channel": r["channel"],
                "yellow": 0,
                "red": 0,
                "grey": 0,
            },
        )
        row[r["colour"]] += 1
    today = today or timezone.localdate()
    orders = [
        {
            "id": o.pk,
            "proceeding": o.proceeding.number,
            "issuing_area": o.issuing_area.code,
            "reply_due": o.reply_due,
            "overdue": today > o.reply_due,
        }
        for o in SupervisionOrder.objects.filter(
            proceeding__in=Proceeding.objects.filter(proceeding_scope_q(actor)),
            replied_at__isnull=True,
        )
        .select_related("proceeding", "issuing_area")
        .order_by("reply_due", "id")
    ]
    return {
        "rows": sorted(rows.values(), key=lambda x: (-x["red"], -x["yellow"], x["unit"])),
        "items": items,
        "orders": orders,
        "totals": {c: sum(1 for r in items if r["colour"] == c) for c in ("yellow", "red", "grey")},
    }


def notifications_for(*, actor: User, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=actor)
    return qs.filter(read_at__isnull=True) if unread else qs


# --- metrics ---------------------------------------------------------------------------------


def _suppress(n: int, value: Any, analyst_only: bool) -> Any:
    limit = int(getattr(settings, "ACCORD_MIN_CELL", 5))
    return None if analyst_only and n < limit else value


def metrics_for(
    *,
    actor: User,
    area: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    breakdown: bool = True,
) -> dict[str, Any]:
    """Resolution metrics over cases in scope registered in [date_from, date_to], with the
    same figures for each area one level below `area` (or below the actor's areas)."""
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed("from must not be after to", code="date_order")
    analyst = Role.ANALYST in roles_of(actor) and not (roles_of(actor) & set(CASE_STAFF_ROLES))
    scope = area_scope_q(actor, {*CASE_STAFF_ROLES, Role.ANALYST}, "area__path")
    cases = Case.objects.filter(scope)
    if area:
        cases = cases.filter(area__path__contains=f"/{area}/")
    if date_from:
        cases = cases.filter(created_at__date__gte=date_from)
    if date_to:
        cases = cases.filter(created_at__date__lte=date_to)
    case_ids = list(cases.values_list("pk", flat=True))
    # Resolved at the tier of intake: the tier at registration equals the tier when resolved.
    resolved = {
        e.case_id: e
        for e in CaseEvent.objects.filter(case_id__in=case_ids, action="resolve").order_by(
            "created_at"
        )
    }
    intake = {
        e.case_id: (e.data or {}).get("tier")
        for e in CaseEvent.objects.filter(case_id__in=case_ids, action="register")
    }
    tiers = dict(Case.objects.filter(pk__in=resolved).values_list("pk", "tier"))
    at_intake = sum(1 for cid in resolved if intake.get(cid) == tiers.get(cid))
    procs = list(Proceeding.objects.filter(case_id__in=case_ids).prefetch_related("clocks__rule"))
    per_channel: dict[str, list[int]] = defaultdict(list)
    for p in procs:
        if p.status == wf.P.CONCLUDED and p.outcome in wf.RESOLVING and p.outcome_on:
            per_channel[p.channel].append((p.outcome_on - p.applied_on).days)
    today = timezone.localdate()
    body_clocks = [c for p in procs for c in p.clocks.all() if c.rule.duty == "body"]
    overdue = sum(
        1
        for c in body_clocks
        if (c.state == Clock.State.STOPPED and c.stopped_on and c.stopped_on > c.due_on)
        or (c.state == Clock.State.RUNNING and today > c.due_on)
    )
    visits = list(FollowUp.objects.filter(case_id__in=case_ids, done_on__isnull=False))
    performed = [f for f in visits if f.performed is not None]
    scores = [f.satisfaction for f in visits if f.satisfaction]
    n_res = len(resolved)
    return {
        "cases": _suppress(len(case_ids), len(case_ids), analyst),
        "resolved": _suppress(n_res, n_res, analyst),
        "resolved_at_intake_tier_share": _suppress(
            n_res, round(at_intake / n_res, 3) if n_res else None, analyst
        ),
        "median_days_by_channel": {
            ch: {
                "n": _suppress(len(v), len(v), analyst),
                "median_days": _suppress(len(v), statistics.median(v), analyst),
            }
            for ch, v in sorted(per_channel.items())
        },
        "overdue_rate": _suppress(
            len(body_clocks), round(overdue / len(body_clocks), 3) if body_clocks else None, analyst
        ),
        "agreement_performance_rate": _suppress(
            len(performed),
            round(sum(1 for f in performed if f.performed) / len(performed), 3)
            if performed
            else None,
            analyst,
        ),
        "satisfaction_mean": _suppress(
            len(scores), round(statistics.mean(scores), 2) if scores else None, analyst
        ),
        "area": area,
        "from": date_from,
        "to": date_to,
        "by_area": _by_area(actor, area, date_from, date_to) if breakdown else [],
    }


def _by_area(
    actor: User, area: str | None, date_from: dt.date | None, date_to: dt.date | None
) -> list[dict[str, Any]]:
    if area:
        parents = list(Area.objects.filter(code=area))
    else:
        parents = areas_for(actor, {*CASE_STAFF_ROLES, Role.ANALYST})
    children = Area.objects.filter(parent__in=parents).order_by("path")[:50]
    rows = []
    for child in children:
        m = metrics_for(
            actor=actor, area=child.code, date_from=date_from, date_to=date_to, breakdown=False
        )
        rows.append(
            {
                "area": child.code,
                "area_name": child.name(),
                **{k: m[k] for k in ("cases", "resolved", "resolved_at_intake_tier_share",
                                     "overdue_rate", "agreement_performance_rate",
                                     "satisfaction_mean")},
            }
        )  # fmt: skip
    return rows


def case_for(*, actor: User, reference: str) -> Case:
    return case_get_for(actor=actor, reference=reference)
