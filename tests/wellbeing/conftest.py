"""A small counselling network over the test area tree: a station in T1 (head: head_t1)
with two on-call counsellors (c1 first, c2 second), and a station in T2 with c_t2."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from accord.accounts.models import Role, User
from accord.wellbeing.models import Counsellor, OnCall, Unit

ALWAYS = {"always": True}


@dataclass
class Network:
    t1: Unit
    t2: Unit
    c1: User
    c2: User
    head: User
    c_t2: User


@pytest.fixture
def network(areas, make_user) -> Network:
    c1 = make_user(Role.COUNSELOR, areas.t1, username="c1")
    c2 = make_user(Role.COUNSELOR, areas.t1, username="c2")
    head = make_user(Role.COUNSELOR, areas.t1, username="head_t1")
    c_t2 = make_user(Role.COUNSELOR, areas.t2, username="c_t2")
    t1 = Unit.objects.create(
        code="U-T1", kind="station", name_en="T1 station", name_zh="T1站", area=areas.t1,
        hours=ALWAYS, languages=["zh", "en"], services=["in_person", "phone"], capacity=20,
        head=head,
    )  # fmt: skip
    t2 = Unit.objects.create(
        code="U-T2", kind="station", name_en="T2 station", name_zh="T2站", area=areas.t2,
        hours={"mon": [["09:00", "17:00"]]}, languages=["zh"], services=["phone"], capacity=5,
    )  # fmt: skip
    for u in (c1, c2, head):
        Counsellor.objects.create(user=u, unit=t1)
    Counsellor.objects.create(user=c_t2, unit=t2)
    OnCall.objects.create(area=areas.t1, position=1, user=c1, unit=t1)
    OnCall.objects.create(area=areas.t1, position=2, user=c2, unit=t1)
    OnCall.objects.create(area=areas.t2, position=1, user=c_t2, unit=t2)
    return Network(t1, t2, c1, c2, head, c_t2)
