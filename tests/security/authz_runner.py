"""Enumerate what exists (OpenAPI operations, URL patterns) and replay a matrix entry's sample
request as a given role. Shared by the matrix, jurisdiction and field-level tests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from authz_world import World, context, fill
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accord.accounts.authz import ANONYMOUS

API_PREFIX = "/api/v1/"
# URL names inside the API namespace that are not OpenAPI operations: the schema, its docs
# page and the API root. They are listed under [pages].
API_NON_OPERATIONS = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def api_operations() -> dict[str, dict[str, Any]]:
    """{"GET /api/v1/cases": openapi operation object, ...} for every operation that exists."""
    from accord.config.api import api

    schema = api.get_openapi_schema()
    ops = {}
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                ops[f"{method.upper()} {path}"] = op
    return ops


@dataclass(frozen=True)
class Page:
    name: str  # "namespace:name" (or the route when a pattern has no name)
    route: str  # the full pattern, e.g. "cases/<str:reference>/"
    params: tuple[str, ...]


def page_patterns() -> dict[str, Page]:
    """Every URL pattern outside the API operations, keyed by its (namespaced) name."""
    pages: dict[str, Page] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or route)
                if namespace == "api" and name not in API_NON_OPERATIONS:
                    continue  # an OpenAPI operation: covered under [api]
                params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
                pages.setdefault(name, Page(name, route, params))

    walk(get_resolver().url_patterns, "", "")
    return pages


def client_for(world: World, role: str, *, bearer: bool) -> Client:
    client = Client()
    if role == ANONYMOUS:
        return client
    if bearer:
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role]}"
    else:
        client.force_login(world.users[role])
    return client


def _url_for_route(route: str, params: dict[str, Any]) -> str:
    def sub(m: re.Match) -> str:
        return str(params[m.group(1)])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", sub, route)


def _refs(world: World, entry: dict[str, Any], which: str) -> dict[str, Any]:
    kind = entry.get("object")
    if not kind:
        return {}
    refs = world.objects(kind)
    return dict(refs.home if which == "home" else refs.foreign)


def api_request(world: World, key: str, entry: dict[str, Any], role: str, which: str = "home",
                extra_body: dict | None = None, extra_query: dict | None = None):  # fmt: skip
    method, path = key.split(" ", 1)
    ctx = context(world, role, _refs(world, entry, which))
    url = re.sub(r"\{(\w+)\}", lambda m: str(ctx[m.group(1)]), path)
    client = client_for(world, role, bearer=True)
    query = {**fill(entry.get("query", {}), ctx), **(extra_query or {})}
    if method == "GET":
        return client.get(url, query)
    if query:
        from urllib.parse import urlencode

        url = f"{url}?{urlencode(query)}"
    body = entry.get("body")
    data = {**fill(body or {}, ctx), **(extra_body or {})}
    payload = json.dumps(data) if (body is not None or extra_body) else ""
    return client.generic(method, url, payload, content_type="application/json")


def page_request(world: World, page: Page, entry: dict[str, Any], role: str,
                 which: str = "home", extra_data: dict | None = None,
                 extra_query: dict | None = None):  # fmt: skip
    ctx = context(world, role, _refs(world, entry, which))
    url = _url_for_route(page.route, ctx)
    client = client_for(world, role, bearer=False)
    method = entry.get("method", "GET").upper()
    query = {**fill(entry.get("query", {}), ctx), **(extra_query or {})}
    if method == "GET":
        return client.get(url, query)
    data = {**fill(entry.get("data", {}), ctx), **(extra_data or {})}
    return client.generic(
        method,
        url + (("?" + __import__("urllib.parse").parse.urlencode(query)) if query else ""),
        __import__("urllib.parse").parse.urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )
