"""How many cases, when and where: the background rates and the injected situations.

Background counts are negative-binomial per community × category × week with a category
base rate, a community and a township effect, an urban/rural mix, monthly seasonality (plus
a wage-arrears peak before the Spring Festival), a mild trend and fewer filings on weekends
and holidays. On top of that a few situations are injected and recorded in
`demo.InjectedSituation` (the ground truth for early warning).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from django.db import transaction

from accord.cases.identity import normalise_org_name
from accord.core.calendar import BusinessCalendar
from accord.demo import names as N
from accord.demo.holidays import SPRING_FESTIVAL
from accord.demo.jurisdiction import Node, SizeSpec
from accord.demo.models import InjectedSituation

# --------------------------------------------------------------------------- rates


def _season_curve(monthly: list[float], days: np.ndarray) -> np.ndarray:
    """Piecewise-linear interpolation of 12 monthly values at the given day-of-year."""
    centres = np.array([15.5 + 30.4 * m for m in range(12)])
    xs = np.concatenate([centres - 365.25, centres, centres + 365.25])
    ys = np.tile(np.asarray(monthly, dtype=float), 3)
    return np.interp(days, xs, ys)


def _festival_bump(dates: list[dt.date]) -> np.ndarray:
    """Extra wage-arrears filings in the weeks before the Spring Festival."""
    out = np.zeros(len(dates))
    for i, d in enumerate(dates):
        for sf in (SPRING_FESTIVAL.get(d.year), SPRING_FESTIVAL.get(d.year + 1)):
            if sf is not None:
                delta = (d - (sf - dt.timedelta(days=20))).days
                out[i] += 0.9 * math.exp(-0.5 * (delta / 12.0) ** 2)
    return out


DOW_WEIGHT = np.array([1.15, 1.10, 1.05, 1.05, 1.00, 0.45, 0.35])


# --------------------------------------------------------------------------- situations


@dataclass
class Situation:
    key: str
    name_en: str
    name_zh: str
    kind: str
    category: str
    area: Node
    communities: list[Node]
    respondents: list[str]  # spellings (all normalise to one name)
    respondent_en: str
    start: dt.date
    weeks: int
    extra: int
    description: str
    templates: tuple[int, ...]
    collective: float  # share of cases with ≥ 10 people
    pk: int | None = None

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=7 * self.weeks - 1)


def plan_situations(city: Node, spec: SizeSpec, end: dt.date) -> list[Situation]:
    monday = end - dt.timedelta(days=end.weekday())
    c0 = city.children[0]
    c1 = city.children[1] if len(city.children) > 1 else c0
    t_hengda = c0.children[1] if len(c0.children) > 1 else c0.children[0]
    t_factory = c1.children[1] if len(c1.children) > 1 else c1.children[0]
    comm_prop = c0.children[0].children[1]
    project_towns = c1.children[:2]
    x = spec.extra_scale

    def ago(weeks: int) -> dt.date:
        return monday - dt.timedelta(days=7 * weeks)

    return [
        Situation(
            "pollution-hongyuan", "Pollution complaints near Hongyuan Chemical",
            "宏远化工厂周边污染投诉集中", "burst", "environment", t_factory,
            t_factory.children[:3], ["宏远化工有限公司", "宏远化工公司", "宏远化工"],
            "Hongyuan Chemical Co., Ltd.", ago(70), 3, round(8 * x),
            "Residents of villages next to the Hongyuan chemical plant complain about fumes "
            "and a blackened river after a new production line started.",
            (0, 1), 0.25,
        ),
        Situation(
            "relocation-gaotie", f"Relocation disputes after the {c1.en} high-speed rail "
            "new town decision", f"{c1.zh}高铁新城项目征收后拆迁纠纷上升", "rise", "relocation",
            c1, [m for t in project_towns for m in t.children],
            [f"{c1.zh}高铁新城项目征收指挥部"], f"{c1.en} HSR New Town Expropriation HQ",
            ago(40), 8, round(12 * x),
            "After the county approved the high-speed-rail new town, households in two "
            "townships dispute valuation and resettlement terms.",
            (0, 1, 2, 3), 0.1,
        ),
        Situation(
            "property-jinsheng", f"Property-management surge in {comm_prop.en}",
            f"{comm_prop.zh}物业纠纷激增", "surge", "property", comm_prop, [comm_prop],
            ["金盛物业服务有限公司", "金盛物业服务公司", "金盛物业服务有限责任公司"],
            "Jinsheng Property Services Co., Ltd.", ago(26), 4, round(10 * x),
            "The property company raised fees and stopped lift repairs; owners in one estate "
            "file complaints within a few weeks.",
            (0, 1, 3), 0.0,
        ),
        Situation(
            "wage-arrears-hengda", "Wage arrears at Hengda Construction",
            "恒达建筑拖欠农民工工资", "group_dispute", "labour", t_hengda,
            list(t_hengda.children), ["恒达建筑有限公司", "恒达建筑公司", "恒达建筑", "恒达建筑 有限公司"],
            "Hengda Construction Co., Ltd.", ago(7), 5, round(14 * x),
            "Workers on a Hengda Construction site report unpaid wages, singly and in groups, "
            "over about five weeks (same employer, several spellings).",
            (0, 3), 0.3,
        ),
    ]  # fmt: skip


# --------------------------------------------------------------------------- background


@dataclass(frozen=True)
class Weeks:
    """The history's weeks: Monday of the first, their number and each day's filing weight
    (0 outside the history; working days 1, weekends and holidays less)."""

    start: dt.date
    end: dt.date
    monday0: dt.date
    n: int
    day_w: np.ndarray  # n × 7

    @classmethod
    def of(cls, start: dt.date, end: dt.date, calendar: BusinessCalendar) -> Weeks:
        monday0 = start - dt.timedelta(days=start.weekday())
        n_weeks = (end - monday0).days // 7 + 1
        days = [monday0 + dt.timedelta(days=i) for i in range(n_weeks * 7)]
        day_w = np.array(
            [
                0.0
                if not (start <= d < end)
                else (
                    1.0
                    if d in calendar.workdays
                    else DOW_WEIGHT[d.weekday()] * (0.35 if d in calendar.holidays else 1.0)
                )
                for d in days
            ]
        ).reshape(n_weeks, 7)
        return cls(start, end, monday0, n_weeks, day_w)


def background_counts(
    rng: np.random.Generator,
    spec: SizeSpec,
    weeks: Weeks,
    comms: list[Node],
    towns: list[Node],
    codes: list[str],
) -> np.ndarray:
    """New cases per community × category × week (C × K × W), scaled to the size."""
    start, monday0, n_weeks = weeks.start, weeks.monday0, weeks.n
    week_w = weeks.day_w.sum(axis=1) / DOW_WEIGHT.sum()
    mid = [monday0 + dt.timedelta(days=7 * w + 3) for w in range(n_weeks)]
    doy = np.array([d.timetuple().tm_yday for d in mid], dtype=float)
    years = np.array([(d - start).days / 365.25 for d in mid])
    prof = [N.CATEGORY_PROFILE[c] for c in codes]
    season = np.stack([_season_curve(p["season"], doy) for p in prof])  # K × W
    if "labour" in codes:
        season[codes.index("labour")] += _festival_bump(mid)
    trend = np.exp(np.outer([p["trend"] for p in prof], years) + 0.03 * years)  # K × W
    base = np.array([p["rate"] for p in prof])
    c_eff = rng.gamma(3.0, 1 / 3.0, size=len(comms))
    t_eff = dict(
        zip([t.code for t in towns], rng.gamma(6.0, 1 / 6.0, size=len(towns)), strict=True)
    )
    mix = np.array([[p["urban"] if c.urban else p["rural"] for p in prof] for c in comms])  # C × K
    c_all = c_eff * np.array([t_eff[c.parent.code] for c in comms])
    mu = (c_all[:, None] * mix * base[None, :])[:, :, None] * (season * trend * week_w)[None]
    mu *= spec.cases / mu.sum()
    size_nb = 4.0
    return rng.negative_binomial(size_nb, size_nb / (size_nb + mu))  # C × K × W


def record_situations(
    plan: list[Situation],
    rng: np.random.Generator,
    weeks: Weeks,
    comm_index: dict[str, int],
    codes: list[str],
    seed: int,
) -> dict[int, list[tuple[int, int, int, int]]]:
    """Record the situations (`InjectedSituation`) and draw their extra cases' days and
    communities: {week: [(day, community index, category index, situation index)]}."""
    monday0, end, day_w = weeks.monday0, weeks.end, weeks.day_w
    inj: dict[int, list[tuple[int, int, int, int]]] = {}
    with transaction.atomic():
        for si, sit in enumerate(plan):
            names_used = sorted(set(sit.respondents))
            norm = {normalise_org_name(x) for x in names_used}
            row = InjectedSituation.objects.create(
                key=sit.key, name_en=sit.name_en, name_zh=sit.name_zh, kind=sit.kind,
                category_code=sit.category, area_code=sit.area.code, area_level=sit.area.level,
                respondent=sorted(norm)[0], respondent_names=names_used,
                start_date=sit.start, end_date=min(sit.end, end - dt.timedelta(days=1)),
                extra_cases=sit.extra, description=sit.description, seed=seed,
            )  # fmt: skip
            sit.pk = row.pk
            d0 = (sit.start - monday0).days
            d1 = min((sit.end - monday0).days, (end - monday0).days - 1)
            w = day_w.reshape(-1)[d0 : d1 + 1] + 1e-9
            # Ramp up then down: most reports in the middle of the window.
            shape = np.sin(np.linspace(0.15, math.pi - 0.15, len(w))) ** 0.7
            p = w * shape / (w * shape).sum()
            picked_days = d0 + rng.choice(len(w), size=sit.extra, p=p)
            picked_comms = rng.integers(0, len(sit.communities), size=sit.extra)
            k = codes.index(sit.category)
            for d, ci in zip(picked_days.tolist(), picked_comms.tolist(), strict=True):
                cidx = comm_index[sit.communities[ci].code]
                inj.setdefault(d // 7, []).append((d, cidx, k, si))
    return inj
