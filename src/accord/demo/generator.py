"""The demo generator: a fictional city with staff, three years of cases and ground truth.

Deterministic for a seed and an end date: every random draw comes from generators seeded
from `seed` and everything is produced in a fixed order. Rows are written with bulk_create
in batches, one transaction per batch, so memory stays bounded at any size.

Background counts are negative-binomial per community × category × week with a category
base rate, a community effect, an urban/rural mix, monthly seasonality (plus a wage-arrears
peak before the Spring Festival), a mild trend and fewer filings on weekends and holidays.
On top of that a few situations are injected and recorded in `demo.InjectedSituation`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from accord.accounts.models import ApiToken, Membership, Role, User
from accord.accounts.services import user_create
from accord.cases import routing
from accord.cases.clock import state_deadline, warning_date
from accord.cases.identity import DESCRIPTION_INDEX, hash_secret, normalise_org_name
from accord.cases.models import Case, CaseEvent, CaseSearchToken, Category, Counter, Party
from accord.cases.workflow import FINISHED, S
from accord.core.audit import audit_record
from accord.core.calendar import BusinessCalendar
from accord.core.crypto import BlindIndexField, EncryptedTextField, aad, seal, search_tokens
from accord.core.models import Area, Holiday, Level
from accord.demo import names as N
from accord.demo.holidays import SPRING_FESTIVAL, holiday_rows
from accord.demo.models import InjectedSituation

DEMO_PASSWORD = "accord-demo-2026"  # noqa: S105 - a published demo password, by design
YEARS = 3
BATCH = 5000


@dataclass(frozen=True)
class SizeSpec:
    counties: int
    townships: int  # per county (± 1)
    communities: int  # per township (± 2)
    grids: int  # per community (± 1)
    cases: int  # expected background cases over the three years
    extra_scale: float  # multiplies the injected situations' case counts


SIZES = {
    "small": SizeSpec(2, 3, 4, 3, 2000, 1.0),
    "medium": SizeSpec(5, 6, 8, 4, 50_000, 2.0),
    "large": SizeSpec(8, 10, 12, 5, 1_000_000, 5.0),
}


class DemoError(Exception):
    pass


@dataclass
class Node:
    code: str
    zh: str
    en: str
    level: str
    parent: Node | None
    slug: str = ""
    urban: bool = True
    path: str = ""
    pk: int | None = None
    children: list[Node] = field(default_factory=list)
    anc: dict[str, Node] = field(default_factory=dict)  # level -> ancestor (or self)


@dataclass
class Staff:
    pk: int
    username: str
    role: str


@dataclass
class SeedResult:
    size: str
    seed: int
    end: dt.date
    areas: int = 0
    users: int = 0
    cases: int = 0
    parties: int = 0
    events: int = 0
    holidays: int = 0
    situations: list[dict] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, area
    patterns: list[tuple[str, str, str]] = field(default_factory=list)
    example_reference: str = ""
    example_secret: str = ""
    seconds: float = 0.0


# --------------------------------------------------------------------------- data state


def has_demo_data() -> bool:
    return Case.objects.exists() or Area.objects.exists()


def reset_demo_data(progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Delete what the demo creates: situations, cases (with events and parties), counters,
    non-superuser users and areas. Holidays and categories stay."""
    out: dict[str, int] = {}
    with transaction.atomic():
        out["situations"] = InjectedSituation.objects.all().delete()[0]
        out["events"] = CaseEvent.objects.all().delete()[0]
        out["parties"] = Party.objects.all().delete()[0]
        ids = list(Case.objects.values_list("pk", flat=True))
        for i in range(0, len(ids), 20_000):
            Case.objects.filter(pk__in=ids[i : i + 20_000]).delete()
        out["cases"] = len(ids)
        Counter.objects.filter(name__startswith="case-").delete()
        users = User.objects.filter(is_superuser=False)
        ApiToken.objects.filter(user__in=users).delete()
        Membership.objects.all().delete()
        out["users"] = users.delete()[0]
        n = 0
        for level in reversed(Level.values):
            n += Area.objects.filter(level=level).delete()[0]
        out["areas"] = n
        audit_record(actor=None, action="demo.reset", object_type="demo", data=out)
    if progress:
        progress(f"reset: deleted {out['cases']:,} cases, {out['users']} users, {n} areas")
    return out


def ground_truth() -> list[dict]:
    return [s.as_dict() for s in InjectedSituation.objects.prefetch_related("cases")]


def tracking_secret(seed: int, reference: str) -> str:
    """The demo case's tracking secret: derived from the seed, so a demo user can be told
    one. (Real cases get a random secret; demo data is not confidential.)"""
    digest = hashlib.sha256(f"accord-demo:{seed}:{reference}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()[:16]


# --------------------------------------------------------------------------- areas


def _place_code(a: str, b: str, taken: set[str]) -> str:
    for cand in (a[0] + b[0], a[0] + b[:2], a[:2] + b[0], a[:2] + b[:2]):
        if cand.upper() not in taken:
            return cand.upper()
    i = 2
    while f"{a[0]}{b[0]}{i}".upper() in taken:
        i += 1
    return f"{a[0]}{b[0]}{i}".upper()


def build_tree(spec: SizeSpec, rng: np.random.Generator) -> Node:
    city = Node(N.CITY[0], N.CITY[1], N.CITY[2], Level.CITY, None, slug="linjiang")
    combos = [(f[0] + s[0], f[1], s[1]) for f in N.PLACE_FIRST for s in N.PLACE_SECOND]
    order = rng.permutation(len(combos))
    used_zh = {c[0] for c in N.COUNTIES} | {N.FIRST_TOWNSHIP[0], N.FIRST_COMMUNITY[0]}
    used_slug = {c[1].lower() for c in N.COUNTIES}
    used_slug |= {N.FIRST_TOWNSHIP[1] + N.FIRST_TOWNSHIP[2], N.FIRST_COMMUNITY[1] + "an"}
    pool = iter(int(i) for i in order)

    def fresh() -> tuple[str, str, str]:
        for i in pool:
            zh, a, b = combos[i]
            slug = a + b
            if zh in used_zh or slug in used_slug:
                continue
            used_zh.add(zh)
            used_slug.add(slug)
            return zh, a, b
        raise DemoError("ran out of place names")

    for ci in range(spec.counties):
        zh, en, urban, code = N.COUNTIES[ci % len(N.COUNTIES)]
        county = Node(
            f"{city.code}-{code}",
            zh + ("区" if urban else "县"),
            en + (" District" if urban else " County"),
            Level.COUNTY,
            city,
            slug=en.lower(),
            urban=urban,
        )
        city.children.append(county)
        n_town = max(2, spec.townships + int(rng.integers(-1, 2))) if ci else spec.townships
        taken: set[str] = set()
        for ti in range(n_town):
            zh, a, b = N.FIRST_TOWNSHIP if (ci == 0 and ti == 0) else fresh()
            code = _place_code(a, b, taken)
            taken.add(code)
            if urban:
                suffix_zh, suffix_en = "街道", "Street"
            elif rng.random() < 0.8:
                suffix_zh, suffix_en = "镇", "Town"
            else:
                suffix_zh, suffix_en = "乡", "Township"
            town = Node(
                f"{county.code}-{code}",
                zh + suffix_zh,
                f"{N.join_pinyin(a, b)} {suffix_en}",
                Level.TOWNSHIP,
                county,
                slug=a + b,
                urban=urban,
            )
            county.children.append(town)
            n_comm = max(2, spec.communities + int(rng.integers(-2, 3)))
            ctaken: set[str] = set()
            for mi in range(n_comm):
                first = ci == 0 and ti == 0 and mi == 0
                zh, a, b = N.FIRST_COMMUNITY if first else fresh()
                code = _place_code(a, b, ctaken)
                ctaken.add(code)
                village = not urban and (mi > 0 and rng.random() < 0.85)
                comm = Node(
                    f"{town.code}-{code}",
                    zh + ("村" if village else "社区"),
                    f"{N.join_pinyin(a, b)} {'Village' if village else 'Community'}",
                    Level.COMMUNITY,
                    town,
                    slug=a + b,
                    urban=urban,
                )
                town.children.append(comm)
                n_grid = max(2, spec.grids + int(rng.integers(-1, 2)))
                for gi in range(1, n_grid + 1):
                    comm.children.append(
                        Node(
                            f"{comm.code}-G{gi:02d}", f"第{gi}网格", f"Grid {gi}", Level.GRID, comm
                        )
                    )
    return city


def walk(node: Node):
    yield node
    for child in node.children:
        yield from walk(child)


def save_tree(city: Node) -> list[Node]:
    nodes = list(walk(city))
    for node in nodes:
        node.path = (node.parent.path if node.parent else "/") + node.code + "/"
        node.anc = dict(node.parent.anc) if node.parent else {}
        node.anc[node.level] = node
    for level in Level.values:
        batch = [n for n in nodes if n.level == level]
        rows = [
            Area(
                code=n.code,
                name_en=n.en,
                name_zh=n.zh,
                level=n.level,
                parent_id=n.parent.pk if n.parent else None,
                path=n.path,
            )
            for n in batch
        ]
        Area.objects.bulk_create(rows, batch_size=1000)
        if any(r.pk is None for r in rows):  # backends without RETURNING
            pks = dict(Area.objects.filter(level=level).values_list("code", "pk"))
            for r in rows:
                r.pk = pks[r.code]
        for n, r in zip(batch, rows, strict=True):
            n.pk = r.pk
    return nodes


# --------------------------------------------------------------------------- users


def create_staff(city: Node, rnd: random.Random) -> tuple[dict, list, list]:
    """Named users through accounts.services.user_create (audited), the rest in bulk.
    Returns ({(role, area code): Staff}, printable logins, username patterns)."""
    county0 = city.children[0]
    town0 = county0.children[0]
    comm0 = town0.children[0]
    named = [
        ("admin", Role.ADMIN, city),
        ("analyst", Role.ANALYST, city),
        (f"supervisor.{county0.slug}", Role.COUNTY_SUPERVISOR, county0),
        (f"handler.{county0.slug}", Role.DEPARTMENT_HANDLER, county0),
        (f"counselor.{county0.slug}", Role.COUNSELOR, county0),
        (f"inspector.{county0.slug}", Role.INSPECTOR, county0),
        (f"analyst.{county0.slug}", Role.ANALYST, county0),
        (f"coordinator.{town0.slug}", Role.TOWNSHIP_COORDINATOR, town0),
        (f"mediator.{town0.slug}", Role.MEDIATOR, town0),
        (f"mediator.{comm0.slug}", Role.MEDIATOR, comm0),
        ("resident", Role.RESIDENT, comm0),
    ]
    bulk: list[tuple[str, str, Node]] = []
    for county in city.children[1:]:
        for prefix, role in (
            ("supervisor", Role.COUNTY_SUPERVISOR),
            ("handler", Role.DEPARTMENT_HANDLER),
            ("counselor", Role.COUNSELOR),
            ("inspector", Role.INSPECTOR),
            ("analyst", Role.ANALYST),
        ):
            bulk.append((f"{prefix}.{county.slug}", role, county))
    for county in city.children:
        for town in county.children:
            if town is not town0:
                bulk.append((f"coordinator.{town.slug}", Role.TOWNSHIP_COORDINATOR, town))
                bulk.append((f"mediator.{town.slug}", Role.MEDIATOR, town))
            for comm in town.children:
                if comm is not comm0:
                    bulk.append((f"mediator.{comm.slug}", Role.MEDIATOR, comm))
    for town in county0.children[1:3]:
        comm = town.children[0]
        bulk.append((f"resident.{comm.slug}", Role.RESIDENT, comm))
    if len(city.children) > 1:
        comm = city.children[1].children[0].children[0]
        bulk.append((f"resident.{comm.slug}", Role.RESIDENT, comm))

    password_hash = make_password(DEMO_PASSWORD)  # hashed once, shared by every demo user
    staff: dict[tuple[str, str], Staff] = {}
    with transaction.atomic():
        named_pks = []
        for username, role, node in named:
            user = user_create(
                actor=None,
                username=username,
                role=role,
                area_code=node.code,
                password=None,
                display_name=_person(rnd)[0],
            )
            named_pks.append(user.pk)
            staff[(role, node.code)] = Staff(user.pk, username, role)
        User.objects.filter(pk__in=named_pks).update(password=password_hash, is_staff=False)
        users = [
            User(username=u, display_name=_person(rnd)[0], password=password_hash)
            for u, _, _ in bulk
        ]
        User.objects.bulk_create(users, batch_size=1000)
        if any(u.pk is None for u in users):
            pks = dict(
                User.objects.filter(username__in=[u for u, _, _ in bulk]).values_list(
                    "username", "pk"
                )
            )
            for u in users:
                u.pk = pks[u.username]
        Membership.objects.bulk_create(
            [
                Membership(user_id=u.pk, role=role, area_id=node.pk)
                for u, (_, role, node) in zip(users, bulk, strict=True)
            ],
            batch_size=1000,
        )
        for u, (username, role, node) in zip(users, bulk, strict=True):
            staff[(role, node.code)] = Staff(u.pk, username, role)
    logins = [(u, r, n.code) for u, r, n in named]
    patterns = [
        ("supervisor|handler|counselor|inspector|analyst.<county>", "county roles", "each county"),
        ("coordinator.<township> / mediator.<township>", "township roles", "each township"),
        ("mediator.<community>", "mediator", "each community / village"),
    ]
    logins += [(u, r, n.code) for u, r, n in bulk if r == Role.RESIDENT]
    return staff, logins, patterns


def _person(rnd: random.Random) -> tuple[str, str]:
    s_zh, s_en = N.SURNAMES[rnd.randrange(len(N.SURNAMES))]
    g1 = N.GIVEN[rnd.randrange(len(N.GIVEN))]
    if rnd.random() < 0.7:
        g2 = N.GIVEN[rnd.randrange(len(N.GIVEN))]
        return s_zh + g1[0] + g2[0], f"{s_en} {(g1[1] + g2[1]).capitalize()}"
    return s_zh + g1[0], f"{s_en} {g1[1].capitalize()}"


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


# --------------------------------------------------------------------------- the run


class _Gen:
    """Per-run state for building cases."""

    def __init__(
        self, seed: int, end: dt.date, city: Node, staff: dict, calendar: BusinessCalendar
    ):
        self.seed = seed
        self.end = end
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.cutoff = dt.datetime.combine(end, dt.time(0), tzinfo=self.tz)
        self.city = city
        self.staff = staff
        self.cal = calendar
        self.policy = routing.policy_from_settings()
        self.categories = {c.code: c for c in Category.objects.order_by("code")}
        self.counters: dict[int, int] = {}
        self.rnd = random.Random(seed * 1_000_003 + 17)

    # ---- people and text

    def org_name(self, code: str, comm: Node) -> tuple[str, str]:
        rnd = self.rnd
        town, county = comm.anc[Level.TOWNSHIP], comm.anc[Level.COUNTY]
        if code == "medical":
            zh, en = N.HOSPITALS[rnd.randrange(len(N.HOSPITALS))]
            return (
                zh.format(county=county.zh, township=town.zh),
                en.format(county=county.en, township=town.en),
            )
        if code == "relocation":
            zh, en = N.RELOCATION_BODIES[rnd.randrange(len(N.RELOCATION_BODIES))]
            return (
                zh.format(county=county.zh, township=town.zh),
                en.format(county=county.en, township=town.en),
            )
        trades = N.TRADES.get(code) or N.TRADES["contract_debt"]
        s_zh, s_en = N.COMPANY_STEMS[rnd.randrange(len(N.COMPANY_STEMS))]
        t_zh, t_en = trades[rnd.randrange(len(trades))]
        suffix = rnd.random()
        zh = (
            s_zh
            + t_zh
            + ("有限公司" if suffix < 0.7 else "有限责任公司" if suffix < 0.85 else "公司")
        )
        return zh, f"{s_en} {t_en} Co., Ltd."

    def amount(self, code: str, people: int) -> Decimal | None:
        rng = N.CATEGORY_PROFILE[code]["amount"]
        if rng is None or (code == "property" and self.rnd.random() < 0.4):
            return None
        lo, hi = rng
        value = math.exp(self.rnd.uniform(math.log(lo), math.log(hi)))
        if code == "labour" and people > 1:
            value *= min(people, 60) * 0.6
        return Decimal(int(round(value, -2)) or 100)

    def people(self, code: str, collective: float | None = None) -> int:
        r = self.rnd.random()
        share = collective
        if share is None:
            share = {"labour": 0.06, "environment": 0.10, "relocation": 0.08}.get(code, 0.012)
        if r < share:
            return self.rnd.randint(10, 60)
        r = self.rnd.random()
        if r < 0.58:
            return 1
        if r < 0.86:
            return 2
        if r < 0.95:
            return 3
        return self.rnd.randint(4, 9)

    # ---- time helpers

    def office(self, day: dt.date) -> dt.datetime:
        while not self.cal.is_working_day(day):
            day += dt.timedelta(days=1)
        minute = self.rnd.randint(8 * 60 + 30, 17 * 60 + 30)
        return dt.datetime.combine(
            day, dt.time(minute // 60, minute % 60, self.rnd.randint(0, 59)), tzinfo=self.tz
        )

    def after_working(self, t: dt.datetime, lo: int, hi: int) -> dt.datetime:
        n = self.rnd.randint(lo, hi)
        day = self.cal.add_working_days(t.date(), n) if n else t.date()
        nt = self.office(day)
        if nt <= t:
            nt = t + dt.timedelta(minutes=self.rnd.randint(5, 120))
        return nt

    def after_days(self, t: dt.datetime, days: float) -> dt.datetime:
        nt = self.office(t.date() + dt.timedelta(days=max(0, int(days))))
        if nt <= t:
            nt = t + dt.timedelta(minutes=self.rnd.randint(5, 120))
        return nt

    # ---- staff at a tier

    def who(self, node: Node, tier: str) -> tuple[Staff, Staff]:
        """(coordinator, handler) for a case in community `node` handled at `tier`."""
        comm = node.anc[Level.COMMUNITY]
        town = node.anc[Level.TOWNSHIP]
        county = node.anc[Level.COUNTY]
        st = self.staff
        if tier == "community":
            m = st.get((Role.MEDIATOR, comm.code)) or st[(Role.MEDIATOR, town.code)]
            return m, m
        if tier == "township":
            return st[(Role.TOWNSHIP_COORDINATOR, town.code)], st[(Role.MEDIATOR, town.code)]
        if tier == "county":
            return st[(Role.COUNTY_SUPERVISOR, county.code)], st[
                (Role.DEPARTMENT_HANDLER, county.code)
            ]
        admin = st[(Role.ADMIN, self.city.code)]
        return admin, admin

    # ---- one case

    def make_case(
        self, code: str, comm: Node, created: dt.datetime, channel: str, sit: Situation | None
    ) -> tuple[_Row, list[_Row], list[_Row]]:
        rnd = self.rnd
        cat = self.categories[code]
        prof = N.CATEGORY_PROFILE[code]
        area = comm if (not comm.children or rnd.random() < 0.2) else rnd.choice(comm.children)
        people = self.people(code, sit.collective if sit else None)
        amount = self.amount(code, people)
        violence = rnd.random() < (
            0.03 if code in ("neighbour", "family", "relocation", "labour") else 0.01
        )
        vulnerable = rnd.random() < 0.06
        lang = "zh" if rnd.random() < 0.75 else "en"
        a_zh, a_en = _person(rnd)
        applicant = a_zh if lang == "zh" else a_en
        kind = prof["respondent"]
        if kind == "mixed":
            kind = "organisation" if rnd.random() < 0.3 else "person"
        if sit is not None:
            kind = "organisation"
            r_name = sit.respondents[rnd.randrange(len(sit.respondents))]
            r_text = r_name if lang == "zh" else sit.respondent_en
        elif code == "rural_land" and rnd.random() < 0.15:
            kind = "organisation"
            vzh = comm.zh
            r_name = N.VILLAGE_COMMITTEE[0].format(
                community=vzh.removesuffix("村").removesuffix("社区")
            )
            r_text = r_name if lang == "zh" else N.VILLAGE_COMMITTEE[1].format(community=comm.en)
        elif kind == "organisation":
            zh, en = self.org_name(code, comm)
            r_name = zh if lang == "zh" or rnd.random() < 0.6 else en
            r_text = zh if lang == "zh" else en
        else:
            p_zh, p_en = _person(rnd)
            r_name = p_zh if lang == "zh" else p_en
            r_text = r_name
        templates = N.DESCRIPTIONS[code][lang]
        choices = list(sit.templates) if sit else list(range(len(templates)))

        def fits(i: int) -> bool:
            t = templates[i]
            if amount is None and "{amt}" in t:
                return False
            if people < 2 and "{n}" in t:
                return False
            return created.month in (12, 1, 2) or ("春节" not in t and "Spring" not in t)

        choices = (
            [i for i in choices if fits(i)] or [i for i in range(len(templates)) if fits(i)] or [0]
        )
        text = templates[choices[rnd.randrange(len(choices))]].format(
            a=applicant,
            r=r_text,
            amt=f"{amount:,.0f}" if amount is not None else "",
            m=rnd.randint(2, 14),
            n=people,
        )
        inp = routing.RoutingInput.for_category(
            cat, people_count=people, amount=amount, risk_of_violence=violence
        )
        decision = routing.route(inp, self.policy)
        reasons = decision.reasons_as_dicts()
        year = created.year
        n = self.counters.get(year, 0) + 1
        self.counters[year] = n
        reference = f"AC-{year}-{n:07d}"
        filed_by = None
        if channel == "web" and rnd.random() < 0.4:
            resident = self.staff.get((Role.RESIDENT, comm.code))
            filed_by = resident.pk if resident else None
        case = _Row(
            id=self.next_id,
            assignee_id=None,
            failed_attempts_at_tier=0,
            failed_attempts_total=0,
            satisfaction=None,
            agreement_performed=None,
            clock_suspended=False,
            closed_at=None,
            anonymised_at=None,
            deadline=None,
            deadline_warning=None,
            reference=reference,
            tracking_secret_hash=hash_secret(tracking_secret(self.seed, reference)),
            category_id=cat.pk,
            area_id=area.pk,
            handling_area_id=area.anc[decision.tier].pk,
            description=text,
            people_count=people,
            amount=amount,
            channel=channel,
            risk_of_violence=violence,
            vulnerable_party=vulnerable,
            tier=decision.tier,
            status=S.REGISTERED,
            filed_by_id=filed_by,
            routing=reasons,
            police_liaison=decision.police_liaison,
            created_at=created,
            status_changed_at=created,
        )
        contact = f"1{rnd.choice('3578')}{rnd.randint(0, 9)}****{rnd.randint(0, 9999):04d}"
        parties = [
            _Row(
                case_id=self.next_id,
                role="applicant",
                kind="person",
                name=applicant,
                contact=contact,
                normalised_name="",
            ),
            _Row(
                case_id=self.next_id,
                contact="",
                role="respondent",
                kind=kind,
                name=r_name,
                normalised_name=normalise_org_name(r_name) if kind == "organisation" else "",
            ),
        ]
        events = self.timeline(case, cat, inp, area, created, filed_by)
        self.next_id += 1
        return case, parties, events

    def timeline(
        self,
        case: _Row,
        cat: Category,
        inp: routing.RoutingInput,
        area: Node,
        created: dt.datetime,
        filed_by: int | None,
    ) -> list[_Row]:
        """Simulate the case's life through the workflow, then keep what happened before
        the cutoff; the case's fields follow from the kept events."""
        rnd = self.rnd
        steps: list[tuple[dt.datetime, str, str, Staff | None, dict, str]] = []
        lang = 0 if rnd.random() < 0.8 else 1
        tier = case.tier
        comm = area.anc[Level.COMMUNITY]
        coord, handler = self.who(comm, tier)
        staff_channel = case.channel in ("walk_in", "hotline", "grid_worker", "referral")
        reg_actor = self.who(comm, "community")[0] if staff_channel else None
        steps.append(
            (created, "register", S.REGISTERED, reg_actor,
             {"tier": tier, "channel": case.channel, "routing": case.routing}, "")
        )  # fmt: skip
        t = created
        r = rnd.random()
        if r < 0.025:
            t = self.after_working(t, 1, 3)
            steps.append((t, "reject", S.REJECTED, coord, {}, N.NOTES["reject"][lang]))
        elif r < 0.035:
            t = self.after_working(t, 0, 2)
            steps.append((t, "redirect", S.REDIRECTED, coord, {}, N.NOTES["redirect"][lang]))
        else:
            in_progress_days = cat.deadlines.get("in_progress", [30])[0]
            escalate = tier in ("community", "township") and rnd.random() < 0.04
            for round_ in (0, 1):
                t = self.after_working(t, 0, 2)
                steps.append((t, "accept", S.ACCEPTED, coord, {}, ""))
                t = self.after_working(t, 0, 1)
                steps.append((t, "assign", S.ASSIGNED, coord, {"assignee": handler.username}, ""))
                t = self.after_working(t, 0, 2)
                steps.append((t, "start", S.IN_PROGRESS, handler, {}, ""))
                attempts = 0 if rnd.random() < 0.8 else (1 if rnd.random() < 0.75 else 2)
                for i in range(attempts):
                    t = self.after_days(t, rnd.uniform(2, 10))
                    steps.append(
                        (t, "record_attempt", S.IN_PROGRESS, handler,
                         {"failed_attempts_at_tier": i + 1}, N.NOTES["attempt"][lang])
                    )  # fmt: skip
                if round_ == 0 and escalate:
                    t = self.after_days(t, rnd.uniform(1, 8))
                    by_party = filed_by is not None and rnd.random() < 0.5
                    dec = routing.route(
                        routing.RoutingInput(**{
                            **inp.__dict__, "current_tier": tier,
                            "party_requested": by_party, "staff_requested": not by_party,
                        }),
                        self.policy,
                    )  # fmt: skip
                    data = {
                        "tier": {"from": tier, "to": dec.tier},
                        "requested_by": "party" if by_party else "staff",
                    }
                    new = [
                        {"rule": x.rule, "en": x.en, "zh": x.zh}
                        for x in dec.reasons
                        if x.rule != "category_default"
                    ]
                    steps.append(
                        (t, "escalate", S.ESCALATED, None if by_party else handler,
                         {**data, "_routing": new, "_police": dec.police_liaison},
                         N.NOTES["escalate"][lang])
                    )  # fmt: skip
                    tier = dec.tier
                    coord, handler = self.who(comm, tier)
                    continue
                break
            r = rnd.random()
            if r < 0.03:
                t = self.after_days(t, rnd.uniform(1, 20))
                steps.append((t, "withdraw", S.WITHDRAWN, handler, {}, N.NOTES["withdraw"][lang]))
                return self._apply(case, cat, steps)
            referred = r < 0.09
            if rnd.random() < 0.08:  # a slow case that overruns its clock
                dur = in_progress_days * rnd.uniform(1.1, 3.0)
            else:
                dur = rnd.gammavariate(2.0, in_progress_days * 0.18)
            t = self.after_days(t, dur)
            if referred:
                steps.append((t, "refer", S.REFERRED, handler, {}, N.NOTES["refer"][lang]))
            else:
                steps.append((t, "resolve", S.RESOLVED, handler, {}, N.NOTES["resolve"][lang]))
            t = self.after_days(t, rnd.uniform(2, 14))
            sat = rnd.choices((1, 2, 3, 4, 5), (4, 6, 15, 35, 40))[0]
            performed = None if referred else rnd.random() < 0.9
            steps.append(
                (t, "follow_up", S.FOLLOW_UP, handler,
                 {"satisfaction": sat, "agreement_performed": performed}, "")
            )  # fmt: skip
            t = self.after_working(t, 0, 3)
            steps.append((t, "close", S.CLOSED, handler, {}, ""))
            if rnd.random() < 0.9:
                t = self.after_days(t, rnd.uniform(15, 90))
                archiver = coord if tier != "community" else self.who(comm, "township")[0]
                steps.append((t, "archive", S.ARCHIVED, archiver, {}, ""))
        return self._apply(case, cat, steps)

    def _apply(self, case: _Row, cat: Category, steps: list) -> list[_Row]:
        events: list[_Row] = []
        status = ""
        for t, action, to, actor, data, note in steps:
            if t >= self.cutoff:
                break
            if action == "escalate":
                data = dict(data)
                case.routing = case.routing + data.pop("_routing")
                case.police_liaison = case.police_liaison or data.pop("_police")
                case.tier = data["tier"]["to"]
                case.handling_area_id = self._handling[(case.area_id, case.tier)]
                case.failed_attempts_at_tier = 0
                case.assignee_id = None
            elif action == "assign":
                case.assignee_id = self._user_pk[data["assignee"]]
            elif action == "record_attempt":
                case.failed_attempts_at_tier += 1
                case.failed_attempts_total += 1
            elif action == "follow_up":
                case.satisfaction = data["satisfaction"]
                case.agreement_performed = data["agreement_performed"]
            events.append(
                _Row(
                    case_id=case.id,
                    created_at=t,
                    actor_id=actor.pk if actor else None,
                    actor_role=actor.role if actor else "",
                    action=action,
                    from_status=status,
                    to_status=to,
                    note=note,
                    data=data,
                )
            )
            if to in FINISHED and case.closed_at is None:
                case.closed_at = t
            if to != status:
                case.status_changed_at = t
            status = to
        case.status = status
        case.updated_at = case.status_changed_at
        entered = case.status_changed_at.astimezone(self.tz).date()
        case.deadline = state_deadline(self.cal, cat.deadlines, status, entered)
        case.deadline_warning = warning_date(entered, case.deadline)
        return events


class _Row:
    """A row to insert: attributes named as the model's columns (attnames)."""

    def __init__(self, **kw) -> None:
        self.__dict__.update(kw)


class _Writer:
    """INSERT ... VALUES via executemany: several times faster than bulk_create for
    hundreds of thousands of rows, because no model instances are built."""

    def __init__(self, model, with_pk: bool) -> None:
        qn = connection.ops.quote_name
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.table = model._meta.db_table
        self.has_row_key = any(f.name == "row_key" for f in self.fields)
        cols = ", ".join(qn(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        # Identifiers come from the model, quoted by the backend; values are parameters.
        self.sql = f"INSERT INTO {qn(model._meta.db_table)} ({cols}) VALUES ({marks})"  # noqa: S608
        ops = connection.ops
        self.conv = []
        for f in self.fields:
            kind = f.get_internal_type()
            if kind == "DateTimeField":
                self.conv.append(ops.adapt_datetimefield_value)
            elif kind == "DateField":
                self.conv.append(ops.adapt_datefield_value)
            elif kind == "DecimalField":
                self.conv.append(
                    lambda v, f=f: ops.adapt_decimalfield_value(v, f.max_digits, f.decimal_places)
                )
            elif kind in ("JSONField", "UUIDField"):
                self.conv.append(lambda v, f=f: f.get_db_prep_save(v, connection))
            else:
                self.conv.append(None)

    def _protect(self, r: _Row) -> None:
        """Personal data as the models store it: encrypted, bound to the row's random key,
        with blind indexes computed from the plaintext (see accord.core.crypto)."""
        if "row_key" not in r.__dict__:
            r.row_key = uuid.uuid4()
        d = r.__dict__
        for f in self.fields:
            if isinstance(f, EncryptedTextField):
                d.setdefault(f.attname, "")
        for f in self.fields:
            if isinstance(f, BlindIndexField):
                d[f.attname] = f.compute(r)
        for f in self.fields:
            if isinstance(f, EncryptedTextField):
                v = d[f.attname]
                if v:
                    d[f.attname] = seal(v, aad(self.table, f.column, r.row_key))

    def insert(self, rows: list[_Row]) -> None:
        if self.has_row_key:
            for r in rows:
                self._protect(r)
        names = [f.attname for f in self.fields]
        pairs = list(zip(names, self.conv, strict=True))
        params = [tuple(c(r.__dict__[n]) if c else r.__dict__[n] for n, c in pairs) for r in rows]
        with connection.cursor() as cur:
            for i in range(0, len(params), 1000):
                cur.executemany(self.sql, params[i : i + 1000])


def _flush(writers, cases, parties, events, links, counters: dict[int, int]) -> None:
    with transaction.atomic():
        # Keep the reference counters in step with the committed cases, so that cases
        # filed later (or after an interrupted run) continue the sequence.
        for year, value in sorted(counters.items()):
            Counter.objects.update_or_create(name=f"case-{year}", defaults={"value": value})
        tokens = [
            _Row(case_id=c.id, token=t)
            for c in cases
            for t in sorted(search_tokens(DESCRIPTION_INDEX, c.description))
        ]  # from the plaintext, before the insert encrypts it
        writers["case"].insert(cases)
        writers["party"].insert([p for ps in parties for p in ps])
        writers["event"].insert([e for es in events for e in es])
        writers["token"].insert(tokens)
        through = InjectedSituation.cases.through
        through.objects.bulk_create(
            [through(injectedsituation_id=sit_pk, case_id=cases[i].id) for i, sit_pk in links]
        )


def seed_demo(
    *,
    size: str = "small",
    seed: int = 1,
    end: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
    batch: int = BATCH,
) -> SeedResult:
    """Generate the demo data into an empty database (see has_demo_data / reset_demo_data)."""
    # With DEBUG on, Django would log (and format) every one of the many INSERTs.
    debug, settings.DEBUG = settings.DEBUG, False
    try:
        return _seed_demo(size=size, seed=seed, end=end, progress=progress, batch=batch)
    finally:
        settings.DEBUG = debug


def _seed_demo(
    *,
    size: str,
    seed: int,
    end: dt.date | None,
    progress: Callable[[str], None] | None,
    batch: int,
) -> SeedResult:
    if size not in SIZES:
        raise DemoError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    if has_demo_data():
        raise DemoError("the database already has areas or cases")
    say = progress or (lambda _msg: None)
    started = time.monotonic()
    spec = SIZES[size]
    tz = ZoneInfo(settings.TIME_ZONE)
    end = end or dt.datetime.now(tz).date()
    res = SeedResult(size=size, seed=seed, end=end)
    rng = np.random.default_rng(seed)
    start = end - dt.timedelta(days=365 * YEARS + 1)

    # Holidays: add the years covered; keep any rows a deployment loaded itself.
    rows = holiday_rows(start.year, end.year + 1)
    before = Holiday.objects.count()
    Holiday.objects.bulk_create(
        [Holiday(date=d, kind=k, name=n) for d, k, n in rows], ignore_conflicts=True
    )
    res.holidays = Holiday.objects.count() - before
    calendar = BusinessCalendar.load()

    # Areas and staff.
    city = build_tree(spec, np.random.default_rng([seed, 1]))
    with transaction.atomic():
        nodes = save_tree(city)
    res.areas = len(nodes)
    staff, res.logins, res.patterns = create_staff(city, random.Random(seed * 31 + 7))
    res.users = len(staff)
    say(f"{res.areas:,} areas, {res.users:,} users ({time.monotonic() - started:.1f} s)")

    gen = _Gen(seed, end, city, staff, calendar)
    gen._user_pk = {s.username: s.pk for s in staff.values()}
    gen._handling = {
        (n.pk, tier): n.anc[tier].pk
        for n in nodes
        if n.level in (Level.COMMUNITY, Level.GRID)
        for tier in routing.TIERS
    }
    comms = [n for n in nodes if n.level == Level.COMMUNITY]
    comm_index = {c.code: i for i, c in enumerate(comms)}
    codes = sorted(gen.categories)
    if set(codes) - set(N.CATEGORY_PROFILE):
        codes = [c for c in codes if c in N.CATEGORY_PROFILE]

    # Weekly expected counts: community × category × week.
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
    week_w = day_w.sum(axis=1) / DOW_WEIGHT.sum()
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
    towns = [n for n in nodes if n.level == Level.TOWNSHIP]
    t_eff = dict(
        zip([t.code for t in towns], rng.gamma(6.0, 1 / 6.0, size=len(towns)), strict=True)
    )
    mix = np.array([[p["urban"] if c.urban else p["rural"] for p in prof] for c in comms])  # C × K
    c_all = c_eff * np.array([t_eff[c.parent.code] for c in comms])
    mu = (c_all[:, None] * mix * base[None, :])[:, :, None] * (season * trend * week_w)[None]
    mu *= spec.cases / mu.sum()
    size_nb = 4.0
    counts = rng.negative_binomial(size_nb, size_nb / (size_nb + mu))  # C × K × W

    # Injected situations: extra cases with day offsets inside their windows.
    plan = plan_situations(city, spec, end)
    inj: dict[int, list[tuple[int, int, int, int]]] = {}  # week -> (day, comm, cat, sit)
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

    total_expected = int(counts.sum()) + sum(s.extra for s in plan)
    say(f"generating ~{total_expected:,} cases over {n_weeks} weeks ({start} – {end})")
    channels = list(N.CHANNEL_WEIGHTS)
    ch_p = np.array(list(N.CHANNEL_WEIGHTS.values()))
    ch_p /= ch_p.sum()
    buf_c: list[_Row] = []
    buf_p: list[list[_Row]] = []
    buf_e: list[list[_Row]] = []
    writers = {
        "case": _Writer(Case, with_pk=True),
        "party": _Writer(Party, with_pk=False),
        "event": _Writer(CaseEvent, with_pk=False),
        "token": _Writer(CaseSearchToken, with_pk=False),
    }
    gen.next_id = (Case.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    links: list[tuple[int, int]] = []
    last_report = time.monotonic()
    last = ""

    def flush(w: int) -> None:
        nonlocal buf_c, buf_p, buf_e, links, last, last_report
        if not buf_c:
            return
        _flush(writers, buf_c, buf_p, buf_e, links, gen.counters)
        res.cases += len(buf_c)
        res.parties += sum(len(p) for p in buf_p)
        res.events += sum(len(e) for e in buf_e)
        last = buf_c[-1].reference
        buf_c, buf_p, buf_e, links = [], [], [], []
        now = time.monotonic()
        if now - last_report > 5 or w == n_weeks - 1:
            last_report = now
            pct = 100 * res.cases / max(total_expected, 1)
            say(
                f"  {res.cases:,}/{total_expected:,} cases ({pct:.0f}%), "
                f"week {w + 1}/{n_weeks}, {now - started:.1f} s"
            )

    for w in range(n_weeks):
        cell = counts[:, :, w]
        ci, ki = np.nonzero(cell)
        reps = cell[ci, ki]
        c_arr = np.repeat(ci, reps)
        k_arr = np.repeat(ki, reps)
        n = len(c_arr)
        pw = day_w[w] / day_w[w].sum() if day_w[w].sum() > 0 else None
        d_arr = 7 * w + rng.choice(7, size=n, p=pw) if n and pw is not None else np.zeros(0, int)
        s_arr = np.full(n, -1)
        extra = inj.get(w, [])
        if extra:
            ex = np.array(extra, dtype=np.int64)
            d_arr = np.concatenate([d_arr, ex[:, 0]])
            c_arr = np.concatenate([c_arr, ex[:, 1]])
            k_arr = np.concatenate([k_arr, ex[:, 2]])
            s_arr = np.concatenate([s_arr, ex[:, 3]])
        m = len(d_arr)
        if m == 0:
            continue
        minutes = np.clip(rng.normal(13 * 60, 200, size=m), 7 * 60, 22 * 60 + 59).astype(int)
        seconds = rng.integers(0, 60, size=m)
        chan = rng.choice(len(channels), size=m, p=ch_p)
        order = np.lexsort((k_arr, c_arr, seconds, minutes, d_arr))
        for i in order.tolist():
            day = monday0 + dt.timedelta(days=int(d_arr[i]))
            mi = int(minutes[i])
            created = dt.datetime.combine(
                day, dt.time(mi // 60, mi % 60, int(seconds[i])), tzinfo=tz
            )
            sit = plan[int(s_arr[i])] if s_arr[i] >= 0 else None
            case, parties, events = gen.make_case(
                codes[int(k_arr[i])], comms[int(c_arr[i])], created, channels[int(chan[i])], sit
            )
            if sit is not None:
                links.append((len(buf_c), sit.pk))
            buf_c.append(case)
            buf_p.append(parties)
            buf_e.append(events)
        if len(buf_c) >= batch or w == n_weeks - 1:
            flush(w)
    if buf_c:
        flush(n_weeks - 1)
    with transaction.atomic():
        if connection.vendor == "postgresql":  # ids were given explicitly
            with connection.cursor() as cur:
                for sql in connection.ops.sequence_reset_sql(no_style(), [Case]):
                    cur.execute(sql)
        res.situations = [s.as_dict() for s in InjectedSituation.objects.filter(seed=seed)]
        res.example_reference = last if res.cases else ""
        res.example_secret = tracking_secret(seed, last) if res.cases else ""
        res.seconds = time.monotonic() - started
        audit_record(
            actor=None,
            action="demo.seed",
            object_type="demo",
            object_id=str(seed),
            data={
                "size": size,
                "seed": seed,
                "end": end.isoformat(),
                "areas": res.areas,
                "users": res.users,
                "cases": res.cases,
                "events": res.events,
                "situations": [s.key for s in plan],
            },
        )
    return res
