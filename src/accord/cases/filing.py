"""Filing a case: validate, route, write it with its parties, keyword index and first event.

`case_create` prepares every row before the transaction (see `core.prepared`) and hands the
filing to `FILINGS`, a group commit (`core.groupcommit`): the filings of concurrent requests are
written together by `_write_filings`, in a few multi-row statements. Inside that transaction the
`cases.hooks.CASES_FILED` hook tells higher parts (early warning) about the new cases.

`handling_area_for`, `routing_input` and `set_deadline` are shared with `cases.transitions`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from accord.accounts.models import CASE_STAFF_ROLES, User
from accord.accounts.permissions import has_role_over, primary_role
from accord.cases import routing, workflow
from accord.cases.clock import state_deadline, warning_date
from accord.cases.hooks import CASES_FILED
from accord.cases.identity import description_tokens, hash_secret, normalise_org_name
from accord.cases.models import Case, CaseEvent, CaseSearchToken, Category, Channel, Counter, Party
from accord.core.audit import audit_records, current_source
from accord.core.calendar import BusinessCalendar
from accord.core.errors import Forbidden, ValidationFailed
from accord.core.groupcommit import GroupCommit
from accord.core.models import Area
from accord.core.prepared import PreparedRows, Select, insert, pipelined

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


def routing_input(case: Case, **extra: Any) -> routing.RoutingInput:
    return routing.RoutingInput.for_category(
        case.category,
        people_count=case.people_count,
        amount=case.amount,
        risk_of_violence=case.risk_of_violence,
        **extra,
    )


def set_deadline(case: Case, calendar: BusinessCalendar | None = None) -> None:
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
    decision = routing.route(routing_input(case), routing.policy_from_settings())
    case.tier = decision.tier
    case.handling_area = handling_area_for(area, decision.tier)
    case.routing = decision.reasons_as_dicts()
    case.police_liaison = decision.police_liaison
    set_deadline(case)
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
            case_row=PreparedRows([case]),
            parties=PreparedRows(parties, parent="case"),
            tokens=tokens,
            event=PreparedRows([event], parent="case"),
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
    """One filing's rows, prepared before the transaction, and its audit event."""

    case: Case
    case_row: PreparedRows  # the case itself (with a placeholder reference)
    parties: PreparedRows
    tokens: PreparedRows  # its keyword blind index
    event: PreparedRows  # its first timeline event ("register")
    audit: dict[str, Any]


# The child rows of a filing, inserted in this order once the cases have their ids.
_CHILD_ROWS = ("parties", "tokens", "event")


def _write_filings(filings: list[_Filing]) -> None:
    """Write filings in the current transaction (one, or a group commit's several): a few
    multi-row statements whatever their number, pipelined on PostgreSQL (`pipelined`).

    When every subscriber of `CASES_FILED` only queues the cases (early warning, deferred), its
    one statement joins the pipeline before the reference counter's row lock is taken, and the
    audit events follow in it. Otherwise (early warning inline) a subscriber uses the ORM, which
    needs each statement's answer at once (a `save()` reads the row count of its UPDATE): it
    and the audit run after the pipeline."""
    cases = [f.case for f in filings]
    queue_only = CASES_FILED.only_queues()
    with pipelined():
        _insert_cases(filings)
        if queue_only:
            CASES_FILED.call(cases)
        _assign_references(filings)
        if queue_only:
            _audit_filings(filings)
    if not queue_only:
        CASES_FILED.call(cases)  # early warning: indicators, group check, risk
        _audit_filings(filings)


def _audit_filings(filings: list[_Filing]) -> None:
    audit_records([{**f.audit, "object_id": f.case.reference} for f in filings])


def _insert_cases(filings: list[_Filing]) -> None:
    """The cases (with placeholder references) and their child rows."""
    back = insert([f.case_row for f in filings], returning=("id", "reference"))
    ids = {placeholder: pk for pk, placeholder in back}
    for f in filings:
        f.case.pk = ids[f.case.reference]
    case_ids = [f.case.pk for f in filings]
    for name in _CHILD_ROWS:
        insert([getattr(f, name) for f in filings], parent_ids=case_ids)


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
