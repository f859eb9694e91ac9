"""The world the authorisation tests run in, and the object builders that fill path
parameters (used by test_security_authz_matrix.py and test_security_jurisdiction.py).

One user per role holds it over the "home" jurisdiction (township T1, or the county/city for
the roles that work there); every object type has a *home* object inside that jurisdiction
and a *foreign* one in township T2. To cover a new object type, add a builder:

    @builder("proceeding")
    def proceeding(world):
        home = <create one in areas.t1c1g1 through its service>
        foreign = <create one in areas.t2c1g1>
        return ObjectRefs(
            home={"id": home.pk}, foreign={"id": foreign.pk},
            foreign_markers=[<strings only the foreign object's output contains>],
            private=[<names, contacts, free text about people in either object>],
        )

and name it in the matrix entry: `object = "proceeding"` (path parameters are filled from
`home`/`foreign`, and `{...}` placeholders in `body`/`query` too).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accord.accounts.authz import ANONYMOUS
from accord.accounts.models import Role, User
from accord.accounts.services import token_create
from factories import PASSWORD, AreaTree, PartyInput, create_case, create_user


@dataclass
class ObjectRefs:
    home: dict[str, Any]
    foreign: dict[str, Any]
    foreign_markers: list[str]
    private: list[str] = field(default_factory=list)


@dataclass
class World:
    areas: AreaTree
    users: dict[str, User]  # role -> user (no entry for anonymous)
    tokens: dict[str, str]
    _objects: dict[str, ObjectRefs] = field(default_factory=dict)

    def objects(self, kind: str) -> ObjectRefs:
        if kind not in self._objects:
            if kind not in BUILDERS:
                raise KeyError(f"no object builder {kind!r} in tests/security/authz_world.py")
            self._objects[kind] = BUILDERS[kind](self)
        return self._objects[kind]

    def all_objects(self) -> list[ObjectRefs]:
        return [self.objects(kind) for kind in BUILDERS]


# Where each role's test user works: township T1 for every staff role (even the county and
# city roles, so that the foreign objects in T2 are outside every caller's jurisdiction), the
# resident in a grid of T1, the analyst over the whole county (analysts see aggregates only,
# so even a county-wide analyst must never receive names or free text).
HOME_AREA = {
    Role.RESIDENT: "t1c1g1",
    Role.MEDIATOR: "t1",
    Role.TOWNSHIP_COORDINATOR: "t1",
    Role.COUNTY_SUPERVISOR: "t1",
    Role.DEPARTMENT_HANDLER: "t1",
    Role.ANALYST: "county",
    Role.COUNSELOR: "t1",
    Role.INSPECTOR: "t1",
    Role.ADMIN: "t1",
}


def build_world(areas: AreaTree) -> World:
    users, tokens = {}, {}
    for role in Role.values:
        user = create_user(role, getattr(areas, HOME_AREA[role]), username=f"authz_{role}")
        users[role] = user
        tokens[role] = token_create(actor=None, user=user, name="authz")
    return World(areas=areas, users=users, tokens=tokens)


BUILDERS: dict[str, Callable[[World], ObjectRefs]] = {}


def builder(kind: str):
    def register(fn: Callable[[World], ObjectRefs]):
        BUILDERS[kind] = fn
        return fn

    return register


@builder("case")
def case_objects(world: World) -> ObjectRefs:
    home, home_secret = create_case(
        area=world.areas.t1c1g1,
        actor=world.users[Role.RESIDENT],
        description="Home case: water from the flat of Wang Fang upstairs.",
        parties=(
            PartyInput(role="applicant", kind="person", name="Chen Home", contact="139 1111 2222"),
            PartyInput(role="respondent", kind="person", name="Wang Fang"),
        ),
    )
    foreign, foreign_secret = create_case(
        area=world.areas.t2c1g1,
        description="Foreign case: zzforeignmarker quarrel over a wall.",
        parties=(
            PartyInput(
                role="applicant", kind="person", name="Zhao Foreign", contact="137 9999 8888"
            ),
            PartyInput(role="respondent", kind="person", name="Qian Outside"),
        ),
    )
    return ObjectRefs(
        home={"reference": home.reference, "secret": home_secret},
        foreign={"reference": foreign.reference, "secret": foreign_secret},
        foreign_markers=[foreign.reference, "zzforeignmarker", "Zhao Foreign", "Qian Outside"],
        private=[
            "Chen Home", "139 1111 2222", "Wang Fang", "water from the flat of Wang Fang",
            "Zhao Foreign", "137 9999 8888", "Qian Outside", "zzforeignmarker",
        ],
    )  # fmt: skip


def caller_username(world: World, role: str) -> str:
    return "nobody" if role == ANONYMOUS else world.users[role].username


def context(world: World, role: str, refs: dict[str, Any]) -> dict[str, Any]:
    """Values for `{placeholders}` in a matrix entry's body and query."""
    return {**refs, "username": caller_username(world, role), "password": PASSWORD}


def fill(value: Any, ctx: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format(**ctx) if "{" in value else value
    if isinstance(value, dict):
        return {k: fill(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [fill(v, ctx) for v in value]
    return value
