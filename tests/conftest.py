"""Fixtures shared by the whole suite. Builders live in tests/factories.py.

def test_something(areas, make_user, make_case, api_for):
    mediator = make_user("mediator", areas.t1)
    case, secret = make_case(area=areas.t1c1g1)
    api = api_for(mediator)             # bearer-token JSON client
    assert api.get(f"cases/{case.reference}").status_code == 200
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from factories import (  # noqa: E402
    ApiClient,
    AreaTree,
    build_area_tree,
    create_case,
    create_token,
    create_user,
    transition,
)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 is slow by design; tests only need a hasher that works."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_security_state():
    """Rate-limit counters live in the (process-wide) cache: start every test with none.
    Lockout attempts live in the database and roll back with each test."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture
def areas(db) -> AreaTree:
    """city C › county CO › townships T1, T2 › communities T1C1, T1C2, T2C1 › grids."""
    return build_area_tree()


@pytest.fixture
def make_user(db):
    """make_user(role, area, **UserFactory kwargs) -> User with one Membership."""
    return create_user


@pytest.fixture
def make_case(db):
    """make_case(area=..., actor=None, category="neighbour", **CaseInput kwargs)
    -> (case, tracking_secret), filed through services.case_create."""
    return create_case


@pytest.fixture
def do_transition(db):
    """do_transition(case, actor, action, **kwargs) -> case (services.case_transition)."""
    return transition


@pytest.fixture
def make_token(db):
    """make_token(user) -> plaintext bearer token (accounts.services.token_create)."""
    return create_token


@pytest.fixture
def api(db) -> ApiClient:
    """An anonymous JSON client for /api/v1/."""
    return ApiClient()


@pytest.fixture
def api_for(db):
    """api_for(user) -> ApiClient authenticated with a fresh bearer token for `user`."""

    def build(user) -> ApiClient:
        return ApiClient(create_token(user))

    return build


@pytest.fixture
def mediator(areas, make_user):
    """A mediator over township T1."""
    return make_user("mediator", areas.t1, username="mediator_t1")


@pytest.fixture
def coordinator(areas, make_user):
    """A township coordinator over T1."""
    return make_user("township_coordinator", areas.t1, username="coord_t1")


@pytest.fixture
def resident(areas, make_user):
    """A resident living in grid T1C1G1."""
    return make_user("resident", areas.t1c1g1, username="resident_1")
