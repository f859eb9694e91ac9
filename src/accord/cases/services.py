"""Writes on cases. Each runs in one transaction and audits in it.

`case_transition` is the only way a case's status changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from accord.accounts.models import CASE_STAFF_ROLES, COORDINATOR_ROLES, User
from accord.accounts.permissions import has_role_over, primary_role, roles_of
from accord.cases import routing, workflow
from accord.cases.clock import state_deadline, warning_date
from accord.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseSearchToken,
    Category,
    Channel,
    Counter,
    Party,
)
from accord.core.audit import audit_record, audit_records, current_source
from accord.core.calendar import BusinessCalendar
from accord.core.crypto import search_tokens
from accord.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from accord.core.groupcommit import GroupCommit
from accord.core.models import Area
from accord.core.prepared import PreparedRows, Select, insert, pipelined
from accord.earlywarning import hooks as ew_hooks

MAX_DESCRIPTION = 5000
MAX_PARTIES = 50


@dataclass(frozen=True)
class PartyInput:
    role: str
    kind: str
    name: str
    contact: str = ""
    id_number: str = ""


@dataclass(frozen=True)
class CaseInput:
    category: str
    area: str
    description: str
    parties: tuple[PartyInput, ...] = ()
    people_count: int = 1
    amount: Decimal | None = None
    channel: str | None = None
    risk_of_violence: bool = False
    vulnerable_party: bool = False


_ORG_SUFFIXES = (
    "有限责任公司", "股份有限公司", "有限公司", "集团", "公司", "co., ltd.", "co. ltd", "co ltd",
    "company limited", "limited", "ltd", "inc", "llc", "corporation", "corp", "company", "co",
)  # fmt: skip


def normalise_org_name(name: str) -> str:
    """Fold case, width and punctuation and strip legal-form suffixes, so that
    "Hengda Construction Co., Ltd." and "HENGDA CONSTRUCTION" compare equal."""
    s = unicodedata.normalize("NFKC", name).lower().strip()
    changed = True
    while changed:
        changed = False
        for suffix in _ORG_SUFFIXES:
            if s.endswith(suffix) and len(s) > len(suffix):
                s = s[: -len(suffix)].rstrip(" ,.")
                changed = True
    return re.sub(r"[\W_]+", "", s)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


DESCRIPTION_INDEX = "case.description"


def description_tokens(case: Case) -> list[str]:
    """The keyword blind index of the case's description (keyed HMAC per word), sorted."""
    return sorted(search_tokens(DESCRIPTION_INDEX, case.description or ""))


def next_references(year: int, n: int) -> list[str]:
    """The year's next `n` case references. One `UPDATE … RETURNING` (SQLite ≥ 3.35,
    PostgreSQL) takes the row lock and the new value together; the year's first case creates
    the row."""
    name = f"case-{year}"
    sql = "UPDATE cases_counter SET value = value + %s WHERE name = %s RETURNING value"
    with connection.cursor() as cur:
        cur.execute(sql, [n, name])
        row = cur.fetchone()
        if row is None:
            Counter.objects.get_or_create(name=name)
            cur.execute(sql, [n, name])
            row = cur.fetchone()
    return [f"AC-{year}-{v:07d}" for v in range(row[0] - n + 1, row[0] + 1)]


def handling_area_for(area: Area, tier: str) -> Area:
    """The unit at `tier` above `area`, or `area` itself when it lies above that tier."""
    return area.ancestor_at(tier) or area


def _routing_input(case: Case, **extra: Any) -> routing.RoutingInput:
    return routing.RoutingInput.for_category(
        case.category,
        people_count=case.people_count,
        amount=case.amount,
        risk_of_violence=case.risk_of_violence,
        **extra,
    )


def _set_deadline(case: Case, calendar: BusinessCalendar | None = None) -> None:
    calendar = calendar or BusinessCalendar.load()
    entered = timezone.localdate(case.status_changed_at)
    case.deadline = state_deadline(calendar, case.category.deadlines, case.status, entered)
    case.deadline_warning = warning_date(entered, case.deadline)


_ACTIVE_CATEGORY = Select(Category, "code = %s AND active = %s")
_AREA = Select(Area, "code = %s")


def case_create(*, actor: User | None, data: CaseInput) -> tuple[Case, str]:
    """Take in a case: validate, route, save with its parties and first event.
    Returns the case and its tracking secret (shown once, stored hashed)."""
    category = _ACTIVE_CATEGORY.one([data.category, True])
    if category is None:
        raise ValidationFailed(f"unknown category {data.category!r}", code="unknown_category")
    area = _AREA.one([data.area])
    if area is None:
        raise ValidationFailed(f"unknown area {data.area!r}", code="unknown_area")
    description = data.description.strip()
    if not description:
        raise ValidationFailed("description must not be empty", code="missing_description")
    if len(description) > MAX_DESCRIPTION:
        raise ValidationFailed(f"description is longer than {MAX_DESCRIPTION} characters")
    if not 1 <= data.people_count <= 100000:
        raise ValidationFailed("people_count must be between 1 and 100000")
    if data.amount is not None and data.amount < 0:
        raise ValidationFailed("amount must not be negative")
    if len(data.parties) > MAX_PARTIES:
        raise ValidationFailed(f"at most {MAX_PARTIES} parties")
    for p in data.parties:
        if p.role not in Party.Role.values:
            raise ValidationFailed(f"unknown party role {p.role!r}")
        if p.kind not in Party.Kind.values:
            raise ValidationFailed(f"unknown party kind {p.kind!r}")
        if not p.name.strip():
            raise ValidationFailed("every party needs a name")
    is_staff = actor is not None and has_role_over(actor, area, CASE_STAFF_ROLES)
    if data.channel is not None and data.channel not in Channel.values:
        raise ValidationFailed(f"unknown channel {data.channel!r}")
    if is_staff:
        channel = data.channel or Channel.WALK_IN
    else:
        # Residents and anonymous filers cannot claim another intake channel.
        channel = data.channel if data.channel in (Channel.WEB, Channel.API) else Channel.WEB
    anonymous = actor is None or not actor.is_authenticated
    if anonymous and not category.allow_anonymous:
        raise Forbidden(
            "this category cannot be filed anonymously; please sign in", code="login_required"
        )

    now = timezone.now()
    secret = secrets.token_urlsafe(12)
    # Everything that only reads or computes happens before the transaction: on SQLite the
    # transaction holds the one write lock, so it should only write.
    case = Case(
        category=category,
        area=area,
        description=description,
        people_count=data.people_count,
        amount=data.amount,
        channel=channel,
        risk_of_violence=data.risk_of_violence,
        vulnerable_party=data.vulnerable_party,
        status=workflow.S.REGISTERED,
        filed_by=None if anonymous else actor,
        tracking_secret_hash=hash_secret(secret),
        status_changed_at=now,
        created_at=now,
    )
    case.category = category
    decision = routing.route(_routing_input(case), routing.policy_from_settings())
    case.tier = decision.tier
    case.handling_area = handling_area_for(area, decision.tier)
    case.routing = decision.reasons_as_dicts()
    case.police_liaison = decision.police_liaison
    _set_deadline(case)
    parties = [
        Party(
            case=case,
            role=p.role,
            kind=p.kind,
            name=p.name.strip(),
            contact=p.contact.strip(),
            id_number=p.id_number.strip(),
            normalised_name=normalise_org_name(p.name) if p.kind == "organisation" else "",
        )
        for p in data.parties
    ]
    # Keyword rows are a case id and an HMAC each: prepared as plain values.
    tokens = PreparedRows.of_values(
        CaseSearchToken,
        [{"token": t} for t in description_tokens(case)],
        parent="case",
    )
    role = primary_role(actor) if not anonymous else ""
    # A placeholder, unique to the row, until the write takes the year's counter.
    case.reference = f"~{case.row_key.hex[:23]}"
    event = CaseEvent(
        case=case,
        created_at=now,
        actor=None if anonymous else actor,
        actor_role=role,
        action="register",
        to_status=case.status,
        data={"tier": case.tier, "channel": channel, "routing": case.routing},
    )
    # The rows, with their encrypted fields sealed and blind indexes computed, are prepared
    # before the transaction: on SQLite it holds the one write lock, so it should only send
    # them (see core.prepared). The audit event's address is the request's.
    FILINGS.submit(
        _Filing(
            case=case,
            rows=(
                PreparedRows([case]),
                PreparedRows(parties, parent="case"),
                tokens,
                PreparedRows([event], parent="case"),
            ),
            audit={
                "actor": actor,
                "role": role,
                "action": "case.create",
                "object_type": "case",
                "data": {"category": category.code, "area": area.code, "tier": case.tier},
                "source": current_source.get(),
            },
        )
    )
    # The parties as filed are the stored rows: `case.parties.all()` need not read them back.
    filed = case.parties.all()
    filed._result_cache, filed._prefetch_done = parties, True
    case._prefetched_objects_cache = {"parties": filed}
    return case, secret


@dataclass
class _Filing:
    case: Case
    rows: tuple[PreparedRows, ...]  # the case, its parties, keyword tokens, first event
    audit: dict[str, Any]


def _write_filings(filings: list[_Filing]) -> None:
    """Write filings in the current transaction (one, or a group commit's several): a few
    multi-row statements whatever their number, pipelined on PostgreSQL (`pipelined`).

    When early warning only queues the cases (deferred), its one statement joins the pipeline
    before the reference counter's row lock is taken, and the audit events follow in it.
    Inline, early warning uses the ORM, which needs each statement's answer at once (a
    `save()` reads the row count of its UPDATE): it and the audit run after the pipeline."""
    cases = [f.case for f in filings]
    queue_only = ew_hooks.queues_only()
    with pipelined():
        _insert_cases(filings)
        if queue_only:
            ew_hooks.on_cases_created(cases)
        _assign_references(filings)
        if queue_only:
            _audit_filings(filings)
    if not queue_only:
        ew_hooks.on_cases_created(cases)  # indicators, group check, risk
        _audit_filings(filings)


def _audit_filings(filings: list[_Filing]) -> None:
    audit_records([{**f.audit, "object_id": f.case.reference} for f in filings])


def _insert_cases(filings: list[_Filing]) -> None:
    """The cases (with placeholder references) and their child rows."""
    back = insert([f.rows[0] for f in filings], returning=("id", "reference"))
    ids = {placeholder: pk for pk, placeholder in back}
    for f in filings:
        f.case.pk = ids[f.case.reference]
    case_ids = [f.case.pk for f in filings]
    for k in range(1, len(filings[0].rows)):
        insert([f.rows[k] for f in filings], parent_ids=case_ids)


def _assign_references(filings: list[_Filing]) -> None:
    """The year's reference counter is a row lock that every filing takes: it is taken last,
    so that on PostgreSQL filings overlap until then. Until that moment the rows hold
    placeholders no other transaction can see."""
    years: dict[int, list[_Filing]] = {}
    for f in filings:
        years.setdefault(f.case.created_at.year, []).append(f)
    for year, group in years.items():
        for f, reference in zip(group, next_references(year, len(group)), strict=True):
            f.case.reference = reference
    whens = " ".join(["WHEN %s THEN %s"] * len(filings))
    marks = ", ".join(["%s"] * len(filings))
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {Case._meta.db_table} SET reference = CASE id {whens} END "  # noqa: S608
            f"WHERE id IN ({marks})",
            [v for f in filings for v in (f.case.pk, f.case.reference)]
            + [f.case.pk for f in filings],
        )


# Filings of concurrent requests are written together (see core.groupcommit).
FILINGS: GroupCommit[_Filing] = GroupCommit(_write_filings)


def capabilities(user: User | None, case: Case) -> set[str]:
    """What `user` may do on `case`, as workflow capabilities."""
    caps: set[str] = set()
    if user is None or not user.is_authenticated:
        return caps
    if has_role_over(user, case.area, CASE_STAFF_ROLES) or has_role_over(
        user, case.handling_area, CASE_STAFF_ROLES
    ):
        caps.add(workflow.STAFF)
        if has_role_over(user, case.handling_area, COORDINATOR_ROLES) or has_role_over(
            user, case.area, COORDINATOR_ROLES
        ):
            caps.add(workflow.COORDINATOR)
        if case.assignee_id == user.pk:
            caps.add(workflow.ASSIGNEE)
    if (
        case.filed_by_id is not None
        and case.filed_by_id == user.pk
        and not (roles_of(user) & set(CASE_STAFF_ROLES))
    ):
        # The person who filed acts as the applicant; staff who typed in a walk-in's case do
        # not become a party to it.
        caps.add(workflow.APPLICANT)
    return caps


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
) -> Case:
    """Apply one workflow action. Refusals raise Conflict (state), Forbidden (role),
    ValidationFailed (guard) or NotFound (unknown assignee); nothing is written then.

    `handoff` (used by accord.resolution only): the case follows a proceeding's hand-off; the
    caller has already checked the actor's rights on the proceeding, so the role rule is
    skipped (states and guards still apply) and `handoff` is recorded with the event.

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
        caps = capabilities(actor, case)
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
        try:
            transition = workflow.check(action, facts, caps)
        except workflow.TransitionRefused as exc:
            error = {"unknown": ValidationFailed, "state": Conflict, "role": Forbidden}.get(
                exc.kind, ValidationFailed
            )
            raise error(exc.message, code=f"transition_{exc.kind}") from exc

        now = timezone.now()
        from_status = case.status
        data: dict[str, Any] = dict(handoff or {})
        role = primary_role(actor) or ("applicant" if party_proven else "")
        if action == "assign":
            target = _resolve_assignee(actor, case, assignee, caps)
            case.assignee = target
            data["assignee"] = target.username
        elif action == "escalate":
            by_party = workflow.APPLICANT in caps and workflow.STAFF not in caps
            _escalate(case, party=by_party, staff=not by_party, data=data)
            data["requested_by"] = "party" if by_party else "staff"
        elif action == "record_attempt":
            case.failed_attempts_at_tier += 1
            case.failed_attempts_total += 1
            data["failed_attempts_at_tier"] = case.failed_attempts_at_tier
            decision = routing.route(
                _routing_input(
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
        elif action == "follow_up":
            case.satisfaction = satisfaction
            case.agreement_performed = agreement_performed
            data.update(satisfaction=satisfaction, agreement_performed=agreement_performed)
        elif action == "reopen":
            case.closed_at = None

        if action != "record_attempt":  # an attempt keeps the status unless it escalated
            case.status = transition.target
        if case.status in workflow.FINISHED and case.closed_at is None:
            case.closed_at = now
        if case.status != from_status:
            case.status_changed_at = now
            _set_deadline(case)
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
        ew_hooks.on_case_changed(case)  # escalation-risk score (same transaction)
        audit_record(
            actor=actor,
            role=role,
            action=f"case.{action}",
            object_type="case",
            object_id=case.reference,
            data={"from": from_status, "to": case.status, **data},
        )
    return case


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
        _routing_input(case, current_tier=case.tier, party_requested=party, staff_requested=staff),
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


# States whose clock, when overrun, moves the case up a tier (DESIGN §5 "deadline overrun").
OVERDUE_ESCALATES = (
    workflow.S.REGISTERED,
    workflow.S.ACCEPTED,
    workflow.S.ASSIGNED,
    workflow.S.IN_PROGRESS,
    workflow.S.ESCALATED,
    workflow.S.REOPENED,
)


def case_escalate_overdue(*, today: dt.date | None = None, dry_run: bool = False) -> list[str]:
    """Move every overdue working case up one tier (system action, audited per case).
    Cases already at the top tier stay where they are. Returns the references."""
    today = today or timezone.localdate()
    candidates = (
        Case.objects.filter(status__in=OVERDUE_ESCALATES, deadline__lt=today, clock_suspended=False)
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
                _routing_input(case, current_tier=case.tier, overdue=True),
                routing.policy_from_settings(),
            )
            if decision.tier == case.tier:
                continue
            data: dict[str, Any] = {"requested_by": "system", "overdue_since": str(case.deadline)}
            case_system_escalate(case, decision, data, now=timezone.now(), note="deadline overrun")
        done.append(case.reference)
    return done


# What `_apply_tier`, a status change and `_set_deadline` set on a case.
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
    _set_deadline(case)
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


def rebuild_description_index(*, progress=None, batch: int = 500) -> int:
    """Recompute the keyword blind index of every case (after ACCORD_INDEX_KEY changed)."""
    total = Case.objects.count()
    done = written = 0
    last = 0
    while True:
        with transaction.atomic():
            cases = list(Case.objects.filter(pk__gt=last).order_by("pk")[:batch])
            if not cases:
                break
            CaseSearchToken.objects.filter(case__in=cases).delete()
            rows = [CaseSearchToken(case=c, token=t) for c in cases for t in description_tokens(c)]
            CaseSearchToken.objects.bulk_create(rows)
            written += len(rows)
            done += len(cases)
            last = cases[-1].pk
        if progress:
            progress(f"  case keyword index: {done:,}/{total:,} cases")
    return written


# --- retention ---------------------------------------------------------------------------

RETENTION_STATUSES = {
    "case_closed": (workflow.S.CLOSED, workflow.S.ARCHIVED),
    "case_dropped": (workflow.S.WITHDRAWN, workflow.S.REJECTED, workflow.S.REDIRECTED),
}
ANONYMISE_BATCH = 200
# Personal data that other apps hold about a case (proceedings, documents, ...) goes with
# it: each callable receives the ids of the cases being anonymised, inside the same
# transaction. Apps append theirs in AppConfig.ready().
CASE_ANONYMISERS: list[Callable[[list[int]], None]] = []


def case_anonymise_expired(record_type: str, cutoff: dt.datetime, dry_run: bool) -> list[str]:
    """Remove the personal data of cases finished before `cutoff`, with their history: the
    description and its keyword index, every party's name, contact and name indexes, every
    timeline note, the tracking secret and the link to the filing account. What remains
    (category, area, dates, tiers, statuses) keeps the statistics and early-warning history
    whole. One transaction and one audit event per batch."""
    candidates = Case.objects.filter(
        status__in=RETENTION_STATUSES[record_type], closed_at__lt=cutoff, anonymised_at=None
    ).order_by("pk")
    refs = list(candidates.values_list("reference", flat=True))
    if dry_run:
        return refs
    done: list[str] = []
    pks = list(candidates.values_list("pk", flat=True))
    for i in range(0, len(pks), ANONYMISE_BATCH):
        chunk = pks[i : i + ANONYMISE_BATCH]
        with transaction.atomic():
            batch = Case.objects.select_for_update().filter(pk__in=chunk, anonymised_at=None)
            batch_refs = list(batch.values_list("reference", flat=True))
            if not batch_refs:
                continue
            now = timezone.now()
            ids = list(batch.values_list("pk", flat=True))
            Party.objects.filter(case_id__in=ids).update(
                name="",
                contact="",
                name_index="",
                id_number="",
                id_number_index="",
                normalised_name="",
            )
            CaseEvent.objects.filter(case_id__in=ids).update(note="")
            CaseSearchToken.objects.filter(case_id__in=ids).delete()
            # Evidence (photos, PDFs) is personal data too: rows now, files once committed.
            stored = list(
                Attachment.objects.filter(case_id__in=ids).values_list("stored_name", flat=True)
            )
            Attachment.objects.filter(case_id__in=ids).delete()
            if stored:
                from accord.cases.attachments import remove_files

                transaction.on_commit(lambda names=stored: remove_files(names))
            for scrub in CASE_ANONYMISERS:
                scrub(ids)
            Case.objects.filter(pk__in=ids).update(
                description="", tracking_secret_hash="", filed_by=None, anonymised_at=now
            )
            from accord.core.retention import audit_purge

            audit_purge(record_type, "anonymise", cutoff, batch_refs)
        done += batch_refs
    return done
