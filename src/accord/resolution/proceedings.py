"""Opening proceedings and handing a dispute on: `proceeding_open` (parties copied from the
case, clocks started, the case taken in), `proceeding_handoff` (the next channel at the party's
choice, carrying parties, claims and history), the routes after an agreement was not performed,
and `proceeding_assign`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.cases import transitions as case_transitions
from accord.cases import workflow as case_wf
from accord.cases.models import Case
from accord.core.calendar import BusinessCalendar
from accord.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from accord.core.models import Area, Level
from accord.resolution import deadlines, documents, outcomes, timeline
from accord.resolution import workflow as wf
from accord.resolution.access import capabilities, case_capabilities
from accord.resolution.inputs import clean_date, clean_text
from accord.resolution.inputs import today as _today
from accord.resolution.models import Agreement, Clock, Proceeding, ProceedingParty

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
    applied_on = clean_date(data.applied_on, "applied_on")
    knew_on = data.knew_on
    if knew_on is not None and knew_on > applied_on:
        raise ValidationFailed("knew_on must not be after applied_on", code="date_order")
    if Proceeding.objects.filter(case=case, channel=data.channel, status__in=wf.ACTIVE).exists():
        raise Conflict(
            f"the case already has an active {data.channel} proceeding", code="active_proceeding"
        )
    area = _handling_area(case, data.channel, data.handling_area)
    body_en, body_zh = BODY_NAMES[data.channel]
    body = clean_text(data.handling_body, "handling_body", limit=200) or f"{area.name_zh} {body_zh}"
    claims = clean_text(data.claims, "claims") or (
        previous.claims if previous else case.description
    )
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
        p.data["limitation"] = timeline.jsonable(
            deadlines.limitation_warnings(channels=reach, knew_on=p.knew_on, today=applied_on)
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
    started = deadlines.start(p, "applied", applied_on, cal)
    timeline.record(
        p,
        actor,
        "open",
        applied_on,
        note=f"{wf.CHANNEL_NAMES[p.channel][0]} · {body}",
        data={
            "procedure": procedure,
            "handling_area": area.code,
            "previous": previous.number if previous else None,
            "deadlines": deadlines.rows(started),
            "limitation": p.data.get("limitation"),
        },
    )
    _case_follows_open(actor, case, p, staff=wf.HANDLER in caps)
    return p


def _case_follows_open(actor: User, case: Case, p: Proceeding, *, staff: bool) -> None:
    """Staff opening a proceeding take the case in (accept, assign, start) as needed; a
    formal channel refers it (also when the party chose it)."""
    case.refresh_from_db()
    if not staff:
        if p.channel in wf.FORMAL:
            timeline.case_follows(actor, case, "refer", p, note=f"{p.number}: chosen by the party")
        return
    if case.status in (case_wf.S.REGISTERED, case_wf.S.ESCALATED):
        timeline.case_follows(actor, case, "accept", p)
    case.refresh_from_db()
    if p.channel in wf.FORMAL:
        timeline.case_follows(
            actor, case, "refer", p, note=f"{p.number}: {wf.CHANNEL_NAMES[p.channel][0]}"
        )
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
        timeline.case_follows(actor, case, "start", p)


def proceeding_open(*, actor: User, case: Case, data: OpenInput) -> Proceeding:
    """Open a proceeding on a case (parties copied from the case; clocks started)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        return _open(
            actor=actor, case=case, data=data, previous=None, caps=case_capabilities(actor, case)
        )


def proceeding_handoff(
    *, actor: User, source: Proceeding, data: OpenInput, note: str = ""
) -> Proceeding:
    """Move the dispute from `source` to the next channel, at the party's choice: the new
    proceeding is prefilled from the source (parties, claims, date the party knew) and a
    referral letter (or the judicial-confirmation application) is issued. An open mediation
    ends as 'failure' first (the party chose a formal channel, or the labour mediation ran
    out its 15 days)."""
    note = clean_text(note, "note")
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
        on_date = clean_date(data.applied_on, "applied_on", not_before=source.applied_on)
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
                if deadlines.overdue_mediation(source, on_date)
                else "the party chose a formal channel"
            )
            outcomes.conclude(actor, source, wf.FAILURE, on_date, why, party_choice=True)
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
            caps=caps | case_capabilities(actor, source.case),
        )
        stopped = deadlines.stop(source, f"handoff:{data.channel}", on_date)
        agreement = Agreement.objects.filter(proceeding=source).first()
        confirm = source.clocks.filter(rule__start_event="outcome:agreement").first()
        documents.issue(
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
        timeline.record(
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


def nonperformance_route(actor: User, case: Case, p: Proceeding, route: str, day: dt.date):
    why = "the agreement was not performed"
    if route == "judicial_confirmation":
        return proceeding_handoff(
            actor=actor, source=p, data=OpenInput(channel=wf.JUDICIAL_CONFIRMATION, applied_on=day)
        )
    if route == "reopen_mediation":
        timeline.case_follows(actor, case, "reopen", p, note=why)
        case.refresh_from_db()
        return _open(
            actor=actor,
            case=case,
            data=OpenInput(channel=p.channel if p.channel in wf.MEDIATION else wf.PEOPLE_MEDIATION,
                           applied_on=day),
            previous=p,
            caps=case_capabilities(actor, case) | capabilities(actor, p),
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
        caps=case_capabilities(actor, case) | capabilities(actor, p),
    )


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
        timeline.record(
            p, actor, "assign", _today(), from_status=p.status, data={"assignee": target.username}
        )
    return p
