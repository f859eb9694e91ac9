"""Deterministic malformed-request sweep over the whole API schema (fast, runs in CI).

The schema fuzzer (test_security_fuzz.py) sends well-typed JSON; two shapes it does not send
once were 500s:

- a write with a non-JSON body (`multipart/form-data; boundary=x`, `text/plain`): the form
  parser read the body before the API did. Every POST/PUT/PATCH operation must refuse it
  with a 4xx {"detail", "code"} (415), anonymous or with a token;
- an extreme date (0001-01-01, 9999-12-31) in a body or query field: `date - timedelta`
  overflowed. Every date field of every operation must give a 4xx, never a 5xx.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from factories import create_token, create_user

pytestmark = pytest.mark.django_db

WRITES = {"post", "put", "patch"}
EXTREME_DATES = ("0001-01-01", "9999-12-31")
NON_JSON = ("multipart/form-data; boundary=x", "text/plain")


@pytest.fixture
def spec(areas):
    admin = create_user("admin", areas.city, username="malformed_admin")
    token = create_token(admin)
    response = Client().get("/api/v1/openapi.json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.json(), token


def _resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = spec["components"]["schemas"][name]
    if "anyOf" in node:
        options = [o for o in node["anyOf"] if o.get("type") != "null"]
        if options:
            return _resolve(spec, options[0])
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(spec, node["allOf"][0])
    return node


def _sample(spec: dict, node: dict, depth: int = 0):
    """A plain value of the right type (so that an extreme date is the only odd field)."""
    node = _resolve(spec, node)
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    fmt = node.get("format", "")
    if kind == "string":
        if fmt == "date":
            return "2024-05-01"
        if fmt == "date-time":
            return "2024-05-01T10:00:00+08:00"
        return "x" * max(node.get("minLength", 1), 1)
    if kind == "integer":
        return max(node.get("minimum", 1), 1)
    if kind == "number":
        return max(node.get("minimum", 1), 1)
    if kind == "boolean":
        return True
    if kind == "array":
        if depth > 3 or not node.get("minItems"):
            return []
        return [_sample(spec, node.get("items", {}), depth + 1)] * node["minItems"]
    if kind == "object" or "properties" in node:
        if depth > 3:
            return {}
        return {
            name: _sample(spec, prop, depth + 1)
            for name, prop in node.get("properties", {}).items()
            if name in node.get("required", ())
        }
    return "x"


def _date_fields(spec: dict, node: dict) -> list[str]:
    node = _resolve(spec, node)
    return [
        name
        for name, prop in node.get("properties", {}).items()
        if _resolve(spec, prop).get("format") in {"date", "date-time"}
    ]


def _path(template: str, op: dict) -> str:
    kinds = {
        p["name"]: p.get("schema", {}).get("type")
        for p in op.get("parameters", ())
        if p.get("in") == "path"
    }
    return re.sub(
        r"\{(\w+)\}", lambda m: "1" if kinds.get(m.group(1)) == "integer" else "x", template
    )


def _operations(spec: dict):
    for template, methods in spec["paths"].items():
        for method, op in methods.items():
            yield template, method, op


def _body_schema(op: dict) -> dict | None:
    content = op.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def _send(client: Client, method: str, url: str, body: bytes, content_type: str, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return getattr(client, method)(url, data=body, content_type=content_type, headers=headers)


def test_every_write_refuses_a_non_json_body_without_a_server_error(spec):
    schema, token = spec
    client = Client(raise_request_exception=False)
    failures, checked = [], 0
    for template, method, op in _operations(schema):
        if method not in WRITES:
            continue
        url = _path(template, op)
        for content_type in NON_JSON:
            for who in (None, token):
                response = _send(client, method, url, b'{"a": 1}', content_type, who)
                checked += 1
                body = (
                    response.json()
                    if response["Content-Type"].startswith("application/json")
                    else {}
                )
                if response.status_code >= 500 or not {"detail", "code"} <= set(body):
                    failures.append((method, url, content_type, bool(who), response.status_code))
    assert checked > 50
    assert failures == []


def test_the_three_public_writes_answer_415_to_a_form_body():
    client = Client(raise_request_exception=False)
    for url in ("/api/v1/cases", "/api/v1/auth/token", "/api/v1/track"):
        for content_type in NON_JSON:
            response = client.post(url, data=b'{"a": 1}', content_type=content_type)
            assert response.status_code == 415, (url, content_type)
            assert response.json()["code"] == "unsupported_media_type"


def test_every_date_field_refuses_extreme_dates_without_a_server_error(spec):
    schema, token = spec
    client = Client(raise_request_exception=False)
    headers = {"Authorization": f"Bearer {token}"}
    failures, checked = [], 0
    for template, method, op in _operations(schema):
        url = _path(template, op)
        body_schema = _body_schema(op)
        if body_schema is not None and method in WRITES:
            base = _sample(schema, body_schema)
            for field in _date_fields(schema, body_schema):
                for value in EXTREME_DATES:
                    body = {**base, field: value}
                    response = getattr(client, method)(
                        url,
                        data=json.dumps(body),
                        content_type="application/json",
                        headers=headers,
                    )
                    checked += 1
                    if response.status_code >= 500:
                        failures.append((method, url, field, value, response.status_code))
        for param in op.get("parameters", ()):
            if param.get("in") != "query":
                continue
            if _resolve(schema, param.get("schema", {})).get("format") not in {"date", "date-time"}:
                continue
            for value in EXTREME_DATES:
                query = {param["name"]: value}
                if method in WRITES:
                    response = getattr(client, method)(
                        f"{url}?{param['name']}={value}",
                        data="{}",
                        content_type="application/json",
                        headers=headers,
                    )
                else:
                    response = client.get(url, query, headers=headers)
                checked += 1
                if response.status_code >= 500:
                    failures.append((method, url, param["name"], value, response.status_code))
    assert checked > 10
    assert failures == []


def test_early_warning_run_with_year_one_is_a_422_with_a_message(spec):
    _, token = spec
    response = Client(raise_request_exception=False).post(
        "/api/v1/early-warning/runs",
        data=json.dumps({"as_of": "0001-01-01"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert "1900" in response.json()["detail"]
