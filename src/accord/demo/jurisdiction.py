"""The demo jurisdiction: the area tree of Linjiang City and its staff accounts.

`build_tree` draws the tree for a size (deterministic for the generator it is given),
`save_tree` writes it level by level, `create_staff` creates every role over the right
areas (the named accounts through `accounts.services.user_create`, audited; the rest in bulk).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth.hashers import make_password
from django.db import transaction

from accord.accounts.models import Membership, Role, User
from accord.accounts.services import user_create
from accord.core.models import Area, Level
from accord.demo import names as N

DEMO_PASSWORD = "accord-demo-2026"  # noqa: S105 - a published demo password, by design


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
    model: Area | None = None  # the saved row, its ancestors loaded (see save_tree)


@dataclass
class Staff:
    pk: int
    username: str
    role: str


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
            n.pk, n.model = r.pk, r
    # Every area's ancestors in memory (one query), for the cases' handling units.
    Area.load_ancestors([n.model for n in nodes])
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
                display_name=person(rnd)[0],
            )
            named_pks.append(user.pk)
            staff[(role, node.code)] = Staff(user.pk, username, role)
        User.objects.filter(pk__in=named_pks).update(password=password_hash, is_staff=False)
        users = [
            User(username=u, display_name=person(rnd)[0], password=password_hash)
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


def person(rnd: random.Random) -> tuple[str, str]:
    s_zh, s_en = N.SURNAMES[rnd.randrange(len(N.SURNAMES))]
    g1 = N.GIVEN[rnd.randrange(len(N.GIVEN))]
    if rnd.random() < 0.7:
        g2 = N.GIVEN[rnd.randrange(len(N.GIVEN))]
        return s_zh + g1[0] + g2[0], f"{s_en} {(g1[1] + g2[1]).capitalize()}"
    return s_zh + g1[0], f"{s_en} {g1[1].capitalize()}"
