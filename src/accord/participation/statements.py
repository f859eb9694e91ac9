"""Writes for the opinion map: residents add short statements and vote on others', under a
per-consultation pseudonym (`pseudonyms`); the map is recomputed from the votes and stored as
aggregates only. Audit events of these writes carry no actor and no pseudonym, so that the
audit chain is no link between an account and a vote either."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.core.audit import audit_record
from accord.core.errors import Conflict, NotFound, ValidationFailed
from accord.participation import access
from accord.participation import workflow as wf
from accord.participation.models import Consultation, OpinionMap, Statement, Vote

MAX_STATEMENT = 280
MAX_STATEMENTS_PER_PERSON = 10
RECOMPUTE_EVERY = dt.timedelta(seconds=60)


def _check_open(c: Consultation) -> None:
    if not c.allow_statements:
        raise NotFound("this consultation has no opinion map", code="no_opinion_map")
    if c.status != wf.OPEN:
        raise Conflict("this consultation is not open for comment", code="consultation_closed")


def statement_add(*, consultation: Consultation, pseudonym: str, text: str) -> Statement:
    _check_open(consultation)
    text = " ".join((text or "").split())
    if not text:
        raise ValidationFailed("the statement is empty", code="empty_comment")
    if len(text) > MAX_STATEMENT:
        raise ValidationFailed(
            f"a statement has at most {MAX_STATEMENT} characters", code="too_long"
        )
    with transaction.atomic():
        mine = Statement.objects.filter(consultation=consultation, author_pseudonym=pseudonym)
        if mine.count() >= MAX_STATEMENTS_PER_PERSON:
            raise Conflict("you have added the most statements one person may add", code="too_many")
        s = Statement.objects.create(
            consultation=consultation, text=text, author_pseudonym=pseudonym
        )
        audit_record(
            actor=None,
            action="statement.add",
            object_type="statement",
            object_id=s.pk,
            data={"consultation": consultation.reference},
        )
    return s


def vote_cast(*, consultation: Consultation, statement_id: int, pseudonym: str, value: int) -> Vote:
    """One vote per pseudonym and statement; voting again changes the vote."""
    _check_open(consultation)
    if value not in (-1, 0, 1):
        raise ValidationFailed("a vote is 1 (agree), -1 (disagree) or 0 (pass)", code="bad_vote")
    s = Statement.objects.filter(
        pk=statement_id, consultation=consultation, hidden_reason=""
    ).first()
    if s is None:
        raise NotFound(f"no statement {statement_id}")
    with transaction.atomic():
        try:
            with transaction.atomic():
                v, _created = Vote.objects.update_or_create(
                    statement=s, pseudonym=pseudonym, defaults={"value": value}
                )
        except IntegrityError:  # a concurrent first vote by the same pseudonym
            v = Vote.objects.get(statement=s, pseudonym=pseudonym)
            v.value = value
            v.save(update_fields=["value"])
        audit_record(
            actor=None,
            action="vote.cast",
            object_type="statement",
            object_id=s.pk,
            data={"consultation": consultation.reference},
        )
    return v


def statement_hide(*, actor: Any, statement: Statement, reason: str) -> Statement:
    if not access.manages_area(actor, statement.consultation.area):
        raise NotFound(f"no statement {statement.pk}")
    if reason not in wf.HIDE_REASONS:
        raise ValidationFailed(
            f"a statement may be hidden only for: {', '.join(wf.HIDE_REASONS)}", code="bad_reason"
        )
    with transaction.atomic():
        statement.hidden_reason = reason
        statement.save(update_fields=["hidden_reason"])
        audit_record(
            actor=actor,
            action="statement.hide",
            object_type="statement",
            object_id=statement.pk,
            data={"reason": reason},
        )
    return statement


def map_compute(*, consultation: Consultation, seed: int = 0) -> OpinionMap | None:
    """Recompute the map from the votes on visible statements; store aggregates only. The
    previous maps' best group counts are the history that keeps the group count stable."""
    from accord.analytics.opinion import OpinionControl, matrix_from_votes, opinion_map

    rows = Vote.objects.filter(
        statement__consultation=consultation, statement__hidden_reason=""
    ).values_list("pseudonym", "statement_id", "value")
    m, people, statements = matrix_from_votes(rows.iterator())
    if len(statements) < 2 or len(people) < 2:
        return None
    past = list(consultation.maps.order_by("-computed_at", "-id")[:5])
    history = [p.candidate_groups for p in reversed(past)]
    current = past[0].n_groups if past else None
    r = opinion_map(
        m,
        OpinionControl(seed=seed),
        participants=range(len(people)),  # never the pseudonyms, even in memory
        statements=statements,
        history=history,
        current_groups=current,
    )
    summary = r.public_summary(min_group=settings.ACCORD_OPINION_MIN_GROUP)
    with transaction.atomic():
        om = OpinionMap.objects.create(
            consultation=consultation,
            n_groups=r.n_groups,
            candidate_groups=r.candidate_groups,
            participants=int(r.clustered.sum()),
            data=summary,
        )
        # keep a short history only
        old = consultation.maps.order_by("-computed_at", "-id").values_list("pk", flat=True)[10:]
        OpinionMap.objects.filter(pk__in=list(old)).delete()
        audit_record(
            actor=None,
            action="opinion_map.compute",
            object_type="consultation",
            object_id=consultation.reference,
            data={"groups": r.n_groups, "participants": om.participants},
        )
    return om


def map_current(*, consultation: Consultation) -> OpinionMap | None:
    """The latest map, recomputed first when votes came in since and the last computation is
    more than a minute old."""
    latest = consultation.maps.order_by("-computed_at", "-id").first()
    last_vote = (
        Vote.objects.filter(statement__consultation=consultation)
        .order_by("-updated_at")
        .values_list("updated_at", flat=True)
        .first()
    )
    stale = last_vote is not None and (latest is None or last_vote > latest.computed_at)
    if stale and (latest is None or timezone.now() - latest.computed_at > RECOMPUTE_EVERY):
        latest = map_compute(consultation=consultation) or latest
    return latest
