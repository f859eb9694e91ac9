"""Dashboard aggregates: cases taken in, resolved at the intake tier, overdue, median days
to closure and satisfaction, by month, by area and by category.

Reads only, scoped to the actor's areas. For analysts (aggregates only) every cell whose
count is below settings.ACCORD_MIN_CELL is suppressed (None), and so is every rate or
median computed from such a cell.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accord.cases import workflow
from accord.cases.models import Case, CaseEvent, Category
from accord.core.i18n import is_zh
from accord.core.models import Area

METRICS = ("intake", "resolved_intake", "overdue", "median_days", "satisfaction")
METRIC_LABELS = {
    "intake": _("Cases taken in"),
    "resolved_intake": _("Resolved at the intake tier"),
    "resolved_share": _("Share resolved at the intake tier (%)"),
    "overdue": _("Overdue now"),
    "median_days": _("Median days to closure"),
    "satisfaction": _("Average satisfaction (1–5)"),
}
# Indicators the map can be coloured by.
MAP_INDICATORS = ("intake", "resolved_share", "overdue", "median_days", "satisfaction")
MONTH_CHOICES = (6, 12, 24, 36)
TOP_CATEGORIES = 6
RESOLVED = workflow.S.RESOLVED
ESCALATED = workflow.S.ESCALATED


@dataclass
class Cell:
    """The cases of one cell (a month, an area or a category)."""

    intake: int = 0
    resolved_intake: int = 0
    overdue: int = 0
    days: list[int] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    def values(self, min_cell: int | None) -> dict[str, float | int | None]:
        def count(n: int) -> int | None:
            return None if min_cell is not None and n < min_cell else n

        def based(n: int, value: float | None) -> float | None:
            if value is None or (min_cell is not None and n < min_cell):
                return None
            return round(value, 1)

        share = 100.0 * self.resolved_intake / self.intake if self.intake else None
        return {
            "intake": count(self.intake),
            "resolved_intake": count(self.resolved_intake),
            # A share is shown only when both its parts are.
            "resolved_share": based(min(self.intake, self.resolved_intake), share)
            if min_cell is not None
            else based(self.intake, share),
            "overdue": count(self.overdue),
            "median_days": based(
                len(self.days), float(statistics.median(self.days)) if self.days else None
            ),
            "satisfaction": based(
                len(self.ratings), statistics.fmean(self.ratings) if self.ratings else None
            ),
        }


def month_starts(today: dt.date, months: int) -> list[dt.date]:
    first = today.replace(day=1)
    out = []
    y, m = first.year, first.month
    for _i in range(months):
        out.append(dt.date(y, m, 1))
        m -= 1
        if m == 0:
            y, m = y - 1, 12
    return out[::-1]


def group_areas(root: Area) -> list[Area]:
    children = list(Area.objects.filter(parent=root).order_by("path"))
    return children or [root]


CACHE_SECONDS = 300


def dashboard_data(
    *,
    root: Area,
    months: int = 12,
    category: str | None = None,
    suppress: bool = False,
    today: dt.date | None = None,
) -> dict:
    """All tables of the dashboard for cases that happened in `root`'s subtree. Cached for a
    few minutes per area, period, category, suppression, language and day (the page and its
    CSV downloads share one computation)."""
    today = today or timezone.localdate()
    key = "accord:dash:" + ":".join(
        str(x) for x in (root.code, months, category, suppress, get_language(), today)
    )
    data = cache.get(key)
    if data is None:
        data = _dashboard_data(
            root=root, months=months, category=category, suppress=suppress, today=today
        )
        cache.set(key, data, CACHE_SECONDS)
    return data


def _dashboard_data(
    *, root: Area, months: int, category: str | None, suppress: bool, today: dt.date
) -> dict:
    min_cell = settings.ACCORD_MIN_CELL if suppress else None
    starts = month_starts(today, months)
    since = dt.datetime.combine(starts[0], dt.time(), tzinfo=timezone.get_current_timezone())
    cases = Case.objects.filter(area__path__startswith=root.path, created_at__gte=since)
    if category:
        cases = cases.filter(category__code=category)
    rows = list(
        cases.values_list(
            "pk",
            "created_at",
            "closed_at",
            "status",
            "deadline",
            "clock_suspended",
            "satisfaction",
            "category__code",
            "area__path",
        )
    )
    resolved: set[int] = set()
    escalated: set[int] = set()
    events = CaseEvent.objects.filter(
        case__in=cases.values("pk"), to_status__in=[RESOLVED, ESCALATED]
    ).values_list("case_id", "to_status")
    for case_id, to_status in events.iterator(chunk_size=5000):
        (resolved if to_status == RESOLVED else escalated).add(case_id)

    areas = group_areas(root)
    area_codes = {a.code for a in areas}
    depth = len(root.ancestor_codes())
    by_month: dict[dt.date, Cell] = defaultdict(Cell)
    by_area: dict[str, Cell] = defaultdict(Cell)
    by_category: dict[str, Cell] = defaultdict(Cell)
    by_month_category: dict[tuple[dt.date, str], int] = defaultdict(int)
    by_month_area: dict[tuple[dt.date, str], int] = defaultdict(int)
    total = Cell()
    tz = timezone.get_current_timezone()
    for pk, created, closed, status, deadline, suspended, rating, cat, path in rows:
        local = created.astimezone(tz).date()
        month = local.replace(day=1)
        codes = [c for c in path.split("/") if c]
        area_code = codes[depth] if len(codes) > depth else root.code
        if area_code not in area_codes:
            area_code = root.code
        cells = (by_month[month], by_area[area_code], by_category[cat], total)
        late = (
            status not in workflow.FINISHED
            and not suspended
            and deadline is not None
            and deadline < today
        )
        days = (
            (closed.astimezone(tz).date() - local).days
            if closed is not None and status not in workflow.TERMINAL - {workflow.S.ARCHIVED}
            else None
        )
        for cell in cells:
            cell.intake += 1
            if pk in resolved and pk not in escalated:
                cell.resolved_intake += 1
            if late:
                cell.overdue += 1
            if days is not None:
                cell.days.append(days)
            if rating is not None:
                cell.ratings.append(rating)
        by_month_category[(month, cat)] += 1
        by_month_area[(month, area_code)] += 1

    zh = is_zh()
    cat_names = {
        c.code: (c.name_zh if zh else c.name_en) for c in Category.objects.order_by("code")
    }
    month_labels = [date_format(m, "YEAR_MONTH_FORMAT") for m in starts]
    top = sorted(by_category, key=lambda c: -by_category[c].intake)[:TOP_CATEGORIES]
    lines = []
    for cat in top:
        values = [by_month_category.get((m, cat), 0) for m in starts]
        if min_cell is not None:
            values = [v if v >= min_cell else None for v in values]
        lines.append({"code": cat, "name": cat_names.get(cat, cat), "values": values})

    area_lines = []
    for area in areas:
        values = [by_month_area.get((m, area.code), 0) for m in starts]
        if min_cell is not None:
            values = [v if v >= min_cell else None for v in values]
        area_lines.append(
            {"code": area.code, "name": area.name_zh if zh else area.name_en, "values": values}
        )

    area_rows = []
    for area in areas + ([root] if root.code in by_area and root not in areas else []):
        area_rows.append(
            {
                "code": area.code,
                "name": area.name_zh if zh else area.name_en,
                **by_area.get(area.code, Cell()).values(min_cell),
            }
        )
    category_rows = [
        {"code": code, "name": cat_names.get(code, code), **by_category[code].values(min_cell)}
        for code in sorted(by_category, key=lambda c: -by_category[c].intake)
    ]
    month_rows = [
        {"code": m.isoformat()[:7], "name": label, **by_month.get(m, Cell()).values(min_cell)}
        for m, label in zip(starts, month_labels, strict=True)
    ]
    return {
        "root": {"code": root.code, "name": root.name_zh if zh else root.name_en},
        "months": month_labels,
        "month_rows": month_rows,
        "area_rows": area_rows,
        "category_rows": category_rows,
        "lines": lines,
        "area_lines": area_lines,
        "total": total.values(min_cell),
        "suppressed": suppress,
        "min_cell": settings.ACCORD_MIN_CELL,
        "labels": {k: str(v) for k, v in METRIC_LABELS.items()},
    }


TABLES = ("month", "area", "category", "area_month", "category_month")
CSV_COLUMNS = (
    "intake",
    "resolved_intake",
    "resolved_share",
    "overdue",
    "median_days",
    "satisfaction",
)


def csv_rows(data: dict, table: str) -> tuple[list[str], list[list]]:
    """Header and rows of one dashboard table, for the CSV download."""
    if table in ("area_month", "category_month"):
        lines = data["area_lines"] if table == "area_month" else data["lines"]
        months = [r["code"] for r in data["month_rows"]]
        return ["code", "name", *months], [
            [line["code"], line["name"], *["" if v is None else v for v in line["values"]]]
            for line in lines
        ]
    rows = data[f"{table}_rows"]
    header = ["code", "name", *CSV_COLUMNS]
    body = [
        [r["code"], r["name"], *["" if r[c] is None else r[c] for c in CSV_COLUMNS]] for r in rows
    ]
    return header, body
