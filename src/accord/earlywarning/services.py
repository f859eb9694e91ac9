"""Writes of the early-warning part. Each runs in one transaction and audits in it.

- `on_cases_created` / `on_case_changed`: hooks called by `cases.services` inside the case's own
  transaction (indicator counts, group-dispute check, risk score).
- `detect_run`: the engine over every indicator series in one batch → alerts.
- `alert_*`: the alert lifecycle (acknowledge, action plan, close) and the escalation of
  alerts nobody acknowledged in time.
- `risk_refresh`: recompute the escalation-risk score of every open case (daily).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accord.accounts.models import CASE_STAFF_ROLES, User
from accord.accounts.permissions import has_role_over, primary_role
from accord.cases import routing, workflow
from accord.cases.models import Case, CaseEvent, Category, Party
from accord.core import crypto
from accord.core.audit import audit_record
from accord.core.calendar import BusinessCalendar
from accord.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from accord.core.models import LEVEL_RANK, Area
from accord.core.prepared import planner_setting
from accord.earlywarning import detection, indicators, intake, lifecycle
from accord.earlywarning import risk as riskmod
from accord.earlywarning.models import (
    ActionTask,
    Alert,
    AlertEvent,
    AlertKind,
    AlertPoint,
    AlertStatus,
    CaseRisk,
    DetectionRun,
    Freq,
    TaskKind,
)
from accord.earlywarning.similarity import cosine_matrix, gram_codes, group_threshold

MAX_TEXT = 5000
NEAR_DUPLICATE = "near-duplicate"
# How many recent cases of the same township and category a new description is compared with.
NEARDUP_LOOKBACK = 200
SAME_RESPONDENT = "respondent"


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


# ----------------------------------------------------------------------------- helpers


def responsible_area_for(area: Area, category: Category | None) -> Area:
    """The unit that must respond: the area's ancestor at the category's default tier (like
    case routing), or the area itself when it lies at or above that tier."""
    tier = category.default_tier if category is not None else "township"
    if LEVEL_RANK[area.level] <= LEVEL_RANK[tier]:
        return area
    return area.ancestor_at(tier) or area


def _ack_deadline(day: dt.date, calendar: BusinessCalendar | None = None) -> dt.date:
    calendar = calendar or BusinessCalendar.load()
    return calendar.add_working_days(day, 1)


def _event(alert: Alert, action: str, *, actor=None, frm="", to="", note="", data=None, now=None):
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


def _audit(actor, action: str, alert: Alert, data: dict | None = None) -> None:
    audit_record(
        actor=actor,
        role=primary_role(actor) if actor is not None and actor.is_authenticated else "",
        action=f"earlywarning.{action}",
        object_type="alert",
        object_id=alert.pk,
        data=data or {},
    )


# ----------------------------------------------------------------------------- case hooks


def on_cases_created(cases: list[Case]) -> None:
    """Called by `cases.services.case_create` inside the intake transaction (of one filing or
    of a group commit's several): do early warning's work on the cases now
    (ACCORD_EW_INTAKE=inline) or queue them (deferred)."""
    if settings.ACCORD_EW_INTAKE == "deferred":
        intake.enqueue_many(cases)
    else:
        intake_followup(cases, fresh=True)


def intake_followup(cases: list[Case], *, fresh: bool = False) -> list[Alert]:
    """Early warning's work on newly filed cases, inside the caller's transaction: count them
    in the indicators, check for group disputes, score their risk. `fresh`: the cases were
    filed in this very transaction (no history yet). Returns the group alerts touched."""
    return apply_followup(cases, group_hits_batch(cases), fresh=fresh)


def apply_followup(cases: list[Case], hits: list[GroupHit], *, fresh: bool = False) -> list[Alert]:
    """The writing half of `intake_followup`, given what the group check found (the deferred
    worker runs the check before it takes the write lock). A batch is written as a whole: one
    indicator statement, one alert write per group however many of the batch joined it, one
    risk statement."""
    if not cases:
        return []
    indicators.record_cases(cases)
    touched: dict[int, Case | None] = {}
    alerts = [_apply_hit(h, touched) for h in merge_hits(hits)]
    linked = {pk for h in hits for pk in h.ids}
    new_ids = {c.pk for c in cases}
    if touched:
        # Score the cases as they are now (a collective dispute may have raised tiers and
        # moved deadlines), and with them the earlier cases the group has just linked or
        # raised. Cases it had linked before and left as they were keep their scores: a
        # campaign's group is hundreds of cases, and re-scoring them all at every batch held
        # the write lock for most of the batch.
        by_pk = {c.pk: c for c in cases}
        by_pk.update((pk, c) for pk, c in touched.items() if c is not None)
        missing = [pk for pk in touched if pk not in by_pk]
        by_pk.update((c.pk, c) for c in Case.objects.filter(pk__in=missing))
        cases = [by_pk[pk] for pk in sorted(by_pk)]
    risk_write(cases, fresh=new_ids if fresh else (), grouped=linked)
    return alerts


def on_case_changed(case: Case) -> None:
    """Called by `cases.services.case_transition` inside the transition's transaction."""
    risk_update(case)


# ----------------------------------------------------------------------------- group disputes


def _common_area(areas: Iterable[Area]) -> Area:
    paths = [a.path.strip("/").split("/") for a in areas]
    common: list[str] = []
    for parts in zip(*paths, strict=False):
        if all(p == parts[0] for p in parts):
            common.append(parts[0])
        else:
            break
    return Area.objects.get(code=common[-1])


@dataclass
class GroupHit:
    """What the group check found for one case: the cases that form (or extend) a group."""

    method: str
    respondent: str
    display: str
    scope: Area
    category: Category | None
    expected: float | None
    upper: float
    ids: list[int]
    now: dt.datetime
    origin: int = 0  # the case whose check found it

    def key(self) -> tuple:
        """Hits with the same key feed the same alert."""
        cat = self.category.pk if self.category is not None else None
        return (self.method, self.respondent, self.scope.pk, cat)


def group_check(case: Case, *, now: dt.datetime | None = None) -> list[Alert]:
    """Several cases against the same respondent organisation, or with near-duplicate
    descriptions, within a time window → a 'collective dispute forming' alert that links the
    cases and raises their tier as the routing rules say. Returns the alerts touched."""
    return [_apply_hit(h) for h in group_hits_batch([case], now=now)]


def group_hits_batch(cases: list[Case], *, now: dt.datetime | None = None) -> list[GroupHit]:
    """The group check's findings for each of `cases`, each as of its own filing time (or
    `now`), as if they had been checked one by one in filing order: the recent cases of each
    township and category are read once for the batch. Reads only."""
    Area.load_ancestors([c.area for c in cases])
    hits: list[GroupHit] = []
    by_group: dict[tuple[int, int], tuple[Area, list[Case]]] = {}
    for case in cases:
        town = case.area.ancestor_at("township") or case.area
        hits.extend(_respondent_hits(case, town, now or case.created_at))
        by_group.setdefault((town.pk, case.category_id), (town, []))[1].append(case)
    # Each township's areas as a list of ids (one read per township, not per category), not a
    # join on their paths: PostgreSQL then reads a category's recent cases from its
    # (category, created_at) index instead of every recent case of each area.
    subtrees: dict[int, list[int]] = {}
    for town, group in by_group.values():
        if town.pk not in subtrees:
            subtrees[town.pk] = list(Area.objects.subtree(town).values_list("pk", flat=True))
        hits.extend(_neardup_hits(group, town, subtrees[town.pk], now))
    return hits


def _respondent_hits(case: Case, town: Area, now: dt.datetime) -> list[GroupHit]:
    hits: list[GroupHit] = []
    window = int(_setting("ACCORD_EW_GROUP_WINDOW_DAYS", 30))
    baseline_days = int(_setting("ACCORD_EW_GROUP_BASELINE_DAYS", 365))
    min_cases = int(_setting("ACCORD_EW_GROUP_MIN_CASES", 5))
    since = now - dt.timedelta(days=window)
    orgs = sorted(
        {
            p.normalised_name
            for p in case.parties.all()
            if p.role == Party.Role.RESPONDENT
            and p.kind == Party.Kind.ORGANISATION
            and p.normalised_name
        }
    )
    for org in orgs:
        against = Case.objects.filter(
            parties__role=Party.Role.RESPONDENT,
            parties__normalised_name=org,
            area__path__startswith=town.path,
        )
        ids = list(
            against.filter(created_at__gte=since, created_at__lte=now)
            .values_list("pk", flat=True)
            .distinct()
        )
        base = (
            against.filter(
                created_at__gte=since - dt.timedelta(days=baseline_days), created_at__lt=since
            )
            .values("pk")
            .distinct()
            .count()
        )
        need = group_threshold(base, baseline_days, window, min_cases)
        if len(ids) >= need:
            display = (
                next((p.name for p in case.parties.all() if p.normalised_name == org), "") or org
            )
            hits.append(
                GroupHit(
                    method=SAME_RESPONDENT,
                    respondent=org,
                    display=display,
                    scope=town,
                    category=None,
                    expected=base * window / baseline_days,
                    upper=need - 1,
                    ids=ids,
                    now=now,
                    origin=case.pk,
                )
            )
    return hits


def _neardup_hits(
    group: list[Case], town: Area, areas: list[int], now: dt.datetime | None
) -> list[GroupHit]:
    """Near-duplicate descriptions among the recent cases of one township (`areas`: the ids
    of its areas) and category, for each case of `group` (all of that township and category)."""
    window = dt.timedelta(days=int(_setting("ACCORD_EW_NEARDUP_WINDOW_DAYS", 14)))
    nd_min = int(_setting("ACCORD_EW_NEARDUP_MIN_CASES", 5))
    nd_sim = float(_setting("ACCORD_EW_NEARDUP_SIMILARITY", 0.85))
    times = {c.pk: now or c.created_at for c in group}
    lo, hi = min(times.values()), max(times.values())
    recent = Case.objects.filter(
        category_id=group[0].category_id,
        area_id__in=areas,
        created_at__gte=lo - window,
        created_at__lte=hi,
        anonymised_at__isnull=True,
    )
    # Each case compares with the NEARDUP_LOOKBACK most recent before it: read enough rows to
    # cover the oldest case of the group (the ones after it only count for the later cases).
    newer = recent.filter(created_at__gt=lo).count() if len(group) > 1 else 0
    # The NEARDUP_LOOKBACK most recent, newest first: read backwards along the (category,
    # created_at) index until enough are found. PostgreSQL's statistics lag behind a burst of
    # filings (a campaign), so it estimates a handful of recent rows and instead fetches every
    # case of the category in the window, keeps the township's and sorts them: 2-6 ms instead
    # of 0.2 ms per read under the benchmark's campaign (docs/security-data.md §10).
    with planner_setting("enable_bitmapscan", "off"):
        rows = list(
            recent.order_by("-created_at", "-pk").values_list("pk", "row_key", "created_at")[
                : NEARDUP_LOOKBACK + newer + 1
            ]
        )
    # Descriptions are encrypted at rest: they are compared after decryption, in memory,
    # and only within one township, category and fortnight (the most recent NEARDUP_LOOKBACK).
    codes_of = _codes_of([(pk, key) for pk, key, _at in rows if pk not in times])
    for case in group:
        c = gram_codes(case.description)
        _GRAMS.put((case.pk, case.row_key), c)
        codes_of[(case.pk, case.row_key)] = c
    # Every case of the group against every row at once; each case then keeps the rows it
    # would have been compared with alone (the NEARDUP_LOOKBACK most recent before it).
    sims = cosine_matrix(
        [codes_of[(c.pk, c.row_key)] for c in group], [codes_of[(pk, k)] for pk, k, _at in rows]
    )
    row_pk = np.array([pk for pk, _key, _at in rows], dtype=np.int64)
    row_us = np.array([_micros(at) for _pk, _key, at in rows], dtype=np.int64)
    window_us = _micros(window)
    hits: list[GroupHit] = []
    for i, case in enumerate(group):
        t = times[case.pk]
        t_us = _micros(t)
        before = np.flatnonzero(
            (row_pk != case.pk) & (row_us >= t_us - window_us) & (row_us <= t_us)
        )[:NEARDUP_LOOKBACK]
        similar = row_pk[before[sims[i, before] >= nd_sim]].tolist()
        if len(similar) + 1 >= nd_min:
            hits.append(
                GroupHit(
                    method=NEAR_DUPLICATE,
                    respondent="",
                    display="",
                    scope=town,
                    category=case.category,
                    expected=None,
                    upper=nd_min - 1,
                    ids=[case.pk, *similar],
                    now=t,
                    origin=case.pk,
                )
            )
    return hits


def merge_hits(hits: Iterable[GroupHit]) -> list[GroupHit]:
    """Hits of a batch of new cases that feed the same alert, as one hit (the union of their
    cases, the latest time and thresholds): one alert write per group instead of one per case."""
    merged: dict[tuple, GroupHit] = {}
    for h in hits:
        m = merged.get(h.key())
        if m is None:
            merged[h.key()] = dataclasses.replace(h, ids=list(h.ids))
            continue
        seen = set(m.ids)
        m.ids.extend(i for i in h.ids if i not in seen)
        if h.now >= m.now:
            m.now, m.expected, m.upper = h.now, h.expected, h.upper
        m.display = m.display or h.display
    return list(merged.values())


def _apply_hit(h: GroupHit, touched: dict[int, Case | None] | None = None) -> Alert:
    """Open (or extend) the alert of a group and link its cases; raise their tiers.
    `touched` receives the ids of the cases newly linked (→ None) or raised (→ the case as
    saved)."""
    case_ids, method, respondent, display = h.ids, h.method, h.respondent, h.display
    scope, category, expected, upper, now = h.scope, h.category, h.expected, h.upper, h.now
    # A near-copy campaign's hit names up to NEARDUP_LOOKBACK earlier cases: read the few
    # columns the alert needs as tuples (not model instances with their relations), inside
    # the write transaction that filings wait for.
    rows = list(
        Case.objects.filter(pk__in=case_ids).values_list(
            "pk", "area_id", "category_id", "people_count", "risk_of_violence", "created_at"
        )
    )
    area = _common_area(Area.objects.in_bulk({r[1] for r in rows}).values())
    if category is None:
        cats = {r[2] for r in rows}
        category = Category.objects.get(pk=cats.pop()) if len(cats) == 1 else None
    day = timezone.localdate(now)
    existing = (
        Alert.objects.filter(
            kind=AlertKind.GROUP,
            method=method,
            respondent=respondent,
            status__in=lifecycle.OPEN,
            area__path__startswith=scope.path,
        )
        .filter(Q(category=category) if method == NEAR_DUPLICATE else Q())
        .order_by("-created_at")
        .first()
    )
    people = sum(r[3] for r in rows)
    violence = any(r[4] for r in rows)
    collective = int(_setting("ACCORD_COLLECTIVE_PARTIES", 10))
    sev = "critical" if violence else ("high" if people >= collective else "medium")
    data = {"cases": len(rows), "people": people, "method": method, "respondent": respondent}
    if existing is None:
        alert = Alert.objects.create(
            kind=AlertKind.GROUP,
            area=area,
            category=category,
            method=method,
            freq=Freq.DAILY,
            respondent=respondent,
            respondent_display=display[:200],
            period_start=min(timezone.localdate(r[5]) for r in rows),
            period_end=day,
            observed=len(rows),
            expected=expected,
            upperbound=upper,
            score=float(people),
            severity=sev,
            responsible_area=responsible_area_for(area, category),
            ack_deadline=_ack_deadline(day),
            created_at=now,
            updated_at=now,
        )
        _event(alert, "create", to=alert.status, data=data, now=now)
        _audit(None, "alert.create", alert, {"kind": alert.kind, **data})
    else:
        alert = existing
        if area.pk != alert.area_id and not alert.area.contains(area):
            alert.area = _common_area([alert.area, area])
        alert.period_end = max(alert.period_end, day)
        alert.observed = max(alert.observed, len(rows))
        alert.score = float(people)
        if riskmod_rank(sev) > riskmod_rank(alert.severity):
            alert.severity = sev
        alert.updated_at = now
        alert.save()
        _event(alert, "extend", data=data, now=now)
        _audit(None, "alert.extend", alert, data)
    # The group rule only adds people up. Once the cases already linked reach the collective
    # threshold they have been raised, so only the newly linked cases need routing: a large
    # group (a copy-paste campaign) does not make every further filing re-route all of it.
    linked_before = alert.cases.aggregate(people=Sum("people_count"))["people"] or 0
    new_ids = {r[0] for r in rows} - set(
        alert.cases.filter(pk__in=case_ids).values_list("pk", flat=True)
    )
    alert.cases.add(*sorted(new_ids))
    linked_people = linked_before + sum(r[3] for r in rows if r[0] in new_ids)
    raised = _raise_tiers(
        alert, now, linked_people, only=new_ids if linked_before >= collective else None
    )
    if touched is not None:
        touched.update(dict.fromkeys(new_ids - touched.keys()))
        touched.update((c.pk, c) for c in raised)
    return alert


class _GramCache:
    """(case id, row key) → bigram codes of its description (`gram_codes`), most recently
    used first, per process. The row key is random per row, so a reused id (a rolled-back test) never hits.

    Every filing is compared with up to NEARDUP_LOOKBACK recent cases of its township and
    category; decrypting and cutting those again for each filing was most of the intake's
    time. Descriptions never change after filing (purge empties them, and anonymised cases are
    not compared), so an entry never goes stale. It holds derived codes in memory only, never in
    the database."""

    def __init__(self, size: int = 8192) -> None:
        self.size = size
        self._d: OrderedDict[tuple[int, Any], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[tuple[int, Any]]) -> dict[tuple[int, Any], np.ndarray]:
        with self._lock:
            out = {}
            for key in keys:
                g = self._d.get(key)
                if g is not None:
                    self._d.move_to_end(key)
                    out[key] = g
            return out

    def put(self, key: tuple[int, Any], grams: np.ndarray) -> None:
        with self._lock:
            self._d[key] = grams
            self._d.move_to_end(key)
            while len(self._d) > self.size:
                self._d.popitem(last=False)


_GRAMS = _GramCache()


def _micros(value: dt.datetime | dt.timedelta) -> int:
    """A time (since the epoch) or a duration in whole microseconds: exact integers, so that
    the window test compares exactly like the datetimes themselves."""
    if isinstance(value, dt.timedelta):
        return value // dt.timedelta(microseconds=1)
    return (value - _EPOCH) // dt.timedelta(microseconds=1)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _codes_of(keys: list[tuple[int, Any]]) -> dict[tuple[int, Any], np.ndarray]:
    """The bigram codes of these cases' descriptions (from the cache, else decrypted)."""
    found = _GRAMS.get_many(keys)
    missing = [pk for pk, row_key in keys if (pk, row_key) not in found]
    if missing:
        rows = Case.objects.filter(pk__in=missing).values_list("pk", "description", "row_key")
        for pk, raw, row_key in rows:
            g = gram_codes(_plain(raw, row_key))
            _GRAMS.put((pk, row_key), g)
            found[(pk, row_key)] = g
    return found


def _plain(raw: str, row_key) -> str:
    """A case description read with values_list (no model instance): decrypt it here."""
    if not crypto.is_sealed(raw):
        return raw or ""
    return crypto.unseal(raw, crypto.aad(Case._meta.db_table, "description", row_key))


_SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}


def riskmod_rank(severity: str) -> int:
    return _SEVERITY_RANK.get(severity, 0)


# Working states in which a tier raise moves the case to the new unit (as overdue escalation).
_RAISABLE = (
    workflow.S.REGISTERED,
    workflow.S.ACCEPTED,
    workflow.S.ASSIGNED,
    workflow.S.IN_PROGRESS,
    workflow.S.ESCALATED,
    workflow.S.REOPENED,
)


def _raise_tiers(
    alert: Alert, now: dt.datetime, people: int, only: set[int] | None = None
) -> list[Case]:
    """Apply the routing rules to the group as a whole: the `people` of all linked cases count
    together (≥ ACCORD_COLLECTIVE_PARTIES → at least township). A case only moves up.
    `only`: route just these linked cases (the others were routed when the group grew).
    Returns the cases raised (as saved)."""
    from accord.cases.services import case_system_escalate

    qs = alert.cases.all() if only is None else alert.cases.filter(pk__in=only)
    policy = routing.policy_from_settings()

    def decision_for(category, people_count, amount, violence, tier):
        decision = routing.route(
            routing.RoutingInput.for_category(
                category,
                people_count=max(people, people_count),
                amount=amount,
                risk_of_violence=violence,
                current_tier=tier,
            ),
            policy,
        )
        return decision if routing.tier_rank(decision.tier) > routing.tier_rank(tier) else None

    # Decide from a few columns first, then lock and load whole only the cases that move up
    # (most of a growing group's new cases already sit at the tier its size calls for), and
    # decide again on what the lock shows.
    facts = list(
        qs.filter(status__in=_RAISABLE).values_list(
            "pk", "category_id", "people_count", "amount", "risk_of_violence", "tier"
        )
    )
    categories = Category.objects.in_bulk({f[1] for f in facts})
    up = [f[0] for f in facts if decision_for(categories[f[1]], *f[2:])]
    if not up:
        return []
    linked = list(
        Case.objects.filter(pk__in=up)
        .select_for_update(of=("self",))
        .select_related("category", "area")
        .order_by("pk")
    )
    Area.load_ancestors([c.area for c in linked])  # each raised case's new handling unit
    raised = []
    for case in linked:
        if case.status not in _RAISABLE:
            continue
        decision = decision_for(
            case.category, case.people_count, case.amount, case.risk_of_violence, case.tier
        )
        if decision is None:
            continue
        data: dict[str, Any] = {"requested_by": "system", "group_alert": alert.pk}
        case_system_escalate(
            case,
            decision,
            data,
            now=now,
            note="collective dispute forming",
            keep_status=case.status == workflow.S.REGISTERED,
        )
        raised.append(case)
    if raised:
        _event(alert, "raise_tiers", data={"cases": [c.reference for c in raised]}, now=now)
    return raised


def groups_replay(*, since: dt.datetime, progress: Callable[[str], None] | None = None) -> int:
    """Run the intake group-dispute check for every case filed since `since`, in filing order,
    as if each had just arrived (for data loaded in bulk, e.g. the demo). Returns the number
    of group alerts touched. One transaction per case, like intake."""
    ids = list(
        Case.objects.filter(created_at__gte=since)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
    )
    touched: set[int] = set()
    for i, pk in enumerate(ids):
        with transaction.atomic():
            case = Case.objects.select_related("area", "category").get(pk=pk)
            touched.update(a.pk for a in group_check(case, now=case.created_at))
        if progress and (i % 1000 == 999 or i == len(ids) - 1):
            progress(f"  group check {i + 1:,}/{len(ids):,} cases, {len(touched)} group alert(s)")
    return len(touched)


# ----------------------------------------------------------------------------- detection runs


def detect_run(
    *,
    actor: User | None = None,
    as_of: dt.date | None = None,
    method: str | None = None,
    freq: str = Freq.WEEKLY,
    progress: Callable[[str], None] | None = None,
    trigger: str = "command",
) -> DetectionRun:
    """Run `method` over every indicator series of `freq` for the last complete period before
    `as_of` (default today), in one batched engine call, and write the alerts. An alarm on a
    series whose open alert alarmed in the previous period (one quiet period allowed) extends
    that alert; the same period is never recorded twice."""
    say = progress or (lambda _m: None)
    if freq not in Freq.values:
        raise ValidationFailed(f"unknown frequency {freq!r}", code="invalid")
    method = method or detection.DEFAULT_METHOD[freq]
    detection.check_method(method, freq)
    as_of = as_of or timezone.localdate()
    period = detection.last_complete_period(as_of, freq)
    queued = intake.drain()  # count every case filed so far (ACCORD_EW_INTAKE=deferred)
    if queued:
        say(f"worked {queued:,} queued new case(s) into the indicators first")
    started, t0 = timezone.now(), time.monotonic()
    matrix = detection.load_series(freq, end=period)
    if matrix.n_series == 0:
        raise ValidationFailed(
            "there are no indicator counts yet; run `accord backfill-indicators`",
            code="no_indicators",
        )
    say(
        f"loaded {matrix.n_series:,} series × {len(matrix.periods)} periods "
        f"({matrix.periods[0]} – {period}) in {time.monotonic() - t0:.2f} s"
    )
    t1 = time.monotonic()
    out = detection.run_engine(matrix, method, [matrix.column(period)])
    hits = np.nonzero(out.alarm[:, 0])[0]
    say(f"{method}: {len(hits)} alarms in {time.monotonic() - t1:.2f} s")
    t2 = time.monotonic()
    with transaction.atomic():
        run = DetectionRun.objects.create(
            started_at=started,
            as_of=as_of,
            method=method,
            freq=freq,
            period=period,
            n_series=matrix.n_series,
            n_alarms=len(hits),
            trigger=trigger,
        )
        new, extended = _write_alarms(run, matrix, out, hits, period)
        run.n_new, run.n_extended = new, extended
        run.finished_at = timezone.now()
        run.seconds = time.monotonic() - t0
        run.save()
        audit_record(
            actor=actor,
            role=primary_role(actor) if actor is not None else "",
            action="earlywarning.detect",
            object_type="detection_run",
            object_id=run.pk,
            data={
                "method": method,
                "freq": freq,
                "period": period.isoformat(),
                "series": matrix.n_series,
                "alarms": len(hits),
                "new": new,
                "extended": extended,
            },
        )
    say(f"alerts: {new} new, {extended} extended in {time.monotonic() - t2:.2f} s")
    say(f"run {run.pk} done in {run.seconds:.2f} s")
    return run


def _write_alarms(
    run: DetectionRun,
    matrix: detection.SeriesMatrix,
    out: detection.EngineOutput,
    hits: np.ndarray,
    period: dt.date,
) -> tuple[int, int]:
    if len(hits) == 0:
        return 0, 0
    now = run.started_at
    freq, method = matrix.freq, run.method
    gap = indicators.step(freq) * 2
    keys = [matrix.keys[i] for i in hits]
    area_ids = {k[0] for k in keys}
    areas = {a.pk: a for a in Area.objects.filter(pk__in=area_ids)}
    cats = {c.pk: c for c in Category.objects.all()}
    base = Alert.objects.filter(kind=AlertKind.ABERRATION, method=method, freq=freq)
    open_alerts = {
        (a.area_id, a.category_id): a
        for a in base.filter(status__in=lifecycle.OPEN, area_id__in=area_ids).order_by("created_at")
    }
    done = set(
        AlertPoint.objects.filter(
            alert__kind=AlertKind.ABERRATION,
            alert__method=method,
            alert__freq=freq,
            period=period,
        ).values_list("alert__area_id", "alert__category_id")
    )
    calendar = BusinessCalendar.load()
    tz = timezone.get_current_timezone()
    p_from = dt.datetime.combine(period, dt.time(0), tzinfo=tz)
    p_to = p_from + indicators.step(freq)
    new = extended = 0
    for i, key in zip(hits.tolist(), keys, strict=True):
        if key in done:
            continue
        area, cat = areas[key[0]], cats[key[1]]
        obs = float(out.observed[i, 0])
        exp = detection.finite(out.expected[i, 0])
        upper = detection.finite(out.upperbound[i, 0])
        score = detection.finite(out.score[i, 0])
        sev = detection.severity(obs, upper, exp)
        alert = open_alerts.get(key)
        data = {"period": period.isoformat(), "observed": obs, "expected": exp, "upper": upper}
        if alert is not None and period - alert.period_end <= gap and period > alert.period_end:
            alert.period_end = period
            alert.observed, alert.expected, alert.upperbound, alert.score = obs, exp, upper, score
            if riskmod_rank(sev) > riskmod_rank(alert.severity):
                alert.severity = sev
            alert.run = run
            alert.updated_at = now
            alert.save()
            _event(alert, "extend", data=data, now=now)
            _audit(None, "alert.extend", alert, data)
            extended += 1
        else:
            alert = Alert.objects.create(
                kind=AlertKind.ABERRATION,
                area=area,
                category=cat,
                method=method,
                freq=freq,
                period_start=period,
                period_end=period,
                observed=obs,
                expected=exp,
                upperbound=upper,
                score=score,
                severity=sev,
                responsible_area=responsible_area_for(area, cat),
                ack_deadline=_ack_deadline(timezone.localdate(now), calendar),
                run=run,
                created_at=now,
                updated_at=now,
            )
            _event(alert, "create", to=alert.status, data=data, now=now)
            _audit(None, "alert.create", alert, {"kind": alert.kind, "method": method, **data})
            new += 1
        AlertPoint.objects.create(
            alert=alert, period=period, observed=obs, expected=exp, upperbound=upper, score=score
        )
        ids = Case.objects.filter(
            area__path__startswith=area.path,
            category_id=cat.pk,
            created_at__gte=p_from,
            created_at__lt=p_to,
        ).values_list("pk", flat=True)
        alert.cases.add(*ids)
    return new, extended


# ----------------------------------------------------------------------------- alert lifecycle


def alert_caps(actor: User | None, alert: Alert) -> set[str]:
    caps: set[str] = set()
    if actor is not None and actor.is_authenticated:
        if has_role_over(actor, alert.responsible_area, CASE_STAFF_ROLES):
            caps.add(lifecycle.RESPONSIBLE)
    return caps


def _locked(alert: Alert) -> Alert:
    return (
        # of=self: PostgreSQL cannot lock the nullable side of an outer join (category)
        Alert.objects.select_for_update(of=("self",))
        .select_related("area", "responsible_area", "category")
        .get(pk=alert.pk)
    )


def _check(actor: User, alert: Alert, action: str, reason: str = "") -> lifecycle.Transition:
    try:
        return lifecycle.check(action, alert.status, alert_caps(actor, alert), reason)
    except lifecycle.Refused as exc:
        error = {"state": Conflict, "role": Forbidden}.get(exc.kind, ValidationFailed)
        raise error(exc.message, code=f"alert_{exc.kind}") from exc


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
        _event(alert, "acknowledge", actor=actor, frm=frm, to=alert.status, note=note, now=now)
        _audit(actor, "alert.acknowledge", alert, {"from": frm, "to": alert.status})
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
        _event(alert, "add_task", actor=actor, frm=frm, to=alert.status, data=data, now=now)
        _audit(actor, "alert.add_task", alert, data)
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
        _event(alert, "complete_task", actor=actor, data={"task": task.pk}, note=outcome, now=now)
        _audit(actor, "alert.complete_task", alert, {"task": task.pk})
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
        _event(alert, action, actor=actor, frm=frm, to=alert.status, note=reason, now=now)
        _audit(actor, f"alert.{action}", alert, {"from": frm, "to": alert.status})
    return alert


def alerts_escalate_unacknowledged(*, today: dt.date | None = None) -> list[int]:
    """Alerts still new after their acknowledgement deadline go up a tier: the responsible
    unit becomes the parent area, with a fresh one-working-day deadline. Audited per alert."""
    today = today or timezone.localdate()
    calendar = BusinessCalendar.load()
    done = []
    for pk in Alert.objects.filter(status=AlertStatus.NEW, ack_deadline__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            alert = (
                Alert.objects.select_for_update(of=("self",))
                .select_related("responsible_area")
                .get(pk=pk)
            )
            if alert.status != AlertStatus.NEW or alert.ack_deadline >= today:
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
            _event(alert, "escalate", frm=alert.status, to=alert.status, data=data, now=now)
            _audit(None, "alert.escalate", alert, data)
        done.append(pk)
    return done


# ----------------------------------------------------------------------------- case risk


def _overdue_days(case: Case, today: dt.date, calendar: BusinessCalendar) -> int:
    if (
        case.deadline is None
        or case.clock_suspended
        or case.status in workflow.FINISHED
        or case.deadline >= today
    ):
        return 0
    return calendar.working_days_between(
        case.deadline, min(today, case.deadline + dt.timedelta(days=40))
    )


def _contacts(case_ids: list[int]) -> dict[int, int]:
    rows = (
        CaseEvent.objects.filter(case_id__in=case_ids)
        .filter(Q(action="reopen") | Q(action="escalate", data__requested_by="party"))
        .values("case_id")
        .annotate(n=Count("id"))
    )
    return {r["case_id"]: r["n"] for r in rows}


def _grouped(case_ids: list[int]) -> set[int]:
    return set(
        Alert.cases.through.objects.filter(
            case_id__in=case_ids,
            alert__kind=AlertKind.GROUP,
            alert__status__in=lifecycle.OPEN,
        ).values_list("case_id", flat=True)
    )


def _facts(case: Case, contacts: int, grouped: bool, overdue: int) -> riskmod.RiskFacts:
    return riskmod.RiskFacts(
        repeated_contact=contacts,
        people_count=case.people_count,
        failed_attempts=case.failed_attempts_total,
        overdue_days=overdue,
        risk_of_violence=case.risk_of_violence,
        vulnerable_party=case.vulnerable_party,
        in_group=grouped,
        collective_parties=int(_setting("ACCORD_COLLECTIVE_PARTIES", 10)),
    )


def risk_update(case: Case, *, today: dt.date | None = None) -> None:
    """Recompute one case's score (inside the caller's transaction)."""
    risk_write([case], today=today)


def risk_write(
    cases: list[Case],
    *,
    today: dt.date | None = None,
    fresh: Iterable[int] = (),
    grouped: set[int] | None = None,
    calendar: BusinessCalendar | None = None,
) -> int:
    """Score these cases and write their rows in one statement (insert or update).
    `fresh`: ids of cases filed in this very transaction (no history to look up). `grouped`:
    ids known to be linked to an open group alert (the others are looked up)."""
    if not cases:
        return 0
    today = today or timezone.localdate()
    fresh = set(fresh)
    older = [c.pk for c in cases if c.pk not in fresh]
    contacts = _contacts(older) if older else {}
    grouped = set(grouped or ()) | (_grouped(older) if older else set())
    now = timezone.now()
    rows = []
    for case in cases:
        overdue = 0
        if case.deadline is not None and case.deadline < today:
            calendar = calendar or BusinessCalendar.load()
            overdue = _overdue_days(case, today, calendar)
        score, factors = riskmod.score(
            _facts(case, contacts.get(case.pk, 0), case.pk in grouped, overdue)
        )
        rows.append(
            CaseRisk(
                case=case,
                score=score,
                factors=factors,
                open=case.status not in workflow.FINISHED,
                updated_at=now,
            )
        )
    CaseRisk.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=["score", "factors", "open", "updated_at"],
    )
    return len(rows)


def risk_refresh(*, today: dt.date | None = None, batch: int = 2000) -> int:
    """Recompute the score of every open case (overdue days grow with time); mark scores of
    finished cases closed. Returns the number of open cases scored."""
    today = today or timezone.localdate()
    calendar = BusinessCalendar.load()
    n = 0
    with transaction.atomic():
        CaseRisk.objects.filter(open=True, case__status__in=workflow.FINISHED).update(open=False)
        ids = list(Case.objects.exclude(status__in=workflow.FINISHED).values_list("pk", flat=True))
        for i in range(0, len(ids), batch):
            chunk = list(Case.objects.filter(pk__in=ids[i : i + batch]))
            n += risk_write(chunk, today=today, calendar=calendar)
        audit_record(
            actor=None,
            action="earlywarning.risk_refresh",
            object_type="case_risk",
            data={"open": n},
        )
    return n


# ----------------------------------------------------------------------------- backfill


def indicators_backfill(*, actor=None, since=None, progress=None) -> dict[str, int]:
    return indicators.backfill(actor=actor, since=since, progress=progress)
