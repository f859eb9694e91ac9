"""Shared test data builders for the whole suite (factory_boy + small helpers).

Everything that writes cases goes through `accord.cases.filing` and `accord.cases.transitions`, so routing, the timeline
and the audit chain happen exactly as in production.

    tree = build_area_tree()                    # city › county › 2 townships › ... › grids
    user = create_user("mediator", tree.t1)     # a User with one Membership
    case, secret = create_case(area=tree.t1c1g1, category="neighbour")
    token = create_token(user)
    api = ApiClient(token)                      # JSON + "Authorization: Bearer <token>"
    api.post("cases", {...}).json()
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.test import Client

from accord.accounts.models import Membership, User
from accord.accounts.services import token_create
from accord.cases.filing import CaseInput, PartyInput, case_create
from accord.cases.models import Case, Category
from accord.cases.transitions import case_transition
from accord.core.models import Area, Holiday, Level

API_ROOT = "/api/v1/"
PASSWORD = "correct-horse-battery-staple-42"


# --- factories --------------------------------------------------------------------------


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"A{n:05d}")
    name_en = factory.LazyAttribute(lambda o: f"Area {o.code}")
    name_zh = factory.LazyAttribute(lambda o: f"区域{o.code}")
    level = Level.CITY
    parent = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username.title())
    password = factory.django.Password(PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = "mediator"
    area = factory.SubFactory(AreaFactory)


class HolidayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holiday
        django_get_or_create = ("date",)

    kind = Holiday.Kind.HOLIDAY
    name = "test holiday"


# --- the area tree ------------------------------------------------------------------------


@dataclass
class AreaTree:
    """A small jurisdiction:

    C   city
    CO  county
    T1, T2  townships
    T1C1, T1C2 (under T1), T2C1 (under T2)  communities
    T1C1G1, T1C1G2 (under T1C1), T1C2G1, T2C1G1  grids
    """

    city: Area
    county: Area
    t1: Area
    t2: Area
    t1c1: Area
    t1c2: Area
    t2c1: Area
    t1c1g1: Area
    t1c1g2: Area
    t1c2g1: Area
    t2c1g1: Area

    def all(self) -> list[Area]:
        return list(vars(self).values())


def build_area_tree(prefix: str = "") -> AreaTree:
    """Build the tree; `prefix` keeps codes unique when a test needs two trees."""

    def mk(code: str, level: str, parent: Area | None) -> Area:
        code = prefix + code
        return AreaFactory(
            code=code,
            level=level,
            parent=parent,
            name_en=f"{level.title()} {code}",
            name_zh=f"{code}区域",
        )

    city = mk("C", Level.CITY, None)
    county = mk("CO", Level.COUNTY, city)
    t1 = mk("T1", Level.TOWNSHIP, county)
    t2 = mk("T2", Level.TOWNSHIP, county)
    t1c1 = mk("T1C1", Level.COMMUNITY, t1)
    t1c2 = mk("T1C2", Level.COMMUNITY, t1)
    t2c1 = mk("T2C1", Level.COMMUNITY, t2)
    return AreaTree(
        city=city,
        county=county,
        t1=t1,
        t2=t2,
        t1c1=t1c1,
        t1c2=t1c2,
        t2c1=t2c1,
        t1c1g1=mk("T1C1G1", Level.GRID, t1c1),
        t1c1g2=mk("T1C1G2", Level.GRID, t1c1),
        t1c2g1=mk("T1C2G1", Level.GRID, t1c2),
        t2c1g1=mk("T2C1G1", Level.GRID, t2c1),
    )


# --- people, cases, tokens ----------------------------------------------------------------


def create_user(role: str | None, area: Area | None, **kwargs: Any) -> User:
    """A user holding `role` over `area` (no membership when role is None)."""
    user = UserFactory(**kwargs)
    if role is not None:
        assert area is not None, "a role needs an area"
        Membership.objects.create(user=user, role=role, area=area)
    return user


def category(code: str = "neighbour") -> Category:
    """One of the 12 categories seeded by the data migration."""
    return Category.objects.get(code=code)


def case_input(
    *, area: Area | str, category: str = "neighbour", parties: Any = None, **kwargs: Any
) -> CaseInput:
    if parties is None:
        parties = (
            PartyInput(role="applicant", kind="person", name="Li Wei", contact="138 0000 0000"),
            PartyInput(role="respondent", kind="person", name="Zhang Min"),
        )
    kwargs.setdefault("description", "Water leaks from the flat upstairs into my kitchen.")
    return CaseInput(
        category=category,
        area=area if isinstance(area, str) else area.code,
        parties=tuple(parties),
        **kwargs,
    )


def create_case(
    *, area: Area | str, actor: User | None = None, category: str = "neighbour", **kwargs: Any
) -> tuple[Case, str]:
    """File a case through the service (routing, timeline and audit happen).
    Extra kwargs go to CaseInput (people_count, amount, risk_of_violence, ...)."""
    if "amount" in kwargs and kwargs["amount"] is not None:
        kwargs["amount"] = Decimal(str(kwargs["amount"]))
    return case_create(actor=actor, data=case_input(area=area, category=category, **kwargs))


def transition(case: Case, actor: User, action: str, **kwargs: Any) -> Case:
    """Shorthand for services.case_transition."""
    return case_transition(actor=actor, case=case, action=action, **kwargs)


def create_token(user: User, name: str = "tests") -> str:
    return token_create(actor=None, user=user, name=name)


# --- API client -----------------------------------------------------------------------------


class ApiClient:
    """django.test.Client sending JSON with an optional `Authorization: Bearer <token>`.

    Paths without a leading "/" are relative to /api/v1/: `api.get("cases", status="closed")`.
    """

    def __init__(self, token: str | None = None, client: Client | None = None) -> None:
        self.token = token
        self.client = client or Client()

    def _url(self, path: str) -> str:
        return path if path.startswith("/") else API_ROOT + path

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        headers.update(extra or {})
        return headers

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any):
        return self.client.get(self._url(path), params, headers=self._headers(headers))

    def post(
        self,
        path: str,
        data: Any = None,
        *,
        raw: str | bytes | None = None,
        headers: dict[str, str] | None = None,
    ):
        """POST `data` as JSON, or `raw` bytes verbatim (for malformed bodies)."""
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(
            self._url(path),
            data=body,
            content_type="application/json",
            headers=self._headers(headers),
        )

    def transition(self, reference: str, action: str, **fields: Any):
        return self.post(f"cases/{reference}/transitions", {"action": action, **fields})


# --- real upload files (evidence is decoded and re-encoded, so magic bytes alone are refused)


def real_png(width: int = 8, height: int = 8) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 200)).save(out, "PNG")
    return out.getvalue()


def real_pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def real_jpeg(width: int = 8, height: int = 8) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 160, 120)).save(out, "JPEG")
    return out.getvalue()
