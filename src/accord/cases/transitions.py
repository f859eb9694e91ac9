"""Moving a case through its workflow: `case_transition` (a person's action), the system's
escalations (`case_escalate_overdue`, `case_system_escalate`). Each in one transaction with its
audit event. `case_transition` is the only way a person changes a case's status: it asks
`workflow.CASE` whether the action may happen, applies the action's effect (`_EFFECTS`, one
small function per action that does more than change the status), and calls the
`cases.hooks.CASE_CHANGED` hook inside the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from accord.accounts.models import CASE_STAFF_ROLES, User
from accord.accounts.permissions import has_role_over, primary_role
from accord.cases import routing, workflow
from accord.cases.access import case_capabilities
from accord.cases.filing import MAX_DESCRIPTION, handling_area_for, routing_input, set_deadline
from accord.cases.hooks import CASE_CHANGED, CASE_RESOLVING
from accord.cases.models import Case, CaseEvent
from accord.core.audit import audit_record
from accord.core.errors import Forbidden, NotFound, ValidationFailed
from accord.core.statemachine import check_or_raise


def case_transition(
    *,
    actor: User,
    case: Case,
    action: str,
    note: str = "",
    assignee: str | None = None,
    satisfaction: int | None = None,
    agreement_performed: bool | None = None,
    handoff: dict[str, Any] | None = None,
    party_proven: bool = False,
    conclude_open: bool = False,
) -> Case:
    """Apply one workflow action. Refusals raise Conflict (state), Forbidden (role),
    ValidationFailed (guard) or NotFound (unknown assignee); nothing is written then.

    `handoff` (used by accord.resolution only): the case follows a proceeding's hand-off; the
    caller has already checked the actor's rights on the proceeding, so the role rule is
    skipped (states and guards still apply) and `handoff` is recorded with the event.

    `conclude_open` (resolve only): other parts conclude what they hold open on the case
    (resolution: its open proceedings) instead of refusing the resolution (`CASE_RESOLVING`).

    `party_proven` means the caller showed the case's tracking secret (see
    `cases.resident`): the actor, possibly anonymous, acts as the applicant."""
    if len(note) > MAX_DESCRIPTION:
        raise ValidationFailed(f"note is longer than {MAX_DESCRIPTION} characters")
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("category", "area", "handling_area")
            .get(pk=case.pk)
        )
        caps = case_capabilities(actor, case)
        if handoff is not None:
            caps |= {workflow.STAFF, workflow.COORDINATOR, workflow.ASSIGNEE}
        if party_proven:
            caps = caps | {workflow.APPLICANT}
        facts = workflow.CaseFacts(
            status=case.status,
            tier=case.tier,
            top_tier=routing.TIERS[-1],
            note=note,
            satisfaction=satisfaction,
            agreement_performed=agreement_performed,
            assignee_given=assignee is not None,
            has_assignee=case.assignee_id is not None,
        )
        transition = check_or_raise(workflow.CASE, action, facts, caps)
        if action == "resolve" and handoff is None:
            # Resolution refuses (409 open_proceedings) or concludes them (conclude_open).
            CASE_RESOLVING.call(case, conclude_open, actor)
        now = timezone.now()
        from_status = case.status
        data: dict[str, Any] = dict(handoff or {})
        role = primary_role(actor) or ("applicant" if party_proven else "")
        case.status = transition.target  # an effect may move it further (a failed attempt)
        effect = workflow.CASE.effect_for(action, _EFFECTS)
        if effect is not None:
            effect(
                _Step(
                    actor=actor,
                    case=case,
                    caps=caps,
                    data=data,
                    assignee=assignee,
                    satisfaction=satisfaction,
                    agreement_performed=agreement_performed,
                )
            )
        if case.status in workflow.FINISHED and case.closed_at is None:
            case.closed_at = now
        if case.status != from_status:
            case.status_changed_at = now
            set_deadline(case)
        case.save()
        CaseEvent.objects.create(
            case=case,
            created_at=now,
            actor=actor,
            actor_role=role,
            action=action,
            from_status=from_status,
            to_status=case.status,
            note=note,
            data=data,
        )
        CASE_CHANGED.call(case)  # early warning: the escalation-risk score (same transaction)
        audit_record(
            actor=actor,
            role=role,
            action=f"case.{action}",
            object_type="case",
            object_id=case.reference,
            data={"from": from_status, "to": case.status, **data},
        )
    return case


@dataclass
class _Step:
    """What an action's effect reads (the locked case, the actor's capabilities, the request)
    and `data`, the event's record that it adds to."""

    actor: User
    case: Case
    caps: set[str]
    data: dict[str, Any]
    assignee: str | None
    satisfaction: int | None
    agreement_performed: bool | None


def _assign(step: _Step) -> None:
    target = _resolve_assignee(step.actor, step.case, step.assignee, step.caps)
    step.case.assignee = target
    step.data["assignee"] = target.username


def _escalate_by_request(step: _Step) -> None:
    by_party = workflow.APPLICANT in step.caps and workflow.STAFF not in step.caps
    _escalate(step.case, party=by_party, staff=not by_party, data=step.data)
    step.data["requested_by"] = "party" if by_party else "staff"


def _record_attempt(step: _Step) -> None:
    case, data = step.case, step.data
    case.failed_attempts_at_tier += 1
    case.failed_attempts_total += 1
    data["failed_attempts_at_tier"] = case.failed_attempts_at_tier
    decision = routing.route(
        routing_input(
            case,
            current_tier=case.tier,
            failed_attempts_at_tier=case.failed_attempts_at_tier,
        ),
        routing.policy_from_settings(),
    )
    if decision.tier != case.tier:
        _apply_tier(case, decision, data)
        case.status = workflow.S.ESCALATED
    elif decision.guide_to_formal_channels:
        case.routing = case.routing + decision.reasons_as_dicts()
        data["guide_to_formal_channels"] = True


def _follow_up(step: _Step) -> None:
    step.case.satisfaction = step.satisfaction
    step.case.agreement_performed = step.agreement_performed
    step.data.update(satisfaction=step.satisfaction, agreement_performed=step.agreement_performed)


def _reopen(step: _Step) -> None:
    step.case.closed_at = None


# What an action does beyond moving the case to its target status.
_EFFECTS: dict[str, Callable[[_Step], None]] = {
    "assign": _assign,
    "escalate": _escalate_by_request,
    "record_attempt": _record_attempt,
    "follow_up": _follow_up,
    "reopen": _reopen,
}


def _apply_tier(case: Case, decision: routing.RoutingDecision, data: dict[str, Any]) -> None:
    data["tier"] = {"from": case.tier, "to": decision.tier}
    case.tier = decision.tier
    case.handling_area = handling_area_for(case.area, decision.tier)
    new = [r for r in decision.reasons_as_dicts() if r["rule"] != "category_default"]
    case.routing = case.routing + new
    case.police_liaison = case.police_liaison or decision.police_liaison
    case.failed_attempts_at_tier = 0
    case.assignee = None


def _escalate(case: Case, *, party: bool, staff: bool, data: dict[str, Any]) -> None:
    decision = routing.route(
        routing_input(case, current_tier=case.tier, party_requested=party, staff_requested=staff),
        routing.policy_from_settings(),
    )
    _apply_tier(case, decision, data)


def _resolve_assignee(actor: User, case: Case, username: str | None, caps: set[str]) -> User:
    if not username or username == actor.username:
        if workflow.STAFF not in caps:
            raise Forbidden("you may not take this case")
        return actor
    if workflow.COORDINATOR not in caps:
        raise Forbidden("only a coordinator may assign a case to someone else")
    target = User.objects.filter(username=username, is_active=True).first()
    if target is None or not (
        has_role_over(target, case.handling_area, CASE_STAFF_ROLES)
        or has_role_over(target, case.area, CASE_STAFF_ROLES)
    ):
        raise NotFound(
            f"no staff member {username!r} who can handle this case", code="unknown_assignee"
        )
    return target


def case_escalate_overdue(*, today: dt.date | None = None, dry_run: bool = False) -> list[str]:
    """Move every overdue case in a working state up one tier (system action, audited per
    case; DESIGN §5 "deadline overrun"). Cases already at the top tier stay where they are.
    Returns the references."""
    today = today or timezone.localdate()
    candidates = (
        Case.objects.filter(status__in=workflow.WORKING, deadline__lt=today, clock_suspended=False)
        .exclude(tier=routing.TIERS[-1])
        .select_related("category", "area")
        .order_by("deadline", "pk")
    )
    done: list[str] = []
    for case in candidates.iterator(chunk_size=500):
        if dry_run:
            done.append(case.reference)
            continue
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(of=("self",))
                .select_related("category", "area")
                .get(pk=case.pk)
            )
            if case.deadline is None or case.deadline >= today or case.clock_suspended:
                continue  # changed since we looked
            decision = routing.route(
                routing_input(case, current_tier=case.tier, overdue=True),
                routing.policy_from_settings(),
            )
            if decision.tier == case.tier:
                continue
            data: dict[str, Any] = {"requested_by": "system", "overdue_since": str(case.deadline)}
            case_system_escalate(case, decision, data, now=timezone.now(), note="deadline overrun")
        done.append(case.reference)
    return done


# What `_apply_tier`, a status change and `set_deadline` set on a case.
_ESCALATED_FIELDS = (
    "tier", "handling_area", "routing", "police_liaison", "failed_attempts_at_tier", "assignee",
    "status", "status_changed_at", "deadline", "deadline_warning", "updated_at",
)  # fmt: skip


def case_system_escalate(
    case: Case,
    decision: routing.RoutingDecision,
    data: dict[str, Any],
    *,
    now: dt.datetime,
    note: str,
    keep_status: bool = False,
) -> None:
    """Move a case up to `decision`'s tier on a system rule (deadline overrun, collective
    dispute forming): new handling unit and deadline, status `escalated` (unless
    `keep_status`), an "escalate" event and an audit record. The caller holds the row lock."""
    from_status = case.status
    _apply_tier(case, decision, data)
    if not keep_status:
        case.status = workflow.S.ESCALATED
    case.status_changed_at = now
    set_deadline(case)
    # Only what the escalation changed: the UPDATE runs inside the early-warning batch's write
    # transaction, where a full save also re-sealed the description of every raised case.
    case.save(update_fields=_ESCALATED_FIELDS)
    CaseEvent.objects.create(
        case=case,
        created_at=now,
        action="escalate",
        from_status=from_status,
        to_status=case.status,
        note=note,
        data=data,
    )
    audit_record(
        actor=None,
        action="case.escalate",
        object_type="case",
        object_id=case.reference,
        data={"from": from_status, "to": case.status, **data},
    )
