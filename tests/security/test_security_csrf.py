"""CSRF on API writes authenticated by the session cookie (public endpoints included).

A foreign page can make the browser post with the resident's cookie (a `text/plain` body
needs no preflight); it cannot read the CSRF cookie nor send a bearer token. So: a session
write needs the `X-CSRFToken` header (403 `csrf_failed` otherwise, nothing written), a
non-JSON body is a 415, bearer tokens and anonymous callers are unaffected.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from accord.cases.models import Case
from factories import create_token

pytestmark = pytest.mark.django_db

BODY = {
    "category": "neighbour",
    "area": "T1C1G1",
    "description": "A dog barks all night next door.",
    "parties": [{"role": "applicant", "kind": "person", "name": "Li Wei"}],
}


def _session_client(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = token  # what the site's pages set
    return client, token


def _file(client: Client, headers=None, content_type="application/json"):
    return client.post(
        "/api/v1/cases", data=json.dumps(BODY), content_type=content_type, headers=headers or {}
    )


def test_session_filing_without_the_token_is_refused_and_writes_nothing(resident):
    client, _ = _session_client(resident)
    before = Case.objects.count()
    response = _file(client, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert "CSRF" in response.json()["detail"]
    assert Case.objects.count() == before


def test_text_plain_from_a_foreign_page_is_refused_and_writes_nothing(resident):
    client, token = _session_client(resident)
    before = Case.objects.count()
    response = _file(client, content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    # even with the token: JSON endpoints take JSON only
    response = _file(client, headers={"X-CSRFToken": token}, content_type="text/plain")
    assert response.status_code == 415
    assert Case.objects.count() == before


def test_session_filing_with_the_token_files_as_the_resident(resident):
    client, token = _session_client(resident)
    response = _file(client, headers={"X-CSRFToken": token})
    assert response.status_code == 201, response.content
    case = Case.objects.get(reference=response.json()["reference"])
    assert case.filed_by == resident


def test_bearer_token_needs_no_csrf_token(resident):
    client = Client(enforce_csrf_checks=True)
    response = _file(client, headers={"Authorization": f"Bearer {create_token(resident)}"})
    assert response.status_code == 201, response.content


def test_anonymous_filing_still_works(areas):
    client = Client(enforce_csrf_checks=True)
    response = _file(client)
    assert response.status_code == 201, response.content
    assert Case.objects.get(reference=response.json()["reference"]).filed_by is None


def test_session_write_on_an_authenticated_endpoint_gets_the_same_clear_code(coordinator):
    client, token = _session_client(coordinator)
    response = client.post("/api/v1/early-warning/runs", data="{}", content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
