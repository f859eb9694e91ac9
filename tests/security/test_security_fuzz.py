"""Schema-driven fuzzing of the whole API (schemathesis, in-process through WSGI).

Two staff users of different townships are peers that must never see each other's objects.
Every generated request is sent as one peer; the checks are:

- no server error (5xx), responses conform to the schema (status documented, body valid,
  content type), errors are {"detail", "code"};
- no cross-jurisdiction read: no response to a peer ever contains the other township's case
  (reference, names, contact, text);
- object-level authorisation: the same request replayed against the other peer's object
  (path parameters pointing at the other township's case) is a 404, and a write replayed so
  changes nothing there.

Bounded for CI: a fixed number of examples per operation, derandomised, < 1 minute.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accord.accounts.services import token_create
from accord.cases.models import Case
from factories import PartyInput, build_area_tree, create_case, create_user

# Examples per operation (plus schemathesis' coverage cases). ACCORD_FUZZ_EXAMPLES=200 for a
# deeper run by hand.
MAX_EXAMPLES = int(os.environ.get("ACCORD_FUZZ_EXAMPLES", "10"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class Peer:
    def __init__(self, name: str, township, grid) -> None:
        self.user = create_user("township_coordinator", township, username=f"peer_{name}")
        self.token = token_create(actor=None, user=self.user, name="fuzz")
        self.case, self.secret = create_case(
            area=grid,
            description=f"Peer {name} case: zz{name}secret dispute about a fence.",
            parties=(
                PartyInput(
                    role="applicant",
                    kind="person",
                    name=f"Applicant Zz{name}",
                    contact=f"zz{name}-contact-555",
                ),  # fmt: skip
            ),
        )
        self.markers = [
            self.case.reference, f"zz{name}secret", f"Applicant Zz{name}", f"zz{name}-contact-555",
        ]  # fmt: skip

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler sends request_started/request_finished, whose close_old_connections
    closes the database connection after each request. Django's test Client switches that
    handler off; schemathesis calls the WSGI app directly, so do the same here. (In-memory
    SQLite ignores the close; on PostgreSQL it would end the test's transaction.)"""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def peers(db, settings):
    # The fuzzer files far more cases than the public limits allow; limits have their own tests.
    settings.ACCORD_RATE_LIMITS = {
        k: (10**6, w) for k, (_, w) in settings.ACCORD_RATE_LIMITS.items()
    }
    areas = build_area_tree()
    return Peer("east", areas.t1, areas.t1c1g1), Peer("west", areas.t2, areas.t2c1g1)


def _body(response) -> str:
    return response.content.decode(errors="replace") if hasattr(response, "content") else ""


def _snapshot(peer: Peer):
    case = Case.objects.get(pk=peer.case.pk)
    return (case.status, case.tier, case.area_id, case.handling_area_id, case.assignee_id,
            case.events.count())  # fmt: skip


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz(case, peers):
    for me, other in (peers, peers[::-1]):
        # 1. As generated, sent by `me`.
        response = case.call_and_validate(headers=me.headers, checks=CHECKS)
        text = response.text
        # A 404 may echo what the caller sent (e.g. a reference it guessed); nothing else.
        sent = json.dumps([case.path_parameters, case.query, case.body], default=str)
        leaked = [m for m in other.markers if m in text and m not in sent]
        assert not leaked, f"{case.method} {case.formatted_path} showed {me.user} {leaked}"

        # 2. Object-level: the same request aimed at the other peer's object.
        same_method = case.method.upper() == case.operation.method.upper()
        if same_method and case.path_parameters and "reference" in case.path_parameters:
            before = _snapshot(other)
            original = dict(case.path_parameters)
            case.path_parameters["reference"] = other.case.reference
            try:
                probe = case.call(headers=me.headers)
            finally:
                case.path_parameters = original
            # Refused without revealing that the object exists: never 2xx, 403 or 409 (415: the
            # content type is refused before any lookup, so it reveals nothing).
            assert probe.status_code in (400, 401, 404, 413, 415, 422, 429), (
                f"{case.method} {case.formatted_path} on the other township's case as {me.user}: "
                f"{probe.status_code} {probe.text[:300]}"
            )
            assert set(json.loads(probe.text)) == {"detail", "code"}
            assert not [m for m in other.markers[1:] if m in probe.text]
            assert _snapshot(other) == before, "a refused request changed the other case"
