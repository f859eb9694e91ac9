"""The annual responsibility assessment (安全生产责任制考核): per area (the children of the
actor's jurisdiction) and per handling unit, for one year: hazards found, the share closed
on time, incidents, overdue major hazards and the one-vote veto (一票否决) flag when a
serious accident happened there. Aggregates only: never per person. Counts between 1 and
ACCORD_MIN_CELL - 1 are suppressed (None); the share is shown only when its base reaches
ACCORD_MIN_CELL. The veto flag is never suppressed: a serious accident is public."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, F, Q

from accord.accounts.models import User
from accord.accounts.permissions import areas_for
from accord.core.models import Area
from accord.safety import workflow
from accord.safety.models import Grade, Hazard, Incident
from accord.safety.selectors import COUNT_ROLES


def _suppress(n: int, floor: int) -> int | None:
    return None if 0 < n < floor else n


def _figures(hazards, incidents, *, year_end: dt.date, floor: int) -> dict:
    found = hazards.exclude(status=workflow.S.REJECTED)
    on_time = Q(status=workflow.S.CLOSED, closed_at__date__lte=F("deadline"))
    overdue_major = Q(grade=Grade.MAJOR, deadline__isnull=False) & (
        Q(closed_at__isnull=True, deadline__lt=year_end) | Q(closed_at__date__gt=F("deadline"))
    )
    h = found.aggregate(
        found=Count("id"),
        with_deadline=Count("id", filter=Q(deadline__isnull=False)),
        on_time=Count("id", filter=Q(deadline__isnull=False) & on_time),
        overdue_majors=Count("id", filter=overdue_major),
    )
    i = incidents.aggregate(n=Count("id"), serious=Count("id", filter=Q(serious=True)))
    base = h["with_deadline"]
    return {
        "hazards": _suppress(h["found"], floor),
        "on_time_pct": round(100 * h["on_time"] / base) if base >= floor else None,
        "incidents": _suppress(i["n"], floor),
        "overdue_majors": _suppress(h["overdue_majors"], floor),
        "veto": i["serious"] > 0,
    }


def roots_for(actor: User) -> list[Area]:
    return list(areas_for(actor, COUNT_ROLES))


def assessment(*, actor: User, year: int, today: dt.date) -> dict:
    """{"areas": [...], "units": [...]}: rows of figures for `year` in the actor's
    jurisdiction (hazards by the year they were reported, incidents by their date)."""
    floor = int(settings.ACCORD_MIN_CELL)
    year_end = min(dt.date(year, 12, 31), today)
    hz = Hazard.objects.filter(created_at__year=year)
    inc = Incident.objects.filter(occurred_on__year=year)
    roots = roots_for(actor)
    areas: list[Area] = []
    for root in roots:
        areas.extend(root.children.order_by("code") or [root])
    rows = []
    for area in areas:
        f = _figures(hz.filter(area__path__startswith=area.path),
                     inc.filter(area__path__startswith=area.path),
                     year_end=year_end, floor=floor)  # fmt: skip
        rows.append({"code": area.code, "name": area.name(), **f})
    subtree = Q()
    for root in roots:
        subtree |= Q(path__startswith=root.path)
    unit_ids = set()
    if roots:
        unit_ids = set(hz.filter(handling_area__in=Area.objects.filter(subtree))
                       .values_list("handling_area", flat=True).distinct())  # fmt: skip
        unit_ids |= set(inc.filter(handling_area__in=Area.objects.filter(subtree))
                        .values_list("handling_area", flat=True).distinct())  # fmt: skip
    units = []
    for unit in Area.objects.filter(pk__in=unit_ids).order_by("code"):
        f = _figures(hz.filter(handling_area=unit), inc.filter(handling_area=unit),
                     year_end=year_end, floor=floor)  # fmt: skip
        units.append({"code": unit.code, "name": unit.name(), **f})
    return {"areas": rows, "units": units, "floor": floor}
