"""Group disputes: several cases against the same respondent organisation, or with
near-copies of one description, within a time window, open (or extend) a "collective dispute
forming" alert that links the cases and raises their tiers as the routing rules say.

`group_hits_batch` only reads (the deferred intake runs it before taking the write lock);
`apply_hit` writes one group's alert and raises its cases (through
`cases.transitions.case_system_escalate`: early warning imports cases, never the reverse).
`groups_replay` runs the check over cases loaded in bulk (the demo).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from accord.cases import routing, workflow
from accord.cases.models import Case, Category, Party
from accord.cases.transitions import case_system_escalate
from accord.core.models import Area
from accord.core.prepared import planner_setting
from accord.earlywarning import grams, lifecycle
from accord.earlywarning.alerts import (
    ack_deadline,
    alert_audit,
    alert_event,
    responsible_area_for,
    severity_rank,
)
from accord.earlywarning.models import Alert, AlertKind, Freq
from accord.earlywarning.similarity import cosine_matrix, gram_codes, group_threshold

NEAR_DUPLICATE = "near-duplicate"
# How many recent cases of the same township and category a new description is compared with.
NEARDUP_LOOKBACK = 200
SAME_RESPONDENT = "respondent"


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


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
    return [apply_hit(h) for h in group_hits_batch([case], now=now)]


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
    codes_of = grams.codes_of([(pk, key) for pk, key, _at in rows if pk not in times])
    for case in group:
        c = gram_codes(case.description)
        grams.remember((case.pk, case.row_key), c)
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


def apply_hit(h: GroupHit, touched: dict[int, Case | None] | None = None) -> Alert:
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
            ack_deadline=ack_deadline(day),
            created_at=now,
            updated_at=now,
        )
        alert_event(alert, "create", to=alert.status, data=data, now=now)
        alert_audit(None, "alert.create", alert, {"kind": alert.kind, **data})
    else:
        alert = existing
        if area.pk != alert.area_id and not alert.area.contains(area):
            alert.area = _common_area([alert.area, area])
        alert.period_end = max(alert.period_end, day)
        alert.observed = max(alert.observed, len(rows))
        alert.score = float(people)
        if severity_rank(sev) > severity_rank(alert.severity):
            alert.severity = sev
        alert.updated_at = now
        alert.save()
        alert_event(alert, "extend", data=data, now=now)
        alert_audit(None, "alert.extend", alert, data)
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


def _micros(value: dt.datetime | dt.timedelta) -> int:
    """A time (since the epoch) or a duration in whole microseconds: exact integers, so that
    the window test compares exactly like the datetimes themselves."""
    if isinstance(value, dt.timedelta):
        return value // dt.timedelta(microseconds=1)
    return (value - _EPOCH) // dt.timedelta(microseconds=1)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _raise_tiers(
    alert: Alert, now: dt.datetime, people: int, only: set[int] | None = None
) -> list[Case]:
    """Apply the routing rules to the group as a whole: the `people` of all linked cases count
    together (≥ ACCORD_COLLECTIVE_PARTIES → at least township). A case only moves up.
    `only`: route just these linked cases (the others were routed when the group grew).
    Returns the cases raised (as saved)."""
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
        qs.filter(status__in=workflow.WORKING).values_list(
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
        if case.status not in workflow.WORKING:
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
        alert_event(alert, "raise_tiers", data={"cases": [c.reference for c in raised]}, now=now)
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
