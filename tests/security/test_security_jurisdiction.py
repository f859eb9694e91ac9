"""Object-level authorisation (ASVS V8.2/V8.3), driven by the matrix:

- jurisdiction: for every entry with an object, another township's object is 404 in get and
  update (scope = "item") and absent from lists, searches and exports (scope = "collection"),
  for every role that may use the entry at all;
- field level: analysts never receive names, contacts or free text about people, on any
  operation or page they can reach;
- mass assignment: extra fields such as status, tier or area in a request never change what
  the caller may not change.
"""

from __future__ import annotations

import json

import pytest
from authz_runner import api_operations, api_request, page_patterns, page_request
from authz_world import BUILDERS, build_world
from django.db import transaction

from accord.accounts.authz import ROLES, expected_status, load_matrix
from accord.cases.models import Case
from accord.core.models import AuditEvent

pytestmark = pytest.mark.django_db

MATRIX = load_matrix()
GROUPS = MATRIX["groups"]


def _entries(scope: str) -> list[tuple[str, str]]:
    out = []
    for section in ("api", "pages"):
        for key, entry in MATRIX[section].items():
            if entry.get("object") and entry.get("scope") == scope:
                out.append((section, key))
    return sorted(out)


def _call(world, section: str, key: str, role: str, which: str, **extra):
    entry = MATRIX[section][key]
    if section == "api":
        return api_request(world, key, entry, role, which, extra_query=extra.get("query"))
    return page_request(
        world, page_patterns()[key], entry, role, which, extra_query=extra.get("query")
    )


def _allowed_roles(section: str, key: str) -> list[str]:
    entry = MATRIX[section][key]
    return [r for r in ROLES if 200 <= expected_status(entry, r, GROUPS) < 400]


def _exists(section: str, key: str) -> bool:
    return key in (api_operations() if section == "api" else page_patterns())


def test_every_object_type_has_item_and_collection_coverage():
    kinds_item = {MATRIX[s][k]["object"] for s, k in _entries("item")}
    kinds_coll = {MATRIX[s][k]["object"] for s, k in _entries("collection")}
    assert set(BUILDERS) <= kinds_item, "each object type needs a get/update entry with scope=item"
    assert set(BUILDERS) <= kinds_coll, "each object type needs a list entry with scope=collection"


@pytest.mark.parametrize("section,key", _entries("item"))
def test_other_jurisdictions_objects_are_404(areas, section, key):
    if not _exists(section, key):
        pytest.skip("no such operation")
    world = build_world(areas)
    entry = MATRIX[section][key]
    refs = world.objects(entry["object"])
    roles = [r for r in _allowed_roles(section, key) if r != "anonymous"]
    assert roles, f"{key}: no role may use it, nothing to check"
    # What the caller sent (the reference) may be echoed in the 404; nothing else may appear.
    sent = " ".join(str(v) for v in refs.foreign.values())
    markers = [m for m in refs.foreign_markers if m not in sent]
    wrong = {}
    for role in roles:
        with transaction.atomic():
            response = _call(world, section, key, role, "foreign")
            body = response.content.decode(errors="replace")
            transaction.set_rollback(True)
        if response.status_code != 404 or any(m in body for m in markers):
            wrong[role] = (response.status_code, [m for m in markers if m in body])
    assert not wrong, f"{key}: foreign object not a clean 404 for {wrong}"


@pytest.mark.parametrize("section,key", _entries("collection"))
def test_lists_searches_and_exports_never_show_other_jurisdictions(areas, section, key):
    if not _exists(section, key):
        pytest.skip("no such operation")
    world = build_world(areas)
    entry = MATRIX[section][key]
    refs = world.objects(entry["object"])
    search = entry.get("search")
    leaks = {}
    for role in [r for r in _allowed_roles(section, key) if r != "anonymous"]:
        queries = [None] + ([{search: m} for m in refs.foreign_markers] if search else [])
        for query in queries:
            with transaction.atomic():
                response = _call(world, section, key, role, "home", query=query)
                transaction.set_rollback(True)
            body = response.content.decode(errors="replace")
            # A search box may echo the term searched for; any other marker is a leak.
            echoed = set(query.values()) if query else set()
            found = [m for m in refs.foreign_markers if m in body and m not in echoed]
            if found:
                leaks.setdefault(role, []).append((query, found))
    assert not leaks, f"{key}: another jurisdiction's object appears: {leaks}"


def test_home_objects_are_visible_so_the_checks_above_mean_something(areas, api_for):
    """Sanity: the list does show the home case to staff (else 'absent' proves nothing)."""
    world = build_world(areas)
    refs = world.objects("case")
    from factories import ApiClient

    body = ApiClient(world.tokens["mediator"]).get("cases").content.decode()
    assert refs.home["reference"] in body
    assert refs.foreign["reference"] not in body


# --- field level: analysts ----------------------------------------------------------------------


def _reads() -> list[tuple[str, str]]:
    out = []
    for section in ("api", "pages"):
        for key, entry in MATRIX[section].items():
            method = key.split(" ", 1)[0] if section == "api" else entry.get("method", "GET")
            if method.upper() == "GET":
                out.append((section, key))
    return sorted(out)


@pytest.mark.parametrize("section,key", _reads())
def test_analysts_never_receive_names_contacts_or_free_text(areas, section, key):
    if not _exists(section, key):
        pytest.skip("no such operation")
    world = build_world(areas)
    private = [p for refs in world.all_objects() for p in refs.private]
    entry = MATRIX[section][key]
    for which in ("home", "foreign") if entry.get("object") else ("home",):
        search = entry.get("search")
        queries = [None] + ([{search: p} for p in private[:3]] if search else [])
        for query in queries:
            response = _call(world, section, key, "analyst", which, query=query)
            body = response.content.decode(errors="replace")
            echoed = set(query.values()) if query else set()
            leaked = [p for p in private if p in body and p not in echoed]
            assert not leaked, f"{key} ({which}, {query}) gave an analyst: {leaked}"


# --- mass assignment ----------------------------------------------------------------------------

EXTRA_FIELDS = {
    "status": "closed",
    "tier": "county",
    "area": "T2C1G1",
    "handling_area": "T2",
    "assignee": "authz_admin",
    "filed_by": 1,
    "reference": "AC-2000-0000001",
    "is_staff": True,
    "is_superuser": True,
    "role": "admin",
    "id": 1,
}


def _writes() -> list[str]:
    return sorted(
        k
        for k, e in MATRIX["api"].items()
        if k.split()[0] in {"POST", "PUT", "PATCH"} and "body" in e
    )


def _body_fields(op: dict) -> set[str]:
    """The properties of an operation's JSON request body, from the OpenAPI schema."""
    from accord.config.api import api

    components = api.get_openapi_schema()["components"]["schemas"]
    content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    schema = content.get("schema", {})
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return set(schema.get("properties", {}))


def _snapshot():
    return sorted(
        Case.objects.values_list(
            "reference",
            "status",
            "tier",
            "area__code",
            "handling_area__code",
            "assignee_id",
            "filed_by_id",
        )  # fmt: skip
    )


@pytest.mark.parametrize("key", _writes())
def test_api_writes_refuse_extra_fields(areas, key):
    if key not in api_operations():
        pytest.skip("no such operation")
    world = build_world(areas)
    entry = MATRIX["api"][key]
    if entry.get("object"):
        world.objects(entry["object"])
    roles = [r for r in ROLES if 200 <= expected_status(entry, r, GROUPS) < 300]
    assert roles, f"{key}: nobody may call it"
    real = _body_fields(api_operations()[key])
    for role in roles:
        for field, value in EXTRA_FIELDS.items():
            if field in real:
                continue  # a real field of this operation (its own rules apply)
            with transaction.atomic():
                before, audit = _snapshot(), AuditEvent.objects.count()
                response = api_request(world, key, entry, role, extra_body={field: value})
                after, audit_after = _snapshot(), AuditEvent.objects.count()
                transaction.set_rollback(True)
            assert response.status_code == 422, (key, role, field, response.content)
            assert json.loads(response.content)["code"] == "invalid"
            assert (after, audit_after) == (before, audit), (key, role, field)


def test_web_action_form_ignores_extra_fields(areas):
    from authz_runner import client_for

    world = build_world(areas)
    refs = world.objects("case")
    client = client_for(world, "mediator", bearer=False)
    case = Case.objects.get(reference=refs.home["reference"])
    response = client.post(
        f"/cases/{case.reference}/act/",
        {"action": "accept", "note": "ok", **{k: v for k, v in EXTRA_FIELDS.items()}},
    )
    assert response.status_code == 302
    after = Case.objects.get(pk=case.pk)
    assert after.status == "accepted"  # what "accept" does, not the posted "closed"
    assert (after.tier, after.area_id, after.handling_area_id, after.filed_by_id) == (
        case.tier, case.area_id, case.handling_area_id, case.filed_by_id,
    )  # fmt: skip


def test_web_intake_ignores_extra_fields(areas):
    from django.test import Client

    response = Client().post(
        "/file/",
        {
            "category": "neighbour",
            "area": "T1C1G1",
            "description": "Noise from the bar downstairs after midnight.",
            "applicant_name": "Sun Li",
            "other_kind": "person",
            "people_count": "1",
            "tier": "county",
            "status": "closed",
            "handling_area": "T2",
            "police_liaison": "on",
        },
        follow=True,  # redirect after POST to the receipt
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    case = Case.objects.latest("created_at")
    assert (case.tier, case.status, case.handling_area.code) == ("community", "registered", "T1C1")
