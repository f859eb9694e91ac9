"""Authorisation as data (ASVS V8): src/accord/accounts/authz_matrix.toml states, for every
API operation and every page, the status each role's sample request gets. This test
enumerates the OpenAPI operations and URL patterns that exist *now* and fails when one has
no entry, when an entry names something that no longer exists, or when the code answers a
role differently from its entry.

To see the statuses the code gives today for entries you are writing, run
    ACCORD_AUTHZ_SHOW=1 .venv/bin/python -m pytest tests/security/test_security_authz_matrix.py -s
"""

from __future__ import annotations

import os

import pytest
from authz_runner import api_operations, api_request, page_patterns, page_request
from authz_world import BUILDERS, build_world
from django.db import transaction

from accord.accounts.authz import MATRIX_PATH, ROLES, expected_status, load_matrix

pytestmark = pytest.mark.django_db

MATRIX = load_matrix()
GROUPS = MATRIX["groups"]
HOWTO = "add an entry to src/accord/accounts/authz_matrix.toml (see docs/security.md)"


def test_every_api_operation_has_an_entry():
    missing = sorted(set(api_operations()) - set(MATRIX["api"]))
    assert not missing, f"API operations without a matrix entry ({HOWTO}):\n" + "\n".join(missing)


def test_every_page_has_an_entry():
    missing = sorted(set(page_patterns()) - set(MATRIX["pages"]))
    assert not missing, f"URL patterns without a matrix entry ({HOWTO}):\n" + "\n".join(missing)


def test_no_entry_for_something_that_does_not_exist():
    stale = sorted(set(MATRIX["api"]) - set(api_operations()))
    stale += sorted(set(MATRIX["pages"]) - set(page_patterns()))
    assert not stale, f"matrix entries for operations/pages that no longer exist: {stale}"


def test_matrix_is_well_formed():
    problems = []
    for section in ("api", "pages"):
        for key, entry in MATRIX[section].items():
            expect = entry.get("expect")
            if not isinstance(expect, dict) or "default" not in expect:
                problems.append(f"{key}: needs expect = {{ default = <status>, ... }}")
                continue
            for who in expect:
                if who != "default" and who not in ROLES and who not in GROUPS:
                    problems.append(f"{key}: unknown role or group {who!r}")
            if entry.get("object") and entry["object"] not in BUILDERS:
                problems.append(f"{key}: no builder for object {entry['object']!r}")
            if entry.get("scope") not in (None, "item", "collection", "none"):
                problems.append(f"{key}: scope must be item, collection or none")
    for name, members in GROUPS.items():
        problems += [f"group {name}: unknown role {r!r}" for r in members if r not in ROLES]
    assert not problems, "\n".join(problems)


def _check(world, call) -> dict[str, tuple[int, int]]:
    """Run `call(role)` for every role inside a rolled-back savepoint; return mismatches."""
    seen = {}
    for role in ROLES:
        with transaction.atomic():
            status = call(role)
            transaction.set_rollback(True)
        seen[role] = status
    return seen


def _report(key: str, entry: dict, seen: dict[str, int]) -> None:
    if os.environ.get("ACCORD_AUTHZ_SHOW"):
        print(f"\n{key}: " + ", ".join(f"{r} = {s}" for r, s in seen.items()))
    wrong = {
        role: (expected_status(entry, role, GROUPS), got)
        for role, got in seen.items()
        if expected_status(entry, role, GROUPS) != got
    }
    assert not wrong, f"{key}: role -> (matrix says, code gives): {wrong}"


@pytest.mark.parametrize("key", sorted(MATRIX["api"]))
def test_api_operation_behaves_as_its_entry(areas, key):
    if key not in api_operations():
        pytest.skip("no such operation (see test_no_entry_for_something_that_does_not_exist)")
    entry = MATRIX["api"][key]
    world = build_world(areas)
    if entry.get("object"):
        world.objects(entry["object"])
    seen = _check(world, lambda role: api_request(world, key, entry, role).status_code)
    _report(key, entry, seen)


@pytest.mark.parametrize("name", sorted(MATRIX["pages"]))
def test_page_behaves_as_its_entry(areas, name):
    pages = page_patterns()
    if name not in pages:
        pytest.skip("no such page (see test_no_entry_for_something_that_does_not_exist)")
    entry = MATRIX["pages"][name]
    world = build_world(areas)
    if entry.get("object"):
        world.objects(entry["object"])
    seen = _check(world, lambda role: page_request(world, pages[name], entry, role).status_code)
    _report(name, entry, seen)


def test_matrix_file_is_where_the_docs_say():
    assert MATRIX_PATH.name == "authz_matrix.toml" and MATRIX_PATH.exists()
