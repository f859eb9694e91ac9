"""Writes on proceedings. Each runs in one transaction and audits in it.

`proceeding_transition` is the only way a proceeding's status changes; `proceeding_handoff`
moves a dispute from one channel to the next, carrying its parties, claims and history. The
case follows every step: each proceeding event is mirrored on the case timeline, and the case
status moves through `cases.transitions.case_transition(handoff=...)`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.accounts.models import CASE_STAFF_ROLES, COORDINATOR_ROLES, User
from accord.accounts.permissions import areas_for, has_role_over, primary_role
from accord.cases import transitions as case_transitions
from accord.cases import workflow as case_wf
from accord.cases.access import case_capabilities
from accord.cases.models import Case, CaseEvent
from accord.core.audit import audit_record
from accord.core.calendar import BusinessCalendar
from accord.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from accord.core.models import Area, Level
from accord.resolution import clock as clk
from accord.resolution import documents
from accord.resolution import workflow as wf
from accord.resolution.models import (
    Agreement,
    Clock,
    Document,
    FollowUp,
    MediationSession,
    Notification,
    Proceeding,
    ProceedingEvent,
    ProceedingParty,
    StatuteRule,
    SupervisionOrder,
)

MAX_TEXT = 10000
RISK_LEVELS = ("none", "low", "medium", "high")
FOLLOWUP_ROUTES = ("reopen_mediation", "judicial_confirmation", "enforcement")

# The tier at which each channel is usually handled (the handling unit defaults to the
# case area's ancestor at that level, or the case's handling unit when that lies higher).
CHANNEL_LEVEL = {
    wf.PEOPLE_MEDIATION: None,  # the case's handling unit
    wf.LABOUR_MEDIATION: None,
    wf.ADMIN_MEDIATION: None,
    wf.LABOUR_ARBITRATION: Level.COUNTY,
    wf.RURAL_LAND_ARBITRATION: Level.COUNTY,
    wf.COMMERCIAL_ARBITRATION: Level.CITY,
    wf.ADMIN_RULING: Level.COUNTY,
    wf.ADMIN_RECONSIDERATION: Level.COUNTY,
    wf.PETITION: Level.COUNTY,
    wf.LITIGATION_REFERRAL: Level.COUNTY,
    wf.JUDICIAL_CONFIRMATION: Level.COUNTY,
}
BODY_NAMES = {
    wf.PEOPLE_MEDIATION: ("People's mediation committee", "人民调解委员会"),
    wf.LABOUR_MEDIATION: ("Labour dispute mediation committee", "劳动争议调解委员会"),
    wf.ADMIN_MEDIATION: ("Competent department (administrative mediation)", "行政调解主管部门"),
    wf.LABOUR_ARBITRATION: ("Labour dispute arbitration commission", "劳动人事争议仲裁委员会"),
    wf.RURAL_LAND_ARBITRATION: (
        "Rural land contract arbitration commission",
        "农村土地承包仲裁委员会",
    ),
    wf.COMMERCIAL_ARBITRATION: ("Arbitration commission", "仲裁委员会"),
    wf.ADMIN_RULING: ("Competent department (administrative ruling)", "行政裁决机关"),
    wf.ADMIN_RECONSIDERATION: ("Administrative reconsideration organ", "行政复议机关"),
    wf.PETITION: ("Letters and visits office", "信访工作机构"),
    wf.LITIGATION_REFERRAL: ("People's court", "人民法院"),
    wf.JUDICIAL_CONFIRMATION: ("People's court (judicial confirmation)", "人民法院（司法确认）"),
}


def followup_days() -> int:
    return int(getattr(settings, "ACCORD_FOLLOWUP_DAYS", 15))


def _today() -> dt.date:
    return timezone.localdate()


def _text(value: str, name: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(f"{name} must not be empty", code=f"missing_{name}")
    if len(value) > limit:
        raise ValidationFailed(f"{name} is longer than {limit} characters")
    return value


def _date(value: dt.date | None, name: str, *, not_before: dt.date | None = None) -> dt.date:
    today = _today()
    value = value or today
    if value > today:
        raise ValidationFailed(f"{name} must not be in the future", code="future_date")
    if not_before is not None and value < not_before:
        raise ValidationFailed(f"{name} must not be before {not_before}", code="date_order")
    return value


# --- capabilities -----------------------------------------------------------------------------


def capabilities(user: User | None, proceeding: Proceeding) -> set[str]:
    caps: set[str] = set()
    if user is None or not user.is_authenticated:
        return caps
    case = proceeding.case
    areas = (proceeding.handling_area, case.area, case.handling_area)
    if any(has_role_over(user, a, CASE_STAFF_ROLES) for a in areas):
        caps.add(wf.HANDLER)
        if any(has_role_over(user, a, COORDINATOR_ROLES) for a in areas):
            caps.add(wf.APPROVER)
    if case.filed_by_id is not None and case.filed_by_id == user.pk:
        caps.add(wf.PARTY)
    return caps


def _case_caps(user: User, case: Case) -> set[str]:
    caps = case_capabilities(user, case)
    out = set()
    if case_wf.STAFF in caps:
        out.add(wf.HANDLER)
    if case_wf.APPLICANT in caps:
        out.add(wf.PARTY)
    return out


# --- timeline and clocks ----------------------------------------------------------------------


def _event(
    proceeding: Proceeding,
    actor: User | None,
    action: str,
    on_date: dt.date,
    *,
    from_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> ProceedingEvent:
    """Record a proceeding event, mirror it on the case timeline, audit it. The note is
    encrypted on both timelines; `data` is copied in clear to the proceeding and case events
    and to the audit chain, so it must never hold names or free text."""
    now = timezone.now()
    data = {k: v for k, v in (data or {}).items() if v not in (None, "", [], {})}
    event = ProceedingEvent.objects.create(
        proceeding=proceeding,
        created_at=now,
        on_date=on_date,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        from_status=from_status,
        to_status=proceeding.status,
        note=note,
        data=_jsonable(data),
    )
    case = Case.objects.get(pk=proceeding.case_id)
    role = primary_role(actor) if actor is not None and actor.is_authenticated else ""
    CaseEvent.objects.create(
        case=case,
        created_at=now,
        actor=event.actor,
        actor_role=role,
        action=f"proceeding_{action}"[:32],
        from_status=case.status,
        to_status=case.status,
        note=note,
        data=_jsonable(
            {
                "proceeding": proceeding.number,
                "channel": proceeding.channel,
                "on_date": on_date,
                "status": proceeding.status,
                **data,
            }
        ),
    )
    audit_record(
        actor=actor,
        role=role,
        action=f"proceeding.{action}",
        object_type="proceeding",
        object_id=proceeding.number,
        data={"case": case.reference, "from": from_status, "to": proceeding.status, **data},
    )
    return event


def _jsonable(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _jsonable(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_jsonable(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


def rules_for(channel: str, procedure: str) -> list[StatuteRule]:
    return [
        r
        for r in StatuteRule.objects.filter(channel=channel, active=True, kind="period")
        if r.applies_to(procedure)
    ]


def _start_clocks(
    p: Proceeding, event: str, on_date: dt.date, cal: BusinessCalendar
) -> list[Clock]:
    started = []
    for rule in rules_for(p.channel, p.procedure):
        if rule.start_event != event:
            continue
        due = clk.due_date(cal, rule, on_date)
        started.append(
            Clock.objects.create(
                proceeding=p,
                rule=rule,
                started_on=on_date,
                due_on=due,
                warning_on=clk.warning_date(on_date, due),
            )
        )
    return started


def _stop_clocks(p: Proceeding, event: str, on_date: dt.date) -> list[Clock]:
    stopped = []
    for c in p.clocks.select_related("rule").exclude(state=Clock.State.STOPPED):
        if event in (c.rule.stop_events or []):
            c.state, c.stopped_on, c.stopped_by = Clock.State.STOPPED, on_date, event
            c.save(update_fields=["state", "stopped_on", "stopped_by"])
            stopped.append(c)
    return stopped


def _recompute(c: Clock, cal: BusinessCalendar) -> None:
    c.due_on = clk.due_date(
        cal, c.rule, c.started_on, extension=c.extension, suspended_days=c.suspended_days
    )
    c.warning_on = clk.warning_date(c.started_on, c.due_on)


def _clock_rows(clocks: list[Clock]) -> list[dict[str, Any]]:
    return [
        {"rule": c.rule.code, "due_on": c.due_on, "basis": c.rule.basis_en, "duty": c.rule.duty}
        for c in clocks
    ]


# --- documents ------------------------------------------------------------------------------


def _issue(
    kind: str, p: Proceeding, actor: User | None, extra: dict[str, Any] | None = None
) -> list[Document]:
    case = p.case
    ctx: dict[str, Any] = {
        "case": case,
        "p": p,
        "parties": documents.party_rows(p.parties.all()),
        "clocks": list(p.clocks.select_related("rule").exclude(state=Clock.State.STOPPED)),
        **documents.channel_context(p.channel),
        **(extra or {}),
    }
    now = timezone.now()
    docs = []
    for language, title, body in documents.render(kind, ctx):
        docs.append(
            Document.objects.create(
                case=case,
                proceeding=p,
                kind=kind,
                language=language,
                title=title,
                body=body,
                created_by=actor if actor is not None and actor.is_authenticated else None,
                created_at=now,
            )
        )
    return docs


def rights_routes(case: Case, today: dt.date) -> list[dict[str, str]]:
    """The routes open after a failed mediation (art. 26), for this case's category first."""
    preferred = wf.channels_of_category(case.category.channels)
    formal = [c for c in preferred if c in wf.FORMAL]
    for c in (wf.LITIGATION_REFERRAL, wf.ADMIN_RECONSIDERATION, wf.PETITION):
        if c not in formal:
            formal.append(c)
    rows = []
    limits = {r.channel: r for r in StatuteRule.objects.filter(kind="limitation", active=True)}
    for c in formal:
        en, zh = wf.CHANNEL_NAMES[c]
        rule = limits.get(c)
        rows.append(
            {
                "channel": c,
                "en": en,
                "zh": zh,
                "limit_en": rule.basis_en if rule else "",
                "limit_zh": rule.basis_zh if rule else "",
            }
        )
    return rows


# --- limitation periods at intake ----------------------------------------------------------


def limitation_warnings(
    *, channels: list[str], knew_on: dt.date, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """For each limitation rule of `channels`: the last day to apply, days left, expired?"""
    today = today or _today()
    cal = BusinessCalendar.load()
    out = []
    for rule in StatuteRule.objects.filter(
        kind="limitation", active=True, channel__in=channels
    ).order_by("channel"):
        due = clk.due_date(cal, rule, knew_on)
        left = clk.days_left(due, today)
        out.append(
            {
                "rule": rule.code,
                "channel": rule.channel,
                "channel_name": wf.CHANNEL_NAMES[rule.channel],
                "last_day": due,
                "days_left": left,
                "expired": left < 0,
                "urgent": 0 <= left <= 30,
                "basis_en": rule.basis_en,
                "basis_zh": rule.basis_zh,
            }
        )
    return out


# --- opening and hand-offs ---------------------------------------------------------------------


@dataclass(frozen=True)
class OpenInput:
    channel: str
    procedure: str = ""
    applied_on: dt.date | None = None
    knew_on: dt.date | None = None
    handling_body: str = ""
    handling_area: str | None = None
    claims: str = ""


def _handling_area(case: Case, channel: str, code: str | None) -> Area:
    if code:
        area = Area.objects.filter(code=code).first()
        if area is None or not (area.contains(case.area) or area.contains(case.handling_area)):
            raise ValidationFailed(
                f"handling_area {code!r} is not a unit above the case's area",
                code="unknown_area",
            )
        return area
    level = CHANNEL_LEVEL.get(channel)
    if level is None:
        return case.handling_area
    target = case.area.ancestor_at(level)
    if target is None or case.handling_area.contains(target):
        return case.handling_area
    return target


def _next_number(case: Case) -> str:
    n = Proceeding.objects.filter(case=case).count() + 1
    return f"{case.reference}-P{n}"


def _open(
    *,
    actor: User,
    case: Case,
    data: OpenInput,
    previous: Proceeding | None,
    caps: set[str],
) -> Proceeding:
    if data.channel not in wf.CHANNEL_NAMES:
        raise ValidationFailed(f"unknown channel {data.channel!r}", code="unknown_channel")
    procedures = wf.PROCEDURES.get(data.channel, ("",))
    procedure = data.procedure or procedures[0]
    if procedure not in procedures:
        raise ValidationFailed(
            f"procedure of {data.channel} must be one of {', '.join(procedures)}",
            code="unknown_procedure",
        )
    if wf.HANDLER not in caps and not (wf.PARTY in caps and data.channel in wf.FORMAL):
        raise Forbidden("you may not open a proceeding on this case")
    if case.status in case_wf.TERMINAL:
        raise Conflict(f"the case is {case.status}", code="case_finished")
    applied_on = _date(data.applied_on, "applied_on")
    knew_on = data.knew_on
    if knew_on is not None and knew_on > applied_on:
        raise ValidationFailed("knew_on must not be after applied_on", code="date_order")
    if Proceeding.objects.filter(case=case, channel=data.channel, status__in=wf.ACTIVE).exists():
        raise Conflict(
            f"the case already has an active {data.channel} proceeding", code="active_proceeding"
        )
    area = _handling_area(case, data.channel, data.handling_area)
    body_en, body_zh = BODY_NAMES[data.channel]
    body = _text(data.handling_body, "handling_body", limit=200) or f"{area.name_zh} {body_zh}"
    claims = _text(data.claims, "claims") or (previous.claims if previous else case.description)
    cal = BusinessCalendar.load()
    p = Proceeding(
        case=case,
        number=_next_number(case),
        channel=data.channel,
        procedure=procedure,
        handling_body=body,
        handling_area=area,
        status=wf.P.APPLIED,
        applied_on=applied_on,
        knew_on=knew_on or (previous.knew_on if previous else None),
        previous=previous,
        assignee=actor if wf.HANDLER in caps else case.assignee,
        claims=claims,
        created_at=timezone.now(),
        data={"handling_body_en": f"{area.name_en} {body_en}"},
    )
    if p.knew_on:
        # The limitation periods of this channel and of the formal channels it leads to.
        reach = [p.channel, *wf.handoff_targets(p.channel, wf.P.APPLIED, "")]
        reach += wf.channels_of_category(case.category.channels)
        p.data["limitation"] = _jsonable(
            limitation_warnings(channels=reach, knew_on=p.knew_on, today=applied_on)
        )
    try:
        with transaction.atomic():
            p.save()
    except IntegrityError as exc:  # the partial unique constraint, under a race
        raise Conflict(
            f"the case already has an active {data.channel} proceeding", code="active_proceeding"
        ) from exc
    source_parties = previous.parties.all() if previous else None
    if source_parties:
        ProceedingParty.objects.bulk_create(
            ProceedingParty(
                proceeding=p, case_party=x.case_party, role=x.role, kind=x.kind, name=x.name
            )
            for x in source_parties
        )
    else:
        ProceedingParty.objects.bulk_create(
            ProceedingParty(proceeding=p, case_party=x, role=x.role, kind=x.kind, name=x.name)
            for x in case.parties.all()
        )
    started = _start_clocks(p, "applied", applied_on, cal)
    _event(
        p,
        actor,
        "open",
        applied_on,
        note=f"{wf.CHANNEL_NAMES[p.channel][0]} · {body}",
        data={
            "procedure": procedure,
            "handling_area": area.code,
            "previous": previous.number if previous else None,
            "deadlines": _clock_rows(started),
            "limitation": p.data.get("limitation"),
        },
    )
    _case_follows_open(actor, case, p, staff=wf.HANDLER in caps)
    return p


def _case_move(actor: User, case: Case, action: str, p: Proceeding, note: str = "", **kw) -> None:
    """Move the case with the proceeding, if the case workflow allows it from here."""
    case.refresh_from_db()
    if case.status not in case_wf.BY_ACTION[action].sources:
        return
    case_transitions.case_transition(
        actor=actor,
        case=case,
        action=action,
        note=note or f"{p.number} ({p.channel})",
        handoff={"proceeding": p.number, "channel": p.channel},
        **kw,
    )


def _case_follows_open(actor: User, case: Case, p: Proceeding, *, staff: bool) -> None:
    """Staff opening a proceeding take the case in (accept, assign, start) as needed; a
    formal channel refers it (also when the party chose it)."""
    case.refresh_from_db()
    if not staff:
        if p.channel in wf.FORMAL:
            _case_move(actor, case, "refer", p, note=f"{p.number}: chosen by the party")
        return
    if case.status in (case_wf.S.REGISTERED, case_wf.S.ESCALATED):
        _case_move(actor, case, "accept", p)
    case.refresh_from_db()
    if p.channel in wf.FORMAL:
        _case_move(actor, case, "refer", p, note=f"{p.number}: {wf.CHANNEL_NAMES[p.channel][0]}")
    elif p.channel in wf.MEDIATION and case.assignee_id is None:
        if case.status in (case_wf.S.ACCEPTED, case_wf.S.REOPENED) and p.assignee is not None:
            case_transitions.case_transition(
                actor=actor,
                case=case,
                action="assign",
                assignee=p.assignee.username if p.assignee != actor else None,
                handoff={"proceeding": p.number, "channel": p.channel},
            )
    case.refresh_from_db()
    if p.channel in wf.MEDIATION and case.assignee_id is not None:
        _case_move(actor, case, "start", p)


def proceeding_open(*, actor: User, case: Case, data: OpenInput) -> Proceeding:
    """Open a proceeding on a case (parties copied from the case; clocks started)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        return _open(actor=actor, case=case, data=data, previous=None, caps=_case_caps(actor, case))


def proceeding_handoff(
    *, actor: User, source: Proceeding, data: OpenInput, note: str = ""
) -> Proceeding:
    """Move the dispute from `source` to the next channel, at the party's choice: the new
    proceeding is prefilled from the source (parties, claims, date the party knew) and a
    referral letter (or the judicial-confirmation application) is issued. An open mediation
    ends as 'failure' first (the party chose a formal channel, or the labour mediation ran
    out its 15 days)."""
    note = _text(note, "note")
    with transaction.atomic():
        source = (
            Proceeding.objects.select_for_update(of=("self",))
            .select_related("case")
            .get(pk=source.pk)
        )
        caps = capabilities(actor, source)
        targets = wf.handoff_targets(source.channel, source.status, source.outcome)
        if data.channel not in targets:
            raise Conflict(
                f"{source.number} ({source.channel}, {source.status}"
                f"{', ' + source.outcome if source.outcome else ''}) cannot be handed to "
                f"{data.channel!r}; possible: {', '.join(targets) or 'none'}",
                code="handoff_not_allowed",
            )
        if wf.HANDLER not in caps and not (wf.PARTY in caps and data.channel in wf.FORMAL):
            raise Forbidden("you may not hand this proceeding on")
        on_date = _date(data.applied_on, "applied_on", not_before=source.applied_on)
        if data.channel == wf.JUDICIAL_CONFIRMATION:
            clock = source.clocks.filter(rule__start_event="outcome:agreement").first()
            if clock is not None and clock.state != Clock.State.STOPPED and on_date > clock.due_on:
                raise ValidationFailed(
                    f"the 30-day period to apply for judicial confirmation ended on "
                    f"{clock.due_on}; the parties may sue on the agreement instead",
                    code="period_expired",
                )
        if source.status in wf.ACTIVE:
            why = note or (
                "no agreement within the statutory period"
                if _overdue_mediation(source, on_date)
                else "the party chose a formal channel"
            )
            _conclude(actor, source, wf.FAILURE, on_date, why, party_choice=True)
        procedure = data.procedure
        if data.channel == wf.PETITION and source.channel == wf.PETITION and not procedure:
            procedure = wf.PETITION_NEXT.get(source.procedure, "")
            if not procedure:
                raise Conflict("the petition has been re-reviewed; no further review exists")
        if not data.claims and source.channel in wf.MEDIATION and source.outcome == wf.AGREEMENT:
            claims = "Confirmation of the mediation agreement of " + source.number
        else:
            claims = data.claims
        target = _open(
            actor=actor,
            case=source.case,
            data=OpenInput(
                channel=data.channel,
                procedure=procedure,
                applied_on=on_date,
                knew_on=data.knew_on,
                handling_body=data.handling_body,
                handling_area=data.handling_area,
                claims=claims,
            ),
            previous=source,
            caps=caps | _case_caps(actor, source.case),
        )
        stopped = _stop_clocks(source, f"handoff:{data.channel}", on_date)
        agreement = Agreement.objects.filter(proceeding=source).first()
        confirm = source.clocks.filter(rule__start_event="outcome:agreement").first()
        _issue(
            "referral_letter",
            target,
            actor,
            {
                "source": source,
                **documents.channel_context(source.channel, "source_"),
                "agreement": agreement if data.channel == wf.JUDICIAL_CONFIRMATION else None,
                "confirm_due": confirm.due_on if confirm else None,
            },
        )
        _event(
            source,
            actor,
            "handoff",
            on_date,
            from_status=source.status,
            note=note,
            data={
                "to": target.number,
                "to_channel": target.channel,
                "stopped": [c.rule.code for c in stopped],
            },
        )
    return target


def _overdue_mediation(p: Proceeding, on_date: dt.date) -> bool:
    return p.clocks.filter(
        rule__duty="body", due_on__lt=on_date, state=Clock.State.RUNNING
    ).exists()


def labour_offers(p: Proceeding, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Labour mediation past day 15 without agreement: arbitration is offered (art. 14)."""
    today = today or _today()
    if p.channel != wf.LABOUR_MEDIATION or p.status not in wf.ACTIVE:
        return []
    c = p.clocks.filter(rule__code="labour_mediation.mediate").select_related("rule").first()
    if c is None or today <= c.due_on:
        return []
    return [
        {
            "channel": wf.LABOUR_ARBITRATION,
            "since": c.due_on + dt.timedelta(days=1),
            "basis_en": c.rule.basis_en,
            "basis_zh": c.rule.basis_zh,
        }
    ]


# --- the proceeding workflow -------------------------------------------------------------------


def proceeding_transition(
    *,
    actor: User,
    proceeding: Proceeding,
    action: str,
    on_date: dt.date | None = None,
    note: str = "",
    outcome: str = "",
    outcome_summary: str = "",
    approved_by: str = "",
    extension: int | None = None,
    rule: str = "",
) -> Proceeding:
    """One action of the proceeding table. Refusals raise Conflict (state), Forbidden (role)
    or ValidationFailed (guard); nothing is written then."""
    note = _text(note, "note")
    outcome_summary = _text(outcome_summary, "outcome_summary")
    approved_by = _text(approved_by, "approved_by", limit=200)
    with transaction.atomic():
        p = (
            Proceeding.objects.select_for_update(of=("self",))
            .select_related("case", "handling_area", "case__area", "case__handling_area")
            .get(pk=proceeding.pk)
        )
        running = list(p.clocks.select_related("rule").exclude(state=Clock.State.STOPPED))
        supervised = [c for c in running if c.rule.duty in ("body", "external")]
        target_clock = _pick_clock(supervised, rule, action)
        ext_max = target_clock.rule.extension_max if target_clock else 0
        facts = wf.Facts(
            channel=p.channel,
            status=p.status,
            note=note,
            outcome=outcome,
            approved_by=approved_by,
            extension=extension,
            extension_max=(
                None
                if ext_max is None
                else ext_max - (target_clock.extension if target_clock else 0)
            ),
            extendable=target_clock is not None and ext_max != 0,
            suspended=any(c.state == Clock.State.SUSPENDED for c in supervised),
            has_session=p.sessions.exists(),
            has_agreement_text=Agreement.objects.filter(proceeding=p).exists(),
        )
        try:
            t = wf.check(action, facts, capabilities(actor, p))
        except wf.TransitionRefused as exc:
            error = {"unknown": ValidationFailed, "state": Conflict, "role": Forbidden}.get(
                exc.kind, ValidationFailed
            )
            raise error(exc.message, code=f"transition_{exc.kind}") from exc
        day = _date(on_date, "on_date", not_before=p.applied_on)
        cal = BusinessCalendar.load()
        from_status = p.status
        data: dict[str, Any] = {}
        if action == "accept":
            p.status, p.accepted_on = wf.P.ACCEPTED, day
            _stop_clocks(p, "accepted", day)
            started = _start_clocks(p, "accepted", day, cal)
            data["deadlines"] = _clock_rows(started)
            p.save()
            _issue("acceptance_notice", p, actor)
        elif action in ("refuse", "withdraw"):
            p.status = t.target or p.status
            p.closed_on = day
            if action == "withdraw":
                p.outcome, p.outcome_on = wf.WITHDRAWAL, day
            stopped = _stop_clocks(p, "refused" if action == "refuse" else "withdrawn", day)
            data["stopped"] = [c.rule.code for c in stopped]
            p.save()
        elif action == "start":
            p.status = wf.P.IN_PROGRESS
            p.save()
        elif action == "conclude":
            _conclude(actor, p, outcome, day, note, summary=outcome_summary)
            return p
        elif action == "suspend":
            for c in supervised:
                c.state, c.suspended_since = Clock.State.SUSPENDED, day
                c.save(update_fields=["state", "suspended_since"])
            data["clocks"] = [c.rule.code for c in supervised]
        elif action == "resume":
            for c in supervised:
                if c.state != Clock.State.SUSPENDED or c.suspended_since is None:
                    continue
                c.suspended_days += clk.suspension_length(cal, c.rule.count, c.suspended_since, day)
                c.state, c.suspended_since = Clock.State.RUNNING, None
                _recompute(c, cal)
                c.save()
            data["deadlines"] = _clock_rows(supervised)
        elif action == "extend":
            assert target_clock is not None  # the guard checked it
            target_clock.extension += int(extension or 0)
            target_clock.extension_approved_by = approved_by
            _recompute(target_clock, cal)
            target_clock.save()
            data.update(
                rule=target_clock.rule.code,
                extension=extension,
                unit=target_clock.rule.unit,
                approved_by=approved_by,
                due_on=target_clock.due_on,
                basis=target_clock.rule.basis_en,
            )
        elif action == "restart":
            for c in supervised:
                c.started_on, c.suspended_days, c.extension = day, 0, 0
                c.suspended_since = None
                c.state = Clock.State.RUNNING
                c.restarts += 1
                _recompute(c, cal)
                c.save()
            data["deadlines"] = _clock_rows(supervised)
        _event(p, actor, action, day, from_status=from_status, note=note, data=data)
        if action == "withdraw":
            _case_after_withdrawal(actor, p)
    return p


def _pick_clock(clocks: list[Clock], code: str, action: str) -> Clock | None:
    if action != "extend":
        return None
    if code:
        found = [c for c in clocks if c.rule.code == code]
        if not found:
            raise ValidationFailed(f"no running clock {code!r} on this proceeding")
        return found[0]
    return next((c for c in clocks if c.rule.extension_max != 0), None)


def _conclude(
    actor: User,
    p: Proceeding,
    outcome: str,
    day: dt.date,
    note: str,
    *,
    summary: str = "",
    party_choice: bool = False,
) -> None:
    from_status = p.status
    p.status, p.outcome, p.outcome_on, p.closed_on = wf.P.CONCLUDED, outcome, day, day
    p.outcome_summary = summary
    if party_choice:
        p.data = {**p.data, "ended_by_party_choice": True}
    p.save()
    cal = BusinessCalendar.load()
    stopped = _stop_clocks(p, "concluded", day)
    started = _start_clocks(p, f"outcome:{outcome}", day, cal)
    if outcome == wf.AGREEMENT:
        Agreement.objects.filter(proceeding=p, effective_on__isnull=True).update(effective_on=day)
    _event(
        p,
        actor,
        "conclude",
        day,
        from_status=from_status,
        note=note,
        data={
            "outcome": outcome,  # the summary stays on the proceeding (encrypted)
            "stopped": [c.rule.code for c in stopped],
            # e.g. the deadline to sue after an award, or to apply for judicial confirmation
            "deadlines": _clock_rows(started),
        },
    )
    if outcome == wf.FAILURE and p.channel in wf.MEDIATION:
        _issue("rights_notice", p, actor, {"routes": rights_routes(p.case, day)})
    if outcome == wf.AGREEMENT and p.channel in wf.MEDIATION:
        agreement = Agreement.objects.filter(proceeding=p).first()
        _issue(
            "mediation_agreement",
            p,
            actor,
            {
                "agreement": _agreement_ctx(agreement),
                "confirm_due": started[0].due_on if started else None,
            },
        )
    # The case follows.
    case = p.case
    if outcome == wf.AGREEMENT and p.channel in wf.MEDIATION:
        _case_move(actor, case, "resolve", p, note=f"{p.number}: agreement")
    elif outcome == wf.FAILURE and p.channel in wf.MEDIATION and not party_choice:
        _case_move(actor, case, "record_attempt", p, note=f"{p.number}: no agreement")
    if outcome in wf.RESOLVING:
        _schedule_followup(actor, p, day)


def _case_after_withdrawal(actor: User, p: Proceeding) -> None:
    """A withdrawn proceeding does not end the case; it is recorded on the timeline only."""
    return None


def _agreement_ctx(agreement: Agreement | None) -> dict[str, Any] | None:
    if agreement is None:
        return None
    sigs = [
        {**s, "role_zh": documents.ROLE_ZH.get(s.get("role", ""), s.get("role", ""))}
        for s in agreement.signatures
    ]
    return {
        "text": agreement.text,
        "terms": agreement.terms,
        "signatures": sigs,
        "effective_on": agreement.effective_on,
    }


def _schedule_followup(actor: User, p: Proceeding, day: dt.date) -> FollowUp | None:
    if FollowUp.objects.filter(case=p.case, done_on__isnull=True).exists():
        return None
    due = day + dt.timedelta(days=followup_days())
    f = FollowUp.objects.create(case=p.case, proceeding=p, due_on=due, created_at=timezone.now())
    _event(p, actor, "followup_scheduled", day, from_status=p.status, data={"due_on": due})
    return f


# --- mediation work ---------------------------------------------------------------------------


def _mediation(actor: User, proceeding: Proceeding) -> Proceeding:
    p = (
        Proceeding.objects.select_for_update(of=("self",))
        .select_related("case", "handling_area")
        .get(pk=proceeding.pk)
    )
    if p.channel not in wf.MEDIATION:
        raise Conflict(f"{p.channel} is not a mediation channel", code="not_mediation")
    if wf.HANDLER not in capabilities(actor, p):
        raise Forbidden("you may not work on this proceeding")
    if p.status not in (wf.P.ACCEPTED, wf.P.IN_PROGRESS):
        raise Conflict(f"the proceeding is {p.status}; accept it first", code="transition_state")
    return p


def session_record(
    *,
    actor: User,
    proceeding: Proceeding,
    held_at: dt.datetime,
    place: str = "",
    online: bool = False,
    attendees: list[str] | None = None,
    record: str = "",
) -> MediationSession:
    record = _text(record, "record", required=True)
    place = _text(place, "place", limit=200)
    attendees = [_text(a, "attendee", required=True, limit=200) for a in (attendees or [])]
    if not attendees:
        raise ValidationFailed("list who attended", code="missing_attendees")
    if not online and not place:
        raise ValidationFailed("give the place, or mark the session as online")
    if held_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationFailed("held_at must not be in the future", code="future_date")
    with transaction.atomic():
        p = _mediation(actor, proceeding)
        if timezone.localdate(held_at) < p.applied_on:
            raise ValidationFailed("held_at is before the application", code="date_order")
        session = MediationSession.objects.create(
            proceeding=p,
            held_at=held_at,
            place=place,
            online=online,
            attendees=attendees,
            record=record,
            created_by=actor,
            created_at=timezone.now(),
        )
        from_status = p.status
        if p.status == wf.P.ACCEPTED:
            p.status = wf.P.IN_PROGRESS
            p.save(update_fields=["status", "updated_at"])
        _event(
            p,
            actor,
            "session",
            timezone.localdate(held_at),
            from_status=from_status,
            # The names stay in the session (encrypted); the timeline counts them.
            data={"place": place, "online": online, "attendees": len(attendees)},
        )
    return session


def agreement_record(
    *,
    actor: User,
    proceeding: Proceeding,
    text: str,
    terms: list[dict[str, Any]],
) -> Agreement:
    text = _text(text, "text", required=True)
    if not terms:
        raise ValidationFailed("an agreement needs at least one term", code="missing_terms")
    clean = []
    for t in terms:
        term = _text(str(t.get("text", "")), "term", required=True, limit=2000)
        due = t.get("due_on")
        if due is not None and not isinstance(due, dt.date):
            try:
                due = dt.date.fromisoformat(str(due))
            except ValueError as exc:
                raise ValidationFailed(f"bad due_on {due!r} (YYYY-MM-DD)") from exc
        clean.append({"text": term, "due_on": due.isoformat() if due else None})
    with transaction.atomic():
        p = _mediation(actor, proceeding)
        agreement, created = Agreement.objects.update_or_create(
            proceeding=p,
            defaults={"text": text, "terms": clean, "created_at": timezone.now()},
        )
        if not created and agreement.signatures:
            raise Conflict("the agreement has been signed; it can no longer be edited")
        _event(
            p,
            actor,
            "agreement_drafted" if created else "agreement_edited",
            _today(),
            from_status=p.status,
            data={"terms": len(clean), "due_on": [t["due_on"] for t in clean if t["due_on"]]},
        )
    return agreement


def agreement_sign(
    *, actor: User, proceeding: Proceeding, name: str, role: str, signed_on: dt.date | None = None
) -> Agreement:
    name = _text(name, "name", required=True, limit=200)
    roles = ("applicant", "respondent", "third_party", "mediator")
    if role not in roles:
        raise ValidationFailed(f"role must be one of {', '.join(roles)}")
    with transaction.atomic():
        p = _mediation(actor, proceeding)
        agreement = Agreement.objects.filter(proceeding=p).first()
        if agreement is None:
            raise Conflict("record the agreement text first", code="no_agreement")
        day = _date(signed_on, "signed_on", not_before=p.applied_on)
        # The names are encrypted: compare them in Python, not in SQL.
        if role != "mediator" and not any(x.name == name for x in p.parties.filter(role=role)):
            raise ValidationFailed(f"{name!r} is not a {role} of this proceeding")
        if any(s["name"] == name and s["role"] == role for s in agreement.signatures):
            raise Conflict(f"{name} has already signed")
        agreement.signatures = [
            *agreement.signatures,
            {"name": name, "role": role, "signed_on": day.isoformat()},
        ]
        agreement.save(update_fields=["signatures", "updated_at"])
        _event(p, actor, "signed", day, from_status=p.status, data={"role": role})
    return agreement


# --- documents added by staff ------------------------------------------------------------------


def document_add(
    *, actor: User, case: Case, kind: str, title: str, body: str, proceeding: Proceeding | None
) -> Document:
    if kind not in Document.Kind.values or kind in documents.TEMPLATED:
        raise ValidationFailed(
            f"kind must be one of {', '.join(k for k in Document.Kind.values if k not in documents.TEMPLATED)}"
        )
    title = _text(title, "title", required=True, limit=200)
    body = _text(body, "body", required=True, limit=50000)
    if wf.HANDLER not in _case_caps(actor, case):
        raise Forbidden("you may not add documents to this case")
    with transaction.atomic():
        doc = Document.objects.create(
            case=case,
            proceeding=proceeding,
            kind=kind,
            language="",
            title=title,
            body=body,
            created_by=actor,
            created_at=timezone.now(),
        )
        audit_record(
            actor=actor,
            role=primary_role(actor),
            action="document.add",
            object_type="case",
            object_id=case.reference,
            data={"kind": kind, "document": doc.pk},
        )
    return doc


# --- follow-up visits and archive -------------------------------------------------------------


def followup_record(
    *,
    actor: User,
    followup: FollowUp,
    performed: bool,
    satisfaction: int,
    remaining_risk: str = "none",
    note: str = "",
    route: str = "",
    done_on: dt.date | None = None,
) -> FollowUp:
    """Record the visit. Non-performance can reopen mediation, start judicial confirmation
    (within its 30 days) or refer to enforcement (`route`)."""
    note = _text(note, "note")
    if not 1 <= int(satisfaction) <= 5:
        raise ValidationFailed("satisfaction must be 1-5")
    if remaining_risk not in RISK_LEVELS:
        raise ValidationFailed(f"remaining_risk must be one of {', '.join(RISK_LEVELS)}")
    if route and route not in FOLLOWUP_ROUTES:
        raise ValidationFailed(f"route must be one of {', '.join(FOLLOWUP_ROUTES)}")
    if route and performed:
        raise ValidationFailed("a route is only for an agreement that was not performed")
    with transaction.atomic():
        f = (
            FollowUp.objects.select_for_update(of=("self",))
            .select_related("case", "proceeding")
            .get(pk=followup.pk)
        )
        if f.done_on is not None:
            raise Conflict("this follow-up visit is already recorded", code="followup_done")
        case = Case.objects.select_related("category").get(pk=f.case_id)
        if wf.HANDLER not in _case_caps(actor, case):
            raise Forbidden("you may not record this follow-up visit")
        day = _date(done_on, "done_on")
        f.done_on, f.performed, f.satisfaction = day, performed, int(satisfaction)
        f.remaining_risk, f.note, f.route = remaining_risk, note, route
        f.save()
        p = f.proceeding
        if p is not None:
            _event(
                p,
                actor,
                "followup",
                day,
                from_status=p.status,
                note=note,
                data={
                    "performed": performed,
                    "satisfaction": int(satisfaction),
                    "remaining_risk": remaining_risk,
                    "route": route,
                },
            )
        _case_move(
            actor,
            case,
            "follow_up",
            p or Proceeding(number="-", channel=""),
            note=note or "follow-up visit",
            satisfaction=int(satisfaction),
            agreement_performed=performed,
        )
        if route and p is not None:
            _route_nonperformance(actor, case, p, route, day)
    return f


def _route_nonperformance(actor: User, case: Case, p: Proceeding, route: str, day: dt.date):
    why = "the agreement was not performed"
    if route == "judicial_confirmation":
        return proceeding_handoff(
            actor=actor, source=p, data=OpenInput(channel=wf.JUDICIAL_CONFIRMATION, applied_on=day)
        )
    if route == "reopen_mediation":
        _case_move(actor, case, "reopen", p, note=why)
        case.refresh_from_db()
        return _open(
            actor=actor,
            case=case,
            data=OpenInput(channel=p.channel if p.channel in wf.MEDIATION else wf.PEOPLE_MEDIATION,
                           applied_on=day),
            previous=p,
            caps=_case_caps(actor, case) | capabilities(actor, p),
        )  # fmt: skip
    return _open(
        actor=actor,
        case=case,
        data=OpenInput(
            channel=wf.LITIGATION_REFERRAL,
            procedure="enforcement",
            applied_on=day,
            claims=f"Enforcement of {p.number} ({p.outcome}): {why}",
        ),
        previous=p,
        caps=_case_caps(actor, case) | capabilities(actor, p),
    )


def case_archive(*, actor: User, case: Case, note: str = "") -> Case:
    """Close (after the follow-up visit) and archive the case when the dossier is complete;
    issues the dossier cover. Only a coordinator may archive."""
    from accord.resolution.selectors import dossier_checklist

    note = _text(note, "note")
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",)).select_related("category").get(pk=case.pk)
        )
        caps = case_capabilities(actor, case)
        if case_wf.COORDINATOR not in caps:
            raise Forbidden("only a coordinator may archive a case")
        if case.status not in (case_wf.S.FOLLOW_UP, case_wf.S.CLOSED):
            raise Conflict(
                f"the case is {case.status}; record the follow-up visit first",
                code="transition_state",
            )
        active = list(
            case.proceedings.filter(status__in=wf.ACTIVE).values_list("number", flat=True)
        )
        if active:
            raise Conflict(f"proceedings still open: {', '.join(active)}", code="proceedings_open")
        missing = [i for i in dossier_checklist(case) if i["required"] and not i["present"]]
        if missing:
            raise ValidationFailed(
                "the dossier is incomplete: " + ", ".join(i["en"] for i in missing),
                code="dossier_incomplete",
            )
        if case.status == case_wf.S.FOLLOW_UP:
            case_transitions.case_transition(actor=actor, case=case, action="close", note=note)
        case = case_transitions.case_transition(actor=actor, case=case, action="archive", note=note)
        last = case.proceedings.order_by("-created_at", "-id").first()
        ctx = _dossier_ctx(case)
        if last is not None:
            _issue("dossier_cover", last, actor, ctx)
    return case


def _dossier_ctx(case: Case) -> dict[str, Any]:
    from accord.resolution.selectors import dossier_checklist

    rows = []
    for x in case.proceedings.order_by("created_at", "id"):
        rows.append(
            {
                "number": x.number,
                "channel_en": wf.CHANNEL_NAMES[x.channel][0],
                "channel_zh": wf.CHANNEL_NAMES[x.channel][1],
                "status": x.status,
                "status_zh": wf.STATE_NAMES[x.status][1],
                "outcome": x.outcome,
                "outcome_zh": wf.OUTCOME_NAMES[x.outcome][1] if x.outcome else "",
                "outcome_on": x.outcome_on,
            }
        )
    return {"case": case, "proceedings": rows, "checklist": dossier_checklist(case)}


# --- supervision ----------------------------------------------------------------------------


def supervision_order_issue(
    *, actor: User, proceeding: Proceeding, text: str, reply_due: dt.date
) -> SupervisionOrder:
    """督办: staff of a higher tier than the handling unit order it to act by a date."""
    text = _text(text, "text", required=True)
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
        _issue("supervision_order", p, actor, {"order": order})
        _event(
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
    reply = _text(reply, "reply", required=True)
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
        _event(
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


# --- the statute table as data --------------------------------------------------------------

STATUTE_FIELDS = (
    "channel", "procedure", "step", "amount", "unit", "count", "extension_max", "start_event",
    "stop_events", "duty", "kind", "roll_forward", "basis_en", "basis_zh", "description_en",
    "description_zh", "active",
)  # fmt: skip


def statute_rules_load(*, actor: User | None, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Create or update statute rules by code (a change of the law as data). All rows are
    validated first; nothing is written if one is wrong. Returns (created, updated)."""
    clean = []
    for i, row in enumerate(rows):
        where = f"row {i + 1} ({row.get('code', '?')})"
        code = str(row.get("code", ""))
        channel = code.split(".")[0]
        if channel not in wf.CHANNELS or "." not in code:
            raise ValidationFailed(f"{where}: code must be '<channel>.<step>' of a known channel")
        values = {k: row[k] for k in STATUTE_FIELDS if k in row}
        values.setdefault("channel", channel)
        if values["channel"] != channel:
            raise ValidationFailed(f"{where}: channel does not match the code")
        if values.get("unit", "day") not in ("day", "month", "year"):
            raise ValidationFailed(f"{where}: unit must be day, month or year")
        if values.get("count", "calendar") not in ("calendar", "working"):
            raise ValidationFailed(f"{where}: count must be calendar or working")
        if values.get("duty", "body") not in ("body", "party", "external"):
            raise ValidationFailed(f"{where}: duty must be body, party or external")
        if values.get("kind", "period") not in ("period", "limitation"):
            raise ValidationFailed(f"{where}: kind must be period or limitation")
        amount = values.get("amount", 1)
        if not isinstance(amount, int) or amount <= 0:
            raise ValidationFailed(f"{where}: amount must be a positive whole number")
        exists = StatuteRule.objects.filter(code=code).exists()
        if not exists and not all(k in values for k in ("step", "amount", "unit", "start_event")):
            raise ValidationFailed(f"{where}: a new rule needs step, amount, unit, start_event")
        if not exists and not (values.get("basis_en") and values.get("basis_zh")):
            raise ValidationFailed(f"{where}: a new rule needs its legal basis in both languages")
        clean.append((code, values))
    created = updated = 0
    with transaction.atomic():
        for code, values in clean:
            _, was_created = StatuteRule.objects.update_or_create(code=code, defaults=values)
            created += was_created
            updated += not was_created
        audit_record(
            actor=actor,
            action="statute.load",
            object_type="statute_table",
            data={"codes": [c for c, _ in clean], "created": created, "updated": updated},
        )
    return created, updated


def proceeding_assign(*, actor: User, proceeding: Proceeding, username: str | None) -> Proceeding:
    """Give the proceeding to a staff member (self when `username` is empty); assigning
    someone else needs an approver (coordinator / supervisor)."""
    with transaction.atomic():
        p = (
            Proceeding.objects.select_for_update(of=("self",))
            .select_related("case", "handling_area", "case__area", "case__handling_area")
            .get(pk=proceeding.pk)
        )
        caps = capabilities(actor, p)
        if wf.HANDLER not in caps:
            raise Forbidden("you may not take this proceeding")
        if p.status not in wf.ACTIVE:
            raise Conflict(f"the proceeding is {p.status}", code="transition_state")
        target = actor
        if username and username != actor.username:
            if wf.APPROVER not in caps:
                raise Forbidden("only a coordinator may assign a proceeding to someone else")
            found = User.objects.filter(username=username, is_active=True).first()
            if found is None or wf.HANDLER not in capabilities(found, p):
                raise NotFound(
                    f"no staff member {username!r} who can handle this proceeding",
                    code="unknown_assignee",
                )
            target = found
        p.assignee = target
        p.save(update_fields=["assignee", "updated_at"])
        _event(
            p, actor, "assign", _today(), from_status=p.status, data={"assignee": target.username}
        )
    return p


def dossier_export_audit(*, actor: User, case: Case, fmt: str) -> None:
    """The dossier holds personal data: every export is audited."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            role=primary_role(actor),
            action="dossier.export",
            object_type="case",
            object_id=case.reference,
            data={"format": fmt},
        )


# ----------------------------------------------------------------------------- retention


def anonymise_for_cases(case_ids: list[int]) -> None:
    """Remove the personal data the resolution part holds about these cases (run by
    `accord purge` inside the case anonymisation transaction): claims and outcomes, party
    names, event notes, session records and attendees, agreement text, terms and signatures,
    document titles and bodies, supervision orders and replies, follow-up notes. Channels,
    dates, clocks and outcomes' kinds stay, so metrics and supervision history stay whole."""
    procs = Proceeding.objects.filter(case_id__in=case_ids)
    ProceedingParty.objects.filter(proceeding__in=procs).update(name="")
    ProceedingEvent.objects.filter(proceeding__in=procs).update(note="")
    MediationSession.objects.filter(proceeding__in=procs).update(record="", attendees="")
    Agreement.objects.filter(proceeding__in=procs).update(text="", terms="", signatures="")
    SupervisionOrder.objects.filter(proceeding__in=procs).update(text="", reply="")
    Document.objects.filter(case_id__in=case_ids).update(title="", body="")
    FollowUp.objects.filter(case_id__in=case_ids).update(note="")
    procs.update(claims="", outcome_summary="")
